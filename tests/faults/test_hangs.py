"""Things in a repository that would hang or blow up a scan (issue 15 item 7): a FIFO named
like source, a pathological ignore pattern, a huge file, an absurd worker count."""

from __future__ import annotations

import builtins
import json
import os
from pathlib import Path

import pytest

from drift_lsp.config import parse_config
from drift_lsp.workspace import Workspace

from . import Drift

SOURCE = "def load_item(item_id):\n    return item_id\n"


def test_a_fifo_named_like_source_is_skipped_never_opened(tmp_path: Path, drift: Drift) -> None:
    (tmp_path / "app.py").write_text(SOURCE)
    os.mkfifo(tmp_path / "pipe.py")  # nobody ever writes to it: opening it would block
    run = drift(tmp_path, "scan", "--json", timeout=120)
    assert run.code == 0 and json.loads(run.out)["files_total"] == 1
    run = drift(tmp_path, "check", str(tmp_path / "pipe.py"), timeout=120)
    assert run.code == 0 and "not a regular file" in run.err


def test_an_exponential_ignore_pattern_does_not_hang_the_walk(tmp_path: Path, drift: Drift) -> None:
    (tmp_path / "app.py").write_text(SOURCE)
    # Almost matches "*a*a*a*...*b": a backtracking regex tries every way to split the a's.
    (tmp_path / ("a" * 200 + ".py")).write_text(SOURCE)
    (tmp_path / ".gitignore").write_text("*a" * 12 + "*b\n" + "z" * 10**6 + "\n")
    run = drift(tmp_path, "scan", "--json", timeout=120)
    assert run.code == 0 and json.loads(run.out)["files_total"] == 2
    assert "wildcard runs" in run.err and "longer than" in run.err


def test_a_file_over_the_size_limit_is_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app.py").write_text(SOURCE)
    big = tmp_path / "generated.py"
    with big.open("wb") as handle:  # 30 MB, sparse: cheap to make, costly to read
        handle.truncate(30 * 2**20)
    opened: list[str] = []
    real_os_open, real_open = os.open, builtins.open

    def os_open(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_os_open(path, *args, **kwargs)

    def py_open(path, *args, **kwargs):
        if not isinstance(path, int):
            opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    with Workspace.open(tmp_path) as workspace:
        monkeypatch.setattr(os, "open", os_open)
        monkeypatch.setattr(builtins, "open", py_open)
        summary = workspace.scan()  # two files: analysed in this process, no pool
        monkeypatch.undo()
    assert summary.files_total == 2
    assert any(p.endswith("app.py") for p in opened), "the spy must see what the scan opens"
    assert not any(p.endswith("generated.py") for p in opened)
    assert any("generated.py" in problem for problem in summary.problems)


def test_max_workers_is_capped_at_the_core_count() -> None:
    config = parse_config({"performance": {"maxWorkers": 1024}})
    assert config.performance.max_workers == os.cpu_count()
    assert parse_config({"performance": {"maxWorkers": 0}}).performance.max_workers == 0

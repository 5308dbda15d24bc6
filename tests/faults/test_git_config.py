"""A repository's git config must not run code when Drift scans or checks it (issue 15 item 4):
every setting through which `.git/config` names a program is disabled on each git call."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from . import Drift

EVIL = """#!/bin/sh
echo "$0 $*" >> {marker}
cat
"""


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2020-01-01T00:00:00", "GIT_COMMITTER_DATE":
           "2020-01-01T00:00:00"}  # fmt: skip
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def hostile_repository(tmp_path: Path) -> tuple[Path, Path]:
    """A cloned repository whose config runs a script through fsmonitor, a clean filter,
    an external diff and a hook; each writes to `marker` when it runs."""
    marker = tmp_path / "ran.txt"
    script = tmp_path / "evil.sh"
    script.write_text(EVIL.format(marker=marker))
    script.chmod(0o755)
    root = tmp_path / "repo"
    root.mkdir()
    for n in range(4):
        (root / f"mod{n}.py").write_text(f"def load_item_{n}(item_id):\n    return item_id\n")
    (root / ".gitattributes").write_text("*.py filter=evil diff=evil\n")
    git(root, "init", "-q")
    for key, value in (
        ("user.email", "a@example.com"),
        ("user.name", "A"),
        ("core.fsmonitor", str(script)),
        ("filter.evil.clean", str(script)),
        ("filter.evil.process", str(script)),
        ("diff.evil.textconv", str(script)),
        ("diff.external", str(script)),
        ("core.pager", str(script)),
    ):
        git(root, "config", key, value)
    git(root, "-c", "core.fsmonitor=false", "-c", "filter.evil.clean=", "-c",
        "filter.evil.process=", "add", ".")  # fmt: skip
    git(root, "-c", "core.fsmonitor=false", "-c", "filter.evil.clean=", "-c",
        "filter.evil.process=", "commit", "-qm", "init")  # fmt: skip
    hooks = root / ".git/hooks"
    for hook in ("post-index-change", "post-checkout", "pre-auto-gc"):
        (hooks / hook).write_text(EVIL.format(marker=marker))
        (hooks / hook).chmod(0o755)
    marker.unlink(missing_ok=True)
    return root, marker


def touch_all(root: Path, when: int) -> None:
    """A changed stat makes `git status` re-read (and filter) the files."""
    for path in root.glob("*.py"):
        os.utime(path, (when, when))


def test_the_setup_does_run_code_with_plain_git(tmp_path: Path) -> None:
    root, marker = hostile_repository(tmp_path)
    touch_all(root, 2_000_000_000)
    subprocess.run(["git", "status"], cwd=root, capture_output=True, check=True)
    assert marker.exists(), "the hostile config must be live, or the test below proves nothing"


def test_scan_and_check_never_run_the_repositorys_programs(tmp_path: Path, drift: Drift) -> None:
    root, marker = hostile_repository(tmp_path)
    assert drift(root, "scan").code == 0
    touch_all(root, 2_000_000_000)
    (root / "mod0.py").write_text("def LoadItem(item_id):\n    return item_id\n")
    (root / "new.py").write_text("def LoadOther(x):\n    return x\n")
    assert drift(root, "check").code in (0, 1)
    assert drift(root, "scan").code == 0
    assert not marker.exists(), marker.read_text()

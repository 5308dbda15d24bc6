"""Scanning a small repo with known conventions: what is learned, exactly, and what changes
on incremental rescans."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from support import OLD_MTIME_NS, PY_CONVENTIONAL, SMALL_REPO_LEARNING, write_tree

from drift_lsp.workspace import Workspace
from storage.repositories.patterns import pattern_id_of

FUNCTION_NAMING = pattern_id_of("naming/function", "snake_case/declaration@python")


def scanned(root: Path, **config) -> Workspace:
    config["learning"] = {**SMALL_REPO_LEARNING, **config.get("learning", {})}
    (root / "drift.config.json").write_text(json.dumps(config))
    workspace = Workspace.open(root)
    workspace.scan()
    return workspace


def test_learns_function_naming_with_exact_confidence(py_repo: Path) -> None:
    with scanned(py_repo) as workspace:
        pattern = workspace.pattern(FUNCTION_NAMING)
        assert pattern is not None
        assert (pattern.value, pattern.context) == ("snake_case", "declaration@python")
        # 8 of 9 functions are snake_case, in 4 of the 5 files that define functions.
        assert pattern.confidence_frequency == pytest.approx(0.8889)
        assert pattern.confidence_consistency == pytest.approx(0.8)
        assert pattern.confidence_age == 1.0
        assert pattern.confidence_spread == pytest.approx(0.4)
        assert pattern.confidence_score == pytest.approx(0.8056)
        assert pattern.confidence_level == "medium"
        assert pattern.status == "discovered"
        assert (pattern.location_count, pattern.outlier_count) == (9, 1)
        status = workspace.status()
        assert status["total_patterns"] == status["approved"] + status["discovered"] > 5
        # Conventions every file follows score high enough to be approved on the first scan.
        assert workspace.pattern(
            pattern_id_of("documentation/docstring", "present/declaration@python")
        )
        assert status["approved"] >= 1
        assert status["categories"]["naming"]["outliers"] >= 3


def test_auto_approved_patterns_flag_the_planted_deviations(py_repo: Path) -> None:
    with scanned(py_repo, learning={"autoApproveThreshold": 0.8}) as workspace:
        deviant = py_repo / "pkg/deviant.py"
        found = workspace.check_text(deviant, deviant.read_text())
        by_detector = {v.detector_id: v for v in found}
        assert {"naming/function", "naming/parameter", "naming/variable"} <= set(by_detector)
        function = by_detector["naming/function"]
        assert function.message == (
            "Function naming: expected snake_case, found camelCase 'fetchRemote'"
        )
        assert (function.line, function.column, function.end_column) == (5, 4, 15)
        clean = py_repo / "pkg/mod_1.py"
        assert workspace.check_text(clean, clean.read_text()) == []


def test_user_decisions_survive_a_full_rescan(py_repo: Path) -> None:
    with scanned(py_repo) as workspace:
        assert workspace.set_status([FUNCTION_NAMING], "ignored") == 1
        workspace.scan(full=True)
        assert workspace.pattern(FUNCTION_NAMING).status == "ignored"
        workspace.set_status([FUNCTION_NAMING], "approved")
        workspace.scan(full=True)
        assert workspace.pattern(FUNCTION_NAMING).status == "approved"


def test_incremental_rescan_after_edit_rename_and_delete(py_repo: Path) -> None:
    with scanned(py_repo) as workspace:
        assert workspace.scan().files_scanned == 0, "nothing changed, nothing re-read"

        deviant = py_repo / "pkg/deviant.py"
        deviant.write_text(deviant.read_text().replace("fetchRemote", "fetch_remote"))
        os.utime(deviant, ns=(OLD_MTIME_NS, OLD_MTIME_NS + 1))
        summary = workspace.scan()
        assert summary.files_scanned == 1
        assert workspace.pattern(FUNCTION_NAMING).outlier_count == 0

        (py_repo / "pkg/mod_1.py").rename(py_repo / "pkg/mod_renamed.py")
        summary = workspace.scan()
        assert (summary.files_scanned, summary.files_deleted) == (1, 1)
        assert workspace.patterns_at("pkg/mod_1.py", 5) == []
        assert workspace.patterns_at("pkg/mod_renamed.py", 5)

        (py_repo / "pkg/mod_2.py").unlink()
        workspace.scan()
        pattern = workspace.pattern(FUNCTION_NAMING)
        assert pattern.location_count == 7, "9 functions, 2 of them in the deleted file"
        assert workspace.patterns_at("pkg/mod_2.py", 5) == []


def test_same_content_new_mtime_is_hashed_not_reanalysed(py_repo: Path) -> None:
    with scanned(py_repo) as workspace:
        os.utime(py_repo / "pkg/mod_3.py", ns=(OLD_MTIME_NS, OLD_MTIME_NS + 5))
        summary = workspace.scan()
        assert (summary.files_scanned, summary.files_unchanged) == (0, 1)


def test_bad_files_are_reported_not_fatal(py_repo: Path) -> None:
    write_tree(
        py_repo,
        {
            "pkg/binary.py": b"\x00\x01\x02binary",
            "pkg/latin1.py": "name = 'caf\xe9'\n".encode("latin-1"),
            "pkg/empty.py": "",
            "pkg/huge.py": "x = 1\n" * (5 * 1024 * 1024 // 6 + 1),
        },
    )
    with scanned(py_repo) as workspace:
        summary = workspace.scan(full=True)
        assert summary.status == "completed"
        problems = "\n".join(summary.problems)
        assert "pkg/binary.py: binary file" in problems
        assert "pkg/latin1.py: not UTF-8" in problems
        assert "pkg/huge.py" in problems
        assert "empty" not in problems
        assert workspace.pattern(FUNCTION_NAMING) is not None


def test_gitignore_and_config_ignore_are_honoured(tmp_path: Path) -> None:
    files = {f"src/mod_{n}.py": PY_CONVENTIONAL.format(n=n) for n in range(3)}
    files.update({"generated/gen.py": "def badName(): pass\n", "vendor/lib.py": "def x(): pass\n"})
    files[".gitignore"] = "generated/\n"
    root = write_tree(tmp_path, files)
    with scanned(root, ignore=["vendor/**"]) as workspace:
        assert workspace.pattern(FUNCTION_NAMING).location_count == 6
        assert workspace.relative(root / "vendor/lib.py") is None


def test_typescript_conventions(tmp_path: Path) -> None:
    module = (
        "import {{ helper }} from './helper';\n\n"
        "/** Does the thing. */\nexport function doThing{n}(value: string): string {{\n"
        "  const result = helper(value);\n  if (result === '') {{\n    return 'none';\n  }}\n"
        "  return result;\n}}\n"
    )
    files = {f"src/thing{n}.ts": module.format(n=n) for n in range(4)}
    files["src/odd.ts"] = (
        "import helper from './helper';\nexport function do_odd(v: any) {\n"
        '  var r = helper(v);\n  if (r == "") { return "x"; }\n  return r;\n}\n'
    )
    root = write_tree(tmp_path, files)
    with scanned(root, learning={"autoApproveThreshold": 0.75}) as workspace:
        odd = root / "src/odd.ts"
        found = {v.detector_id: v for v in workspace.check_text(odd, odd.read_text())}
        assert found["style/equality"].actual == "loose"
        assert found["style/equality"].quick_fixes[0].edits[0].new_text == "==="
        assert found["style/quotes"].expected == "single"
        assert found["naming/function"].expected == "camelCase"
        assert found["imports/default_named"].expected == "named"


def test_persisting_a_saved_file_relearns(py_repo: Path) -> None:
    with scanned(py_repo) as workspace:
        extra = py_repo / "pkg/extra.py"
        extra.write_text("def fetchOther():\n    pass\n")
        workspace.save_text(extra, extra.read_text()).committed.result()
        assert workspace.pattern(FUNCTION_NAMING).outlier_count == 2


def test_every_twentieth_scan_prunes_old_history(py_repo: Path) -> None:
    with scanned(py_repo) as workspace:
        workspace.db.write(
            lambda c: c.executemany(
                "INSERT INTO scan_history (kind, status, started_at) VALUES ('full', "
                "'completed', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-200 days'))",
                [()] * 17,
            )
        )
        assert workspace.scan().scan_id == 19
        workspace.db.flush()
        old = "SELECT count(*) FROM scan_history WHERE started_at < date('now', '-90 days')"
        assert workspace.db.read("t", lambda c: c.execute(old).fetchone()[0]) == 17
        assert workspace.scan().scan_id == 20
        workspace.db.flush()
        assert workspace.db.read("t", lambda c: c.execute(old).fetchone()[0]) == 0


def _commit_all(root: Path, days_ago: int) -> None:
    when = f"{int(time.time()) - days_ago * 86_400} +0000"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_COMMITTER_DATE": when,
    }  # fmt: skip
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "old work"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_a_fresh_clone_takes_age_from_git_not_from_mtimes(py_repo: Path) -> None:
    _commit_all(py_repo, days_ago=200)
    for path in py_repo.rglob("*.py"):
        path.touch()  # as after `git clone`: every file is new on disk
    with scanned(py_repo) as workspace:
        pattern = workspace.pattern(FUNCTION_NAMING)
        assert pattern.confidence_age == 1.0
        assert pattern.confidence_score == pytest.approx(0.8056)


def test_outside_git_age_comes_from_mtimes(py_repo: Path) -> None:
    for path in py_repo.rglob("*.py"):
        path.touch()
    with scanned(py_repo) as workspace:
        assert workspace.pattern(FUNCTION_NAMING).confidence_age == 0.0


def test_retention_limits_come_from_the_config(py_repo: Path) -> None:
    with scanned(py_repo, retention={"scan_history": {"max_rows": 3}}) as workspace:
        while workspace.scan().scan_id < 20:
            pass
        workspace.db.flush()
        count = "SELECT count(*) FROM scan_history"
        assert workspace.db.read("t", lambda c: c.execute(count).fetchone()[0]) == 3


def test_an_approved_convention_is_not_lifted_by_the_deviations_it_reports(py_repo: Path) -> None:
    with scanned(py_repo, learning={"autoApproveThreshold": 0.8, **SMALL_REPO_LEARNING}) as ws:
        assert ws.pattern(FUNCTION_NAMING).status == "approved"
        for n in range(3):
            extra = py_repo / f"pkg/extra_{n}.py"
            extra.write_text(f'def fetchOther{n}():\n    """Fetch."""\n    return {n}\n')
            ws.save_text(extra, extra.read_text()).committed.result()
        pattern = ws.pattern(FUNCTION_NAMING)
        assert pattern.confidence_score < 0.8 and pattern.status == "approved"
        deviant = py_repo / "pkg/deviant.py"
        assert any(
            v.detector_id == "naming/function" for v in ws.check_text(deviant, deviant.read_text())
        )

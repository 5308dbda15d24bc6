"""`drift` as a user of ruff expects it: help and version, root discovery from a subfolder,
missing paths as errors, sorted and coloured output, statistics, and fixes from the command
line (`--fix` writes them, `--diff` shows them). Every command runs as a real process."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import SMALL_REPO_LEARNING

from drift_lsp import __version__
from drift_lsp.workspace import find_root

ESC = "\x1b["


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "drift_lsp.cli", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def repo(py_repo: Path) -> Path:
    """The shared five-module workspace, in a git repository, scanned from its root."""
    (py_repo / "drift.config.json").write_text(
        json.dumps({"learning": {"autoApproveThreshold": 0.8, **SMALL_REPO_LEARNING}})
    )
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=py_repo, check=True)
    assert run("scan", cwd=py_repo).returncode == 0
    return py_repo


def test_bare_drift_prints_help_and_version_is_known(tmp_path: Path) -> None:
    bare = run(cwd=tmp_path)
    assert bare.returncode == 0, bare.stderr
    assert "usage: drift" in bare.stdout and "check" in bare.stdout
    version = run("--version", cwd=tmp_path)
    assert (version.returncode, version.stdout.strip()) == (0, f"drift {__version__}")
    assert not (tmp_path / ".drift").exists(), "asking for help creates nothing"


def test_from_a_subfolder_drift_uses_the_workspace_above(repo: Path) -> None:
    checked = run("check", "deviant.py", cwd=repo / "pkg")
    assert "pkg/deviant.py:6:5: warning: Function naming" in checked.stdout, checked.stderr
    scanned = run("scan", cwd=repo / "pkg")
    assert "13 patterns" in scanned.stdout, scanned.stderr
    assert not (repo / "pkg" / ".drift").exists(), "no second, empty workspace in the subfolder"


def test_root_is_the_nearest_drift_folder_else_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / ".drift").mkdir(parents=True)  # Drift's per-user folder, not a workspace
    (home / "repo" / ".git").mkdir(parents=True)
    (home / "repo" / "app" / "vendored" / ".git").mkdir(parents=True)
    (home / "repo" / "app" / "drift.config.json").write_text("{}")
    (home / "repo" / "docs").mkdir()
    (home / "elsewhere").mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert find_root(home / "repo" / "docs") == home / "repo"
    assert find_root(home / "repo" / "app" / "vendored" / "x.py") == home / "repo" / "app"
    assert find_root(home / "elsewhere") == home / "elsewhere"


def test_the_database_folder_stays_out_of_git(repo: Path) -> None:
    assert (repo / ".drift" / ".gitignore").read_text() == "*\n"
    if shutil.which("git"):
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert ".drift" not in status
        assert "pkg/deviant.py" in status


def test_missing_paths_are_an_error_naming_them(repo: Path) -> None:
    checked = run("check", "pkg/deviant.py", "missing.py", "gone/", cwd=repo)
    assert checked.returncode == 2
    assert "missing.py" in checked.stderr and "gone/" in checked.stderr
    assert "pkg/deviant.py" not in checked.stderr
    assert checked.stdout == ""
    scanned = run("scan", "nowhere", cwd=repo)
    assert scanned.returncode == 2 and "nowhere" in scanned.stderr


def test_a_path_outside_the_workspace_is_an_error(repo: Path, tmp_path: Path) -> None:
    stray = tmp_path / "elsewhere.py"
    stray.write_text("def fetchRemote():\n    pass\n")
    checked = run("check", str(stray), cwd=repo)
    assert checked.returncode == 2 and str(stray) in checked.stderr


def test_output_is_sorted_by_file_line_and_column(repo: Path) -> None:
    deviant = (repo / "pkg" / "deviant.py").read_text()
    (repo / "pkg" / "a_first.py").write_text(deviant)
    lines = run("check", "pkg", cwd=repo).stdout.splitlines()[:-1]
    places = [line.split(": ")[0].rsplit(":", 2) for line in lines]
    keys = [(file, int(line), int(column)) for file, line, column in places]
    assert len(keys) == 8
    assert keys == sorted(keys)
    assert keys[0][0] == "pkg/a_first.py" and keys[-1][0] == "pkg/deviant.py"


def test_colour_on_a_terminal_unless_no_color_or_never(repo: Path) -> None:
    def on_a_terminal(*args: str, env: dict[str, str] | None = None) -> str:
        leader, follower = pty.openpty()
        inherited = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        environment = {**inherited, "TERM": "xterm", **(env or {})}
        with subprocess.Popen(
            [sys.executable, "-m", "drift_lsp.cli", "check", "pkg/deviant.py", *args],
            cwd=repo,
            env=environment,
            stdout=follower,
            stderr=subprocess.DEVNULL,
        ) as process:
            os.close(follower)
            chunks = []
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the terminal is gone once the process has exited
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            process.wait(timeout=120)
        os.close(leader)
        return b"".join(chunks).decode()

    assert ESC in on_a_terminal()
    assert ESC not in on_a_terminal(env={"NO_COLOR": "1"})
    assert ESC not in on_a_terminal("--color", "never")
    assert ESC not in run("check", "pkg/deviant.py", cwd=repo).stdout, "a pipe gets plain text"
    assert ESC in run("check", "pkg/deviant.py", "--color", "always", cwd=repo).stdout


def test_statistics_count_by_rule(repo: Path) -> None:
    deviant = (repo / "pkg" / "deviant.py").read_text()
    (repo / "pkg" / "again.py").write_text(deviant)
    rows = run("check", "pkg", "--statistics", cwd=repo).stdout.splitlines()
    counts = {row.split()[1]: int(row.split()[0]) for row in rows}
    assert counts == {
        "naming/function": 2,
        "naming/parameter": 2,
        "naming/variable": 2,
        "logging/output": 2,
    }
    fixable = {row.split()[1] for row in rows if "[*]" in row}
    # A public function's parameter is not renamed: keyword callers elsewhere would break.
    assert fixable == {"naming/variable", "logging/output"}


def test_diff_shows_the_fixes_and_writes_nothing(repo: Path) -> None:
    deviant = repo / "pkg" / "deviant.py"
    before = deviant.read_text()
    shown = run("check", "pkg/deviant.py", "--diff", cwd=repo)
    assert shown.returncode == 1, "there are fixes to apply"
    assert shown.stdout.startswith("--- a/pkg/deviant.py\n+++ b/pkg/deviant.py\n")
    assert '\n-    print("fetching")\n' in shown.stdout
    assert '\n+    logger.info("fetching")\n' in shown.stdout
    assert deviant.read_text() == before


def test_fix_writes_the_safe_fixes_and_reports_what_is_left(repo: Path) -> None:
    deviant = repo / "pkg" / "deviant.py"
    fixed = run("check", "pkg/deviant.py", "--fix", cwd=repo)
    assert fixed.returncode == 0, fixed.stderr
    text = deviant.read_text()
    assert "def fetchRemote(itemId):" in text, "neither a public function nor its parameters"
    assert '    result_value = itemId\n    logger.info("fetching")\n' in text
    assert "return result_value" in text
    assert "fixed 2 violation(s) in 1 file(s)" in fixed.stdout
    remaining = [line for line in fixed.stdout.splitlines() if line.startswith("pkg/")]
    assert [line.rpartition("[")[2] for line in remaining] == [
        "naming/function]",
        "naming/parameter]",
    ]
    again = run("check", "pkg/deviant.py", "--diff", cwd=repo)
    assert (again.returncode, again.stdout) == (0, ""), "nothing left to fix"

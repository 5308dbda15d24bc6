"""The per-user project registry as a user meets it: scans register their workspace,
`drift projects` lists them, `--prune` forgets deleted ones, many processes write at once,
and an unusable home never stops a scan."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import apsw
import pytest
from support import python_repo

from drift_lsp.cli import main
from drift_lsp.features.workspaces import open_workspace
from storage import registry
from storage.migrate import current_version, migrate
from storage.paths import drift_home


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A registry of this test's own, so other tests' workspaces don't show in it."""
    monkeypatch.setenv("DRIFT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def listed(capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict]:
    assert main(["projects", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_scans_register_their_workspace_and_prune_forgets_deleted_ones(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["projects"]) == 0
    assert "no workspaces registered yet" in capsys.readouterr().out
    first, second = python_repo(tmp_path / "first"), python_repo(tmp_path / "second")
    for root in (first, second):
        assert main(["--root", str(root), "scan"]) == 0
    capsys.readouterr()

    projects = listed(capsys)
    assert [(p["name"], p["root"]) for p in projects] == [
        ("first", str(first)), ("second", str(second))]  # fmt: skip
    assert all(p["languages"] == ["python"] and p["schema_version"] >= 6 for p in projects)
    assert all(p["last_scan_at"] and p["health_score"] is not None for p in projects)
    assert (home / "global.db").is_file()

    # A second scan updates the row; it never adds another.
    assert main(["--root", str(first), "scan"]) == 0
    capsys.readouterr()
    assert len(listed(capsys)) == 2
    assert main(["projects"]) == 0
    assert f"first                {first}" in capsys.readouterr().out

    shutil.rmtree(second)
    assert [p["root"] for p in listed(capsys, "--prune")] == [str(second)]
    assert [p["root"] for p in listed(capsys)] == [str(first)]


def test_a_server_start_registers_its_workspace(home: Path, py_repo: Path, capsys) -> None:
    workspace = open_workspace(py_repo)
    assert not isinstance(workspace, str)
    workspace.close()
    (project,) = listed(capsys)
    assert (project["root"], project["last_scan_at"]) == (str(py_repo.resolve()), None)


def test_home_precedence_drift_home_then_xdg_then_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("DRIFT_HOME", str(tmp_path / "explicit"))
    assert drift_home() == tmp_path / "explicit"
    monkeypatch.delenv("DRIFT_HOME")
    assert drift_home() == tmp_path / "xdg" / "drift"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert drift_home() == tmp_path / "user" / ".drift"


def _cli(root: Path, env_home: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DRIFT_HOME": env_home}
    return subprocess.run(
        [sys.executable, "-m", "drift_lsp.cli", "--root", str(root), *args],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("problem", ["under_a_file", "garbage_db"])
def test_an_unusable_home_warns_and_the_scan_goes_on(
    py_repo: Path, tmp_path: Path, problem: str
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the home folder should be")
    if problem == "under_a_file":
        home = blocker / "drift"
    else:
        home = tmp_path / "home"
        home.mkdir()
        (home / "global.db").write_bytes(b"this is not a database" * 100)
    scan = _cli(py_repo, str(home), "scan", "--json")
    assert scan.returncode == 0, scan.stderr
    assert json.loads(scan.stdout)["status"] == "completed"
    assert "project registry" in scan.stderr and "going on without it" in scan.stderr
    assert "Traceback" not in scan.stderr
    listing = _cli(py_repo, str(home), "projects")
    assert listing.returncode == 2 and "project registry" in listing.stderr


_WRITER = """
import sys
from storage import registry
for n in range(int(sys.argv[2])):
    registry.register(registry.ProjectInfo(
        f"p{n}", f"/w/{sys.argv[1]}/{n}", "0", 6, None, None, ["python"]))
"""


def test_many_processes_register_at_once(home: Path) -> None:
    env = {**os.environ, "DRIFT_HOME": str(home)}
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(w), "25"], env=env,
                         stderr=subprocess.PIPE, text=True)
        for w in range(6)
    ]  # fmt: skip
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    assert len(registry.projects()) == 6 * 25


def test_the_registry_schema_goes_down_and_up(home: Path) -> None:
    registry.register(registry.ProjectInfo("p", "/p", "0", 6, None, None, []))
    conn = apsw.Connection(str(home / "global.db"))
    try:
        assert migrate(conn, "global", 0) == ["0001_project_registry.down"]
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
        assert migrate(conn, "global") == ["0001_project_registry.up"]
        assert current_version(conn) == 1
    finally:
        conn.close()
    assert registry.projects() == []

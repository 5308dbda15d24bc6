"""A real headless Neovim with editors/neovim on its runtimepath, talking to the real server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import SMALL_REPO_LEARNING, python_repo

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("drift_e2e.lua")


def _neovims() -> list[str]:
    """Every distinct Neovim here: the test extra's (0.11, next to this interpreter) and the
    system's (older in CI), so the plugin's code paths for both API generations run."""
    found = [str(Path(sys.executable).with_name("nvim")), shutil.which("nvim")]
    unique = {os.path.realpath(p): p for p in found if p and os.access(p, os.X_OK)}
    return sorted(unique.values())


def _version(nvim: str) -> str:
    out = subprocess.run([nvim, "--version"], capture_output=True, text=True, timeout=30).stdout
    return out.split()[1] if out else "unknown"


NEOVIMS = _neovims()


def drift(*args: str, cwd: Path) -> None:
    subprocess.run([sys.executable, "-m", "drift_lsp.cli", *args], cwd=cwd, check=True, timeout=120)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Four modules with snake_case functions, one with a camelCase one, scanned by the CLI."""
    root = python_repo(tmp_path / "repo")
    (root / "drift.config.json").write_text(
        json.dumps({"learning": {"autoApproveThreshold": 0.8, **SMALL_REPO_LEARNING}})
    )
    drift("scan", cwd=root)
    return root


@pytest.mark.skipif(not NEOVIMS, reason="no nvim: install the test extra or the system package")
@pytest.mark.parametrize("nvim", NEOVIMS, ids=_version)
def test_neovim_shows_diagnostics_hover_examples_and_backs_up(
    workspace: Path, tmp_path: Path, nvim: str
) -> None:
    results_file = tmp_path / "results.json"
    env = {
        **os.environ,
        "DRIFT_PLUGIN": str(REPO / "editors" / "neovim"),
        "DRIFT_PYTHON": sys.executable,
        "DRIFT_ROOT": str(workspace),
        "DRIFT_FILE": str(workspace / "pkg" / "deviant.py"),
        "DRIFT_RESULTS": str(results_file),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    command = [nvim, "--headless", "--clean", "-n", "-c", f"luafile {SCRIPT}"]
    # The Lua script bounds every wait itself; this is the backstop so CI never hangs.
    completed = subprocess.run(
        command, cwd=workspace, env=env, capture_output=True, text=True, timeout=240
    )
    assert results_file.exists(), completed.stderr
    results = json.loads(results_file.read_text())
    assert "error" not in results, results
    assert completed.returncode == 0, completed.stderr

    messages = {d["code"]: d["message"] for d in results["diagnostics"]}
    assert messages["naming/function"] == (
        "Function naming: expected snake_case, found camelCase 'fetchRemote'"
    )
    assert "```python" in results["hover"] and "pkg/mod_" in results["hover"]

    assert results["roots"] == [True, True], "root: nearest .drift/ above a nested repo, else VCS"
    assert (results["venv_default"], results["venv_opted_in"]) == (True, True), (
        "the workspace's .venv drift only when the user opts in"
    )
    assert results["untrusted_client"] is False, "no server in a folder the user did not trust"
    assert [m for m in results["untrusted_messages"] if "not started" in m] == [
        f'Drift: not started in {workspace} (not in trusted_folders of require("drift").setup())'
    ]

    assert results["explain_prompt"].startswith("Why does this convention exist")
    assert any(m.startswith("Saved memory") for m in results["messages"]), results["messages"]

    # Each backup has a JSON manifest beside it.
    backups = [p for p in results["backups"] if p.endswith(".db")]
    assert [Path(p).parent.name for p in backups] == ["backups"]
    # One message for one backup, short enough for the command line: no "Press ENTER".
    (backup_message,) = results["backup_messages"]
    assert backup_message.startswith("Drift: backup 1 saved to .drift/backups/")
    assert len(backup_message) <= results["echospace"]

"""The server's own first scan of a workspace never scanned before, over real code.

A workspace of more than a few dozen files is scanned in a process pool; started from the
server, whose threads hold the stdin lock, a forked worker used to hang forever.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sysconfig
from pathlib import Path

import psutil
import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient
from support.lsp import (
    PROFILES,
    SERVER,
    accept_registrations,
    diagnostics,
    initialize_params,
    open_file,
)

STDLIB = Path(sysconfig.get_paths()["stdlib"])
# A few hundred real modules: far above the size that makes a scan use its process pool.
PACKAGES = (
    "email", "json", "asyncio", "logging", "http", "concurrent", "importlib", "xml",
    "multiprocessing", "unittest", "urllib", "sqlite3", "tomllib", "wsgiref", "ctypes",
)  # fmt: skip
PLANTED = 'def fetchRemote(itemId):\n    """Fetch one item."""\n    return itemId\n'


@pytest.fixture
def stdlib_workspace(tmp_path: Path) -> Path:
    root = tmp_path / "stdlib"
    for package in PACKAGES:
        shutil.copytree(
            STDLIB / package, root / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    # Files copied a moment ago have no age: let learning approve on share and spread alone.
    (root / "drift.config.json").write_text(json.dumps({"learning": {"autoApproveThreshold": 0.5}}))
    (root / "email" / "planted.py").write_text(PLANTED)
    return root


@pytest_lsp.fixture(params=PROFILES, config=SERVER)
async def fresh_client(request, lsp_client: LanguageClient, stdlib_workspace: Path):
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(initialize_params(request.param, stdlib_workspace))
    yield
    await lsp_client.shutdown_session()


@pytest.mark.slow
async def test_first_scan_in_the_server_learns_and_leaves_no_process(
    fresh_client: LanguageClient, stdlib_workspace: Path
) -> None:
    assert len(list(stdlib_workspace.rglob("*.py"))) > 200
    server = psutil.Process(fresh_client._server.pid)
    uri = open_file(fresh_client, stdlib_workspace / "email" / "planted.py")

    def planted(items: list[types.Diagnostic]) -> bool:
        return any("fetchRemote" in d.message for d in items)

    items = await diagnostics(fresh_client, uri, planted, seconds=120)
    assert any(d.range.start == types.Position(line=0, character=4) for d in items)
    assert (stdlib_workspace / ".drift" / "drift.db").is_file()

    helpers = server.children(recursive=True)
    await fresh_client.shutdown_session()
    fresh_client.capabilities = None  # the fixture's teardown has nothing left to shut down
    assert await asyncio.wait_for(fresh_client._server.wait(), 30) == 0
    _gone, alive = psutil.wait_procs(helpers, timeout=30)
    assert alive == []

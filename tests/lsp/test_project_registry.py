"""A server start registers its workspace in the per-user project registry."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import LanguageClient
from support.lsp import PROFILES, SERVER, accept_registrations, initialize_params

from storage import registry


@pytest.fixture
def own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A registry of this test's own; the server, started after it, inherits it."""
    home = tmp_path / "home"
    monkeypatch.setenv("DRIFT_HOME", str(home))
    return home


@pytest_lsp.fixture(params=PROFILES[:1], config=SERVER)
async def served(request, lsp_client: LanguageClient, repo: Path, own_home: Path):
    # The repo fixture's scan registered it already: start from an empty registry, so what
    # is found below was written by the server.
    shutil.rmtree(own_home)
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(initialize_params(request.param, repo))
    yield
    await lsp_client.shutdown_session()


async def test_a_server_start_registers_its_workspace(own_home: Path, served, repo: Path) -> None:
    # The server opens its folders after `initialized`, off the event loop; wait for it.
    for _ in range(200):
        found = registry.projects() if registry.global_db_path().exists() else []
        if found:
            break
        await asyncio.sleep(0.05)
    assert [(p.root, p.languages) for p in found] == [(str(repo.resolve()), ["python"])]
    assert found[0].last_scan_at is not None  # the repo fixture scanned it before

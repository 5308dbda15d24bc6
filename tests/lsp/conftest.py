"""End-to-end fixtures: the real server over stdio, once per client profile."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import LanguageClient
from support.lsp import PROFILES, SERVER, accept_registrations, initialize_params, scanned_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A scanned Python repo whose naming conventions are approved, with one deviant file."""
    return scanned_repo(tmp_path)


@pytest_lsp.fixture(params=PROFILES, config=SERVER)
async def client(request, lsp_client: LanguageClient, repo: Path):
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(initialize_params(request.param, repo))
    yield
    await lsp_client.shutdown_session()

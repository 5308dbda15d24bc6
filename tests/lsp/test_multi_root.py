"""Multi-root workspaces: each folder has its own database and conventions, and folders can
come and go while the server runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient
from support import SMALL_REPO_LEARNING, python_repo
from support.lsp import (
    PROFILES,
    SERVER,
    accept_registrations,
    capabilities,
    diagnostics,
    open_file,
)

from drift_lsp.workspace import Workspace


def _repo(root: Path, threshold: float, *, scan: bool = True) -> Path:
    python_repo(root)
    config = {"learning": {"autoApproveThreshold": threshold, **SMALL_REPO_LEARNING}}
    (root / "drift.config.json").write_text(json.dumps(config))
    if scan:
        with Workspace.open(root) as workspace:
            workspace.scan()
    return root


def _folder(root: Path) -> types.WorkspaceFolder:
    return types.WorkspaceFolder(uri=root.as_uri(), name=root.name)


@pytest_lsp.fixture(params=PROFILES, config=SERVER)
async def multi(request, lsp_client: LanguageClient, tmp_path: Path):
    # "strict" approves its naming conventions; "lenient" approves nothing.
    strict, lenient = _repo(tmp_path / "strict", 0.8), _repo(tmp_path / "lenient", 1.0)
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(request.param),
            root_uri=strict.as_uri(),
            workspace_folders=[_folder(strict), _folder(lenient)],
        )
    )
    yield tmp_path
    await lsp_client.shutdown_session()


def _function_naming(items: list[types.Diagnostic]) -> bool:
    return any(d.code == "naming/function" for d in items)


async def test_each_folder_is_checked_against_its_own_conventions(
    multi: LanguageClient, tmp_path: Path
) -> None:
    strict = open_file(multi, tmp_path / "strict/pkg/deviant.py")
    assert _function_naming(await diagnostics(multi, strict, _function_naming))
    lenient = open_file(multi, tmp_path / "lenient/pkg/deviant.py")
    assert await diagnostics(multi, lenient) == []
    assert (tmp_path / "lenient/.drift/drift.db").exists()


async def test_added_folder_is_scanned_and_removed_folder_is_let_go(
    multi: LanguageClient, tmp_path: Path
) -> None:
    added = _repo(tmp_path / "added", 0.8, scan=False)
    multi.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[_folder(added)], removed=[_folder(tmp_path / "strict")]
            )
        )
    )
    uri = open_file(multi, added / "pkg/deviant.py")
    assert _function_naming(await diagnostics(multi, uri, _function_naming))
    gone = open_file(multi, tmp_path / "strict/pkg/deviant.py")
    assert await diagnostics(multi, gone) == []

"""Driving the real server over stdio as an editor would: client profiles, opening and
saving files, and reading diagnostics pushed or pulled."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from drift_lsp.workspace import Workspace
from support import SMALL_REPO_LEARNING, python_repo

PROFILES = ["visual-studio-code", "neovim"]
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "drift_lsp"])


def capabilities(profile: str) -> types.ClientCapabilities:
    """The client's capabilities. pytest-lsp's VS Code profile is VS Code 1.65, which pushed;
    VS Code has pulled diagnostics, with refresh, since 1.74, and that is what users run.
    Neovim 0.11 pulls without refresh support, so the server pushes to it."""
    found = client_capabilities(profile)
    if profile == "visual-studio-code":
        found.text_document.diagnostic = types.DiagnosticClientCapabilities(
            dynamic_registration=True, related_document_support=False
        )
        found.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
            refresh_support=True
        )
    return found


def initialize_params(profile: str, root: Path, options: dict | None = None):
    return types.InitializeParams(
        capabilities=capabilities(profile),
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options=options,
    )


def accept_registrations(client: LanguageClient) -> None:
    """Editors accept dynamic registrations (the config watcher); the test client must too."""

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)

    client.registrations = []


def uses_pull(client: LanguageClient) -> bool:
    workspace = client.capabilities.workspace
    refreshes = workspace.diagnostics is not None and workspace.diagnostics.refresh_support
    return client.capabilities.text_document.diagnostic is not None and bool(refreshes)


async def wait_until(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    """Poll: the server answers asynchronously and the machine may be slow."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def diagnostics(
    client: LanguageClient,
    uri: str,
    expect: Callable[[list], bool] = lambda d: True,
    seconds: float = 30.0,
) -> list[types.Diagnostic]:
    """The document's Drift diagnostics as the client would see them: pushed, or pulled by a
    client that pulls again only when the server asks it to (`workspace/diagnostic/refresh`),
    as VS Code does after its own edits."""
    if not uses_pull(client):
        await wait_until(
            lambda: uri in client.diagnostics and expect(list(client.diagnostics[uri])), seconds
        )
        return list(client.diagnostics[uri])
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        refreshes = client.diagnostic_refresh_count
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri))
        )
        items = list(getattr(report, "items", None) or [])
        if expect(items):
            assert uri not in client.diagnostics, "pushed to a pull client"
            return items
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise AssertionError(f"pulled diagnostics never matched: {items}")
        try:
            await wait_until(
                lambda seen=refreshes: client.diagnostic_refresh_count > seen, remaining
            )
        except AssertionError:
            raise AssertionError(f"no refresh came, and the last pull was {items}") from None


def open_file(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="python",
                version=1,
                text=path.read_text() if text is None else text,
            )
        )
    )
    return uri


def save_file(client: LanguageClient, path: Path, text: str, version: int) -> None:
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )


def scanned_repo(tmp_path: Path) -> Path:
    """A scanned Python repo whose naming conventions are approved, with one deviant file."""
    root = python_repo(tmp_path / "repo")
    (root / "drift.config.json").write_text(
        json.dumps({"learning": {"autoApproveThreshold": 0.8, **SMALL_REPO_LEARNING}})
    )
    with Workspace.open(root) as workspace:
        workspace.scan()
    return root

"""The Drift language server: pygls wiring only. Every handler hands off to `features/`."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any

from lsprotocol import types

from drift_lsp.features import code_actions, commands, hover, lifecycle, settings
from drift_lsp.features.core import DriftServer

server = DriftServer()


@server.feature(types.INITIALIZE)
def initialize(ls: DriftServer, params: types.InitializeParams) -> None:
    lifecycle.initialize(ls, params)


@server.feature(types.INITIALIZED)
async def initialized(ls: DriftServer, _params: types.InitializedParams) -> None:
    await lifecycle.initialized(ls)


@server.feature(types.SHUTDOWN)
async def shutdown(ls: DriftServer, _params: None) -> None:
    await lifecycle.shutdown(ls)


@server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
async def did_change_workspace_folders(
    ls: DriftServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    await lifecycle.did_change_workspace_folders(ls, params)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(
    ls: DriftServer, params: types.DidChangeConfigurationParams
) -> None:
    await settings.did_change_configuration(ls, params)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def did_change_watched_files(
    ls: DriftServer, params: types.DidChangeWatchedFilesParams
) -> None:
    await lifecycle.did_change_watched_files(ls, params)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: DriftServer, params: types.DidOpenTextDocumentParams) -> None:
    lifecycle.did_open(ls, params)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: DriftServer, params: types.DidChangeTextDocumentParams) -> None:
    lifecycle.did_change(ls, params)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: DriftServer, params: types.DidSaveTextDocumentParams) -> None:
    await lifecycle.did_save(ls, params)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: DriftServer, params: types.DidCloseTextDocumentParams) -> None:
    lifecycle.did_close(ls, params)


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(
        identifier="drift", inter_file_dependencies=False, workspace_diagnostics=False
    ),
)
async def document_diagnostic(
    ls: DriftServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport:
    return await ls.session.diagnostics.pull(ls, params)


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def text_document_hover(ls: DriftServer, params: types.HoverParams) -> types.Hover | None:
    return await asyncio.to_thread(hover.hover, ls, params)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=code_actions.KINDS, resolve_provider=True),
)
async def text_document_code_action(
    ls: DriftServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    return await code_actions.code_actions(ls, params)


@server.feature(types.CODE_ACTION_RESOLVE)
async def code_action_resolve(ls: DriftServer, action: types.CodeAction) -> types.CodeAction:
    return await code_actions.resolve(ls, action)


@server.command(commands.BACKUP)
async def drift_backup(ls: DriftServer, *args: Any) -> dict[str, Any]:
    return await commands.backup(ls, args)


@server.command(commands.RESTORE)
async def drift_restore(ls: DriftServer, *args: Any) -> dict[str, Any]:
    return await commands.restore(ls, args)


@server.command(commands.RESCAN)
async def drift_rescan(ls: DriftServer, *args: Any) -> dict[str, Any]:
    return await commands.rescan(ls, args)


@server.command(commands.APPROVE)
async def drift_approve(ls: DriftServer, *args: Any) -> dict[str, Any]:
    return await commands.set_status(ls, args, "approved")


@server.command(commands.IGNORE)
async def drift_ignore(ls: DriftServer, *args: Any) -> dict[str, Any]:
    return await commands.set_status(ls, args, "ignored")


@server.command(commands.IGNORE_IN)
async def drift_ignore_in(ls: DriftServer, *args: Any) -> dict[str, Any]:
    return await commands.ignore_in(ls, args)


@server.command(commands.STATUS)
async def drift_status(ls: DriftServer, *args: Any) -> dict[str, Any]:
    return await commands.status(ls, args)


@server.command(commands.SHOW_EXAMPLES)
async def drift_show_examples(ls: DriftServer, *args: Any) -> list[dict[str, Any]]:
    return await commands.show_examples(ls, args)


@server.command(commands.ADD_MEMORY)
async def drift_add_memory(ls: DriftServer, *args: Any) -> dict[str, Any]:
    return await commands.add_memory(ls, args)


def main() -> None:
    # stdout carries LSP messages only: every log line goes to stderr (and, from
    # `initialized` on, to the client's log).
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # pygls logs every message it sends at INFO: far too much for an editor's log panel.
    logging.getLogger("pygls").setLevel(logging.WARNING)
    server.start_io()

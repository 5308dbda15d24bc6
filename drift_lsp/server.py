"""The Drift language server: pygls wiring only. Every handler hands off to `features/`."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from drift_lsp import __version__
from drift_lsp.config import CONFIG_FILE, ConfigError
from drift_lsp.features import code_actions, commands, hover, memory
from drift_lsp.features.diagnostics import Diagnostics
from drift_lsp.features.scanning import scan_with_progress
from drift_lsp.features.settings import parse_settings
from drift_lsp.features.workspaces import ServerState, path_of

log = logging.getLogger("drift_lsp")

server = LanguageServer("drift", __version__)
state = ServerState()
diagnostics = Diagnostics(state)
_background: set[asyncio.Task[Any]] = set()


def _message(text: str, kind: types.MessageType = types.MessageType.Warning) -> None:
    server.window_show_message(types.ShowMessageParams(type=kind, message=text))


def _apply_settings(raw: Any) -> None:
    settings, problems = parse_settings(raw)
    state.settings = settings
    logging.getLogger().setLevel(settings.log_level.upper())
    if problems:
        _message("Drift settings: " + "; ".join(problems) + " (using defaults for those)")


def _spawn(coro: Any) -> None:
    task = asyncio.ensure_future(coro)
    _background.add(task)
    task.add_done_callback(_background.discard)


@server.feature(types.INITIALIZE)
def initialize(params: types.InitializeParams) -> None:
    text_document = params.capabilities.text_document
    state.pull_diagnostics = bool(text_document and text_document.diagnostic)
    folders = params.workspace_folders or []
    roots = [path_of(f.uri) for f in folders] or [path_of(params.root_uri or "")]
    state.pending_roots = [r for r in roots if r is not None]
    _apply_settings(params.initialization_options)


@server.feature(types.INITIALIZED)
async def initialized(_params: types.InitializedParams) -> None:
    for problem in state.open_roots(state.pending_roots):
        _message(problem, types.MessageType.Error)
    watched = server.client_capabilities.workspace
    watched = watched.did_change_watched_files if watched else None
    if watched and watched.dynamic_registration:
        await _register_config_watcher()
    for root, workspace in state.workspaces.items():
        memory.warm(root)
        if not await asyncio.to_thread(workspace.has_been_scanned):
            _spawn(_initial_scan(workspace))


async def _register_config_watcher() -> None:
    try:
        await server.client_register_capability_async(
            types.RegistrationParams(
                registrations=[
                    types.Registration(
                        id="drift-config-watcher",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(
                            watchers=[types.FileSystemWatcher(glob_pattern=f"**/{CONFIG_FILE}")]
                        ),
                    )
                ]
            )
        )
    except Exception as exc:  # the config still reloads on save; only the watcher is lost
        log.warning("client refused the drift.config.json watcher: %s", exc)


async def _initial_scan(workspace) -> None:
    await scan_with_progress(server, workspace, full=False)
    diagnostics.refresh_open_documents(server)


@server.feature(types.SHUTDOWN)
def shutdown(_params: None) -> None:
    state.close()
    memory.close_all()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
    raw = params.settings
    workspace_caps = server.client_capabilities.workspace
    if workspace_caps and workspace_caps.configuration:
        (raw,) = await server.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="drift")])
        )
    _apply_settings(raw)
    diagnostics.refresh_open_documents(server)


def _reload_config(uri: str) -> None:
    workspace = state.for_uri(uri)
    if workspace is None:
        return
    try:
        workspace.reload_config()
    except ConfigError as exc:
        _message(f"Drift: {CONFIG_FILE} is invalid, keeping the previous settings: {exc}")
        return
    diagnostics.refresh_open_documents(server)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        if change.uri.endswith("/" + CONFIG_FILE):
            _reload_config(change.uri)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(params: types.DidOpenTextDocumentParams) -> None:
    diagnostics.schedule(server, params.text_document.uri, persist=False)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(params: types.DidChangeTextDocumentParams) -> None:
    if state.settings.diagnostics.on == "change" and not state.pull_diagnostics:
        delay = state.settings.diagnostics.debounce_ms
        diagnostics.schedule(server, params.text_document.uri, persist=False, delay_ms=delay)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    if uri.endswith("/" + CONFIG_FILE):
        _reload_config(uri)
        return
    diagnostics.schedule(server, uri, persist=True)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(params: types.DidCloseTextDocumentParams) -> None:
    diagnostics.clear(server, params.text_document.uri)


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(
        identifier="drift", inter_file_dependencies=False, workspace_diagnostics=False
    ),
)
async def document_diagnostic(params: types.DocumentDiagnosticParams):
    return await diagnostics.pull(server, params)


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def text_document_hover(params: types.HoverParams) -> types.Hover | None:
    document = server.workspace.get_text_document(params.text_document.uri)
    return await asyncio.to_thread(hover.hover, state, document, params.position)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, code_actions.FIX_ALL_KIND]
    ),
)
def text_document_code_action(params: types.CodeActionParams):
    document = server.workspace.get_text_document(params.text_document.uri)
    return code_actions.code_actions(document, params, diagnostics)


@server.command(commands.BACKUP)
async def drift_backup(*args: Any):
    return await commands.backup(server, state, args)


@server.command(commands.RESTORE)
async def drift_restore(*args: Any):
    return await commands.restore(server, state, diagnostics, args)


@server.command(commands.RESCAN)
async def drift_rescan(*args: Any):
    return await commands.rescan(server, state, diagnostics, args)


@server.command(commands.APPROVE)
async def drift_approve(*args: Any):
    return await commands.set_status(server, state, diagnostics, args, "approved")


@server.command(commands.IGNORE)
async def drift_ignore(*args: Any):
    return await commands.set_status(server, state, diagnostics, args, "ignored")


@server.command(commands.STATUS)
async def drift_status(*_args: Any):
    return await commands.status(state)


@server.command(commands.SHOW_EXAMPLES)
async def drift_show_examples(*args: Any):
    return await commands.show_examples(state, args)


@server.command(memory.ADD_MEMORY_COMMAND)
async def drift_add_memory(*args: Any):
    return await commands.add_memory(server, state, args)


def main() -> None:
    # stdout carries LSP messages only: every log line goes to stderr.
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # pygls logs every message it sends at INFO: far too much for an editor's log panel.
    logging.getLogger("pygls").setLevel(logging.WARNING)
    server.start_io()

"""Start-up, workspace folders, drift.config.json reloads and shutdown.

`initialize` only records what the client offers; `initialized` opens one Workspace per
folder off the event loop, registers the config watcher and starts the initial scan of a
folder never scanned, in the background: requests are answered meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from drift_lsp.config import CONFIG_FILE, ConfigError
from drift_lsp.features import memory, settings
from drift_lsp.features.client import ClientFeatures
from drift_lsp.features.scanning import scan_with_progress
from drift_lsp.features.workspaces import open_workspace, path_of
from drift_lsp.indexing.lock import LOCK_FILE, LockError

if TYPE_CHECKING:
    from drift_lsp.features.core import DriftServer

log = logging.getLogger(__name__)

WATCHER_ID = "drift-config-watcher"
# How long shutdown waits for a cancelled scan to stop before closing its database anyway.
SCAN_STOP_S = 10.0


def initialize(ls: DriftServer, params: types.InitializeParams) -> None:
    ls.session.client = ClientFeatures.of(params.capabilities)
    uris = [f.uri for f in params.workspace_folders or []]
    if not uris and (params.root_uri or params.root_path):
        uris = [params.root_uri or Path(params.root_path).as_uri()]
    ls.session.folders.pending_roots = [p.resolve() for p in map(path_of, uris) if p is not None]
    settings.apply(ls, params.initialization_options)


async def initialized(ls: DriftServer) -> None:
    ls.attach_client_log()
    pulled = await settings.pull(ls, None)
    if pulled is not None:
        settings.apply(ls, pulled)
    await _register_config_watcher(ls)
    try:
        await add_folders(ls, ls.session.folders.pending_roots)
    finally:
        ls.session.folders.folders_open.set()


async def add_folders(ls: DriftServer, roots: list[Path]) -> None:
    for root in roots:
        if ls.session.folders.add_root(root):
            await _open(ls, root)
    ls.session.diagnostics.refresh_open_documents(ls)


async def _open(ls: DriftServer, root: Path) -> None:
    opened = await asyncio.to_thread(open_workspace, root)
    if (
        root not in ls.session.folders.roots
    ):  # the folder was removed while its database was opening
        if not isinstance(opened, str):
            await asyncio.to_thread(opened.close)
        return
    problem = ls.session.folders.attach(root, opened)
    if problem:
        ls.show(problem, types.MessageType.Error)
        return
    workspace = ls.session.folders.workspaces[root]
    memory.warm(workspace.memory)
    if not await asyncio.to_thread(workspace.has_been_scanned):
        ls.spawn(_initial_scan(ls, root))


async def _initial_scan(ls: DriftServer, root: Path) -> None:
    workspace = ls.session.folders.workspaces.get(root)
    if workspace is None:
        return
    try:
        await scan_with_progress(ls, workspace, full=False)
    except Exception as exc:  # the server stays up; the user can retry with drift.rescan
        log.exception("initial scan of %s failed", root)
        ls.show(f"Drift: the first scan of {root.name} failed: {exc}", types.MessageType.Error)
        return
    ls.session.diagnostics.refresh_open_documents(ls)


async def did_change_workspace_folders(
    ls: DriftServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    # A change can arrive while the start-up folders are still opening; applied before them,
    # a removal would be undone when they finish.
    await ls.session.folders.folders_open.wait()
    for folder in params.event.removed:
        root = path_of(folder.uri)
        if root is not None:
            ls.session.folders.remove_root(root.resolve())
    added = [path_of(folder.uri) for folder in params.event.added]
    await add_folders(ls, [root.resolve() for root in added if root is not None])


async def _register_config_watcher(ls: DriftServer) -> None:
    if not ls.session.client.watched_files_registration:
        return  # the config still reloads when it is saved from the editor
    registration = types.Registration(
        id=WATCHER_ID,
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[
                types.FileSystemWatcher(glob_pattern=f"**/{CONFIG_FILE}"),
                types.FileSystemWatcher(glob_pattern=f"**/{LOCK_FILE}"),
            ]
        ),
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception as exc:
        log.warning("the client refused the %s watcher: %s", CONFIG_FILE, exc)


def is_config(uri: str) -> bool:
    return uri.endswith("/" + CONFIG_FILE)


def is_lock(uri: str) -> bool:
    return uri.endswith("/" + LOCK_FILE)


async def lock_changed(ls: DriftServer, uri: str) -> None:
    """drift.lock of a folder changed (a pull, a checkout, an edit): scan, which applies it,
    so the open documents follow the team's decisions at once. A malformed lock is said;
    the decisions of the last good one stay."""
    root = ls.session.folders.root_for(uri)
    path = path_of(uri)
    workspace = ls.session.folders.workspaces.get(root) if root is not None else None
    if workspace is None or path is None or path.resolve() != workspace.root / LOCK_FILE:
        return
    try:
        await scan_with_progress(ls, workspace, full=False)
    except LockError as exc:
        ls.show(f"Drift: {exc}; the decisions of the last good {LOCK_FILE} stay in force")
        return
    ls.session.diagnostics.refresh_open_documents(ls)


async def config_changed(ls: DriftServer, uri: str) -> None:
    """drift.config.json of a folder changed on disk: reload it, or reopen a folder that
    was degraded because of it. An invalid file is reported once; the old config stays."""
    root = ls.session.folders.root_for(uri)
    path = path_of(uri)
    if root is None or path is None or path.resolve() != root / CONFIG_FILE:
        return
    if root in ls.session.folders.degraded:
        ls.session.folders.degraded.pop(root)
        await _open(ls, root)
        ls.session.diagnostics.refresh_open_documents(ls)
        return
    workspace = ls.session.folders.workspaces.get(root)
    if workspace is None:
        return
    try:
        await asyncio.to_thread(workspace.reload_config)
    except ConfigError as exc:
        problem = (
            f"Drift: {CONFIG_FILE} in {root.name} is invalid, keeping the previous config: {exc}"
        )
        if ls.session.folders.config_problems.get(root) != problem:
            ls.session.folders.config_problems[root] = problem
            ls.show(problem)
        return
    ls.session.folders.config_problems.pop(root, None)
    ls.session.diagnostics.refresh_open_documents(ls)


async def did_change_watched_files(
    ls: DriftServer, params: types.DidChangeWatchedFilesParams
) -> None:
    uris = {change.uri for change in params.changes}
    for uri in filter(is_config, uris):
        await config_changed(ls, uri)
    for uri in filter(is_lock, uris):
        await lock_changed(ls, uri)


async def shutdown(ls: DriftServer) -> None:
    """Stop scans, flush every writer and close every database."""
    for cancel in list(ls.session.folders.scans):
        cancel.set()
    deadline = asyncio.get_running_loop().time() + SCAN_STOP_S
    while ls.session.folders.scans and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)
    ls.session.diagnostics.close()
    await asyncio.to_thread(ls.session.folders.close)


# ---- documents -------------------------------------------------------------------------------


def did_open(ls: DriftServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.session.diagnostics.schedule(ls, params.text_document.uri, persist=False, notify=False)


def did_change(ls: DriftServer, params: types.DidChangeTextDocumentParams) -> None:
    session = ls.session
    if session.settings.diagnostics.on == "change" and not session.client.pull_diagnostics:
        delay = session.settings.diagnostics.debounce_ms
        session.diagnostics.schedule(ls, params.text_document.uri, persist=False, delay_ms=delay)


async def did_save(ls: DriftServer, params: types.DidSaveTextDocumentParams) -> None:
    if is_config(params.text_document.uri):
        await config_changed(ls, params.text_document.uri)
    if is_lock(params.text_document.uri):
        await lock_changed(ls, params.text_document.uri)
    ls.session.diagnostics.schedule(ls, params.text_document.uri, persist=True)


def did_close(ls: DriftServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.session.diagnostics.clear(ls, params.text_document.uri)

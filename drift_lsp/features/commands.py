"""`workspace/executeCommand`: Drift's commands. Bad arguments are JSON-RPC errors.

Every command takes an optional trailing document or folder URI choosing the workspace
folder (multi-root); without it the first folder is used, except for approve/ignore, which
apply to every folder that has the pattern.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from drift_lsp import __version__
from drift_lsp.config import ignore_pattern_problem
from drift_lsp.features import memory
from drift_lsp.features.convert import example_json
from drift_lsp.features.scanning import scan_with_progress
from drift_lsp.features.workspaces import open_workspace
from drift_lsp.indexing.lock import LockError
from drift_lsp.workspace import Workspace
from storage.backup import BackupError
from storage.backup import restore as restore_backup
from storage.errors import StorageError
from storage.paths import db_path

if TYPE_CHECKING:
    from drift_lsp.features.core import DriftServer

BACKUP = "drift.backup"
RESTORE = "drift.restore"
RESCAN = "drift.rescan"
APPROVE = "drift.approvePattern"
IGNORE = "drift.ignorePattern"
IGNORE_IN = "drift.ignorePatternIn"
STATUS = "drift.status"
SHOW_EXAMPLES = "drift.showExamples"
ADD_MEMORY = memory.ADD_MEMORY_COMMAND
EXAMPLES_LIMIT = 10


def _argument(args: Sequence[Any], index: int, kind: type, name: str) -> Any:
    if len(args) <= index or not isinstance(args[index], kind) or isinstance(args[index], bool):
        raise JsonRpcInvalidParams(f"argument {index + 1} must be the {name}")
    return args[index]


def _uri(args: Sequence[Any], index: int) -> str | None:
    """The optional workspace-choosing URI at `index`."""
    if len(args) <= index or args[index] is None:
        return None
    return _argument(args, index, str, "document or folder URI")


async def _root(ls: DriftServer, uri: str | None) -> Path:
    """The folder a command acts on, healthy or degraded."""
    await ls.session.folders.folders_open.wait()
    if uri is not None:
        root = ls.session.folders.root_for(uri)
        if root is None:
            raise JsonRpcInvalidParams(f"{uri} is not in a workspace folder")
        return root
    root = ls.session.folders.default_root()
    if root is None:
        raise JsonRpcInvalidParams("no workspace folder is open")
    return root


async def _workspace(ls: DriftServer, uri: str | None) -> Workspace:
    root = await _root(ls, uri)
    workspace = ls.session.folders.workspaces.get(root)
    if workspace is None:
        reason = ls.session.folders.degraded.get(root, f"{root.name} is still opening; try again")
        raise JsonRpcInvalidParams(reason)
    return workspace


def _storage_failure(exc: StorageError) -> Exception:
    if isinstance(exc, BackupError):
        return JsonRpcInvalidParams(str(exc))
    return JsonRpcInternalError(str(exc))


async def backup(ls: DriftServer, args: Sequence[Any]) -> dict[str, Any]:
    workspace = await _workspace(ls, _uri(args, 0))
    try:
        info = await asyncio.to_thread(workspace.backup, "user_requested")
    except StorageError as exc:
        raise _storage_failure(exc) from exc
    ls.show(
        f"Drift: backup {info.id} saved to {info.path} ({info.size_bytes} bytes, "
        f"SHA-256 {info.sha256[:12]}…)",
        types.MessageType.Info,
    )
    return info.to_json()


async def restore(ls: DriftServer, args: Sequence[Any]) -> dict[str, Any]:
    """Works in degraded mode too: that is when a restore is most needed."""
    backup_id = _argument(args, 0, int, "backup id")
    root = await _root(ls, _uri(args, 1))
    workspace = ls.session.folders.detach(root)
    if workspace is not None:
        await asyncio.to_thread(workspace.close)
    try:
        result = await asyncio.to_thread(
            restore_backup, db_path(root), backup_id, app_version=__version__
        )
    except StorageError as exc:
        raise _storage_failure(exc) from exc
    finally:
        problem = ls.session.folders.attach(root, await asyncio.to_thread(open_workspace, root))
    if problem:
        ls.show(problem, types.MessageType.Error)
    else:
        ls.show(
            f"Drift: restored backup {backup_id}; {result.describe()}",
            types.MessageType.Info,
        )
    ls.session.diagnostics.refresh_open_documents(ls)
    safety = result.safety.to_json() if result.safety else None
    return {"restored": backup_id, "safetyBackup": safety}


async def rescan(ls: DriftServer, args: Sequence[Any]) -> dict[str, Any]:
    workspace = await _workspace(ls, _uri(args, 0))
    try:
        summary = await scan_with_progress(ls, workspace, full=True)
    except LockError as exc:
        raise JsonRpcInvalidParams(f"malformed {exc}") from exc
    ls.session.diagnostics.refresh_open_documents(ls)
    return summary.to_json()


async def set_status(ls: DriftServer, args: Sequence[Any], status: str) -> dict[str, Any]:
    pattern_id = _argument(args, 0, str, "pattern id")
    uri = _uri(args, 1)
    await ls.session.folders.folders_open.wait()
    candidates = (
        [await _workspace(ls, uri)] if uri else list(ls.session.folders.workspaces.values())
    )
    holders = [w for w in candidates if w.pattern(pattern_id) is not None]
    if not holders:
        raise JsonRpcInvalidParams(f"no pattern {pattern_id}")
    changed = 0
    try:
        for workspace in holders:
            changed += await asyncio.to_thread(workspace.set_status, [pattern_id], status)
    except LockError as exc:  # the team's file is broken: say so, decide nothing
        raise JsonRpcInvalidParams(f"malformed {exc}") from exc
    ls.session.diagnostics.refresh_open_documents(ls)
    return {"patternId": pattern_id, "status": status, "changed": changed}


async def ignore_in(ls: DriftServer, args: Sequence[Any]) -> dict[str, Any]:
    """Turn a convention off under a path (a gitignore-style glob, e.g. "legacy/"): an
    override, written into drift.lock when the workspace has one."""
    pattern_id = _argument(args, 0, str, "pattern id")
    glob = _argument(args, 1, str, "path glob")
    problem = ignore_pattern_problem(glob) or ("empty" if not glob.strip() else None)
    if problem:
        raise JsonRpcInvalidParams(f"path {glob!r}: {problem}")
    workspace = await _workspace(ls, _uri(args, 2))
    pattern = workspace.pattern(pattern_id)
    if pattern is None:
        raise JsonRpcInvalidParams(f"no pattern {pattern_id}")
    try:
        await asyncio.to_thread(workspace.set_override, [pattern], glob, "off")
    except LockError as exc:
        raise JsonRpcInvalidParams(f"malformed {exc}") from exc
    ls.session.diagnostics.refresh_open_documents(ls)
    return {"patternId": pattern_id, "path": glob, "severity": "off"}


async def status(ls: DriftServer, args: Sequence[Any]) -> dict[str, Any]:
    workspace = await _workspace(ls, _uri(args, 0))
    return await asyncio.to_thread(workspace.status)


async def show_examples(ls: DriftServer, args: Sequence[Any]) -> list[dict[str, Any]]:
    pattern_id = _argument(args, 0, str, "pattern id")
    workspace = await _workspace(ls, _uri(args, 1))
    if workspace.pattern(pattern_id) is None:
        raise JsonRpcInvalidParams(f"no pattern {pattern_id}")
    examples = await asyncio.to_thread(workspace.examples, pattern_id, EXAMPLES_LIMIT)
    return [example_json(example) for example in examples]


async def add_memory(ls: DriftServer, args: Sequence[Any]) -> dict[str, Any]:
    workspace = await _workspace(ls, _uri(args, 2))
    result = await asyncio.to_thread(memory.add_memory, workspace.memory, args)
    kind = types.MessageType.Info if result.saved else types.MessageType.Warning
    ls.show(result.message, kind)
    return result.to_json()

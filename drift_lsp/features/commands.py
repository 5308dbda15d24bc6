"""`workspace/executeCommand` handlers. Bad arguments are JSON-RPC errors, never crashes."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from drift_lsp.features import memory
from drift_lsp.features.diagnostics import Diagnostics
from drift_lsp.features.scanning import scan_with_progress
from drift_lsp.features.workspaces import ServerState
from drift_lsp.workspace import Workspace, db_path
from storage import backup as backup_store

BACKUP = "drift.backup"
RESTORE = "drift.restore"
RESCAN = "drift.rescan"
APPROVE = "drift.approvePattern"
IGNORE = "drift.ignorePattern"
STATUS = "drift.status"
SHOW_EXAMPLES = "drift.showExamples"
ALL = (BACKUP, RESTORE, RESCAN, APPROVE, IGNORE, STATUS, SHOW_EXAMPLES, memory.ADD_MEMORY_COMMAND)


def _workspace(state: ServerState) -> Workspace:
    workspace = state.default()
    if workspace is None:
        reason = next(iter(state.degraded.values()), "no workspace folder is open")
        raise JsonRpcInvalidParams(reason)
    return workspace


def _argument(args: Sequence[Any], index: int, kind: type, name: str) -> Any:
    if len(args) <= index or not isinstance(args[index], kind) or isinstance(args[index], bool):
        raise JsonRpcInvalidParams(f"argument {index + 1} must be the {name}")
    return args[index]


def _inform(ls: LanguageServer, message: str, kind=types.MessageType.Info) -> None:
    ls.window_show_message(types.ShowMessageParams(type=kind, message=message))


async def backup(ls: LanguageServer, state: ServerState, args: Sequence[Any]) -> dict[str, Any]:
    info = await asyncio.to_thread(_workspace(state).backup, "user_requested")
    _inform(ls, f"Drift: backup saved to {info.path} ({info.size_bytes} bytes)")
    return info.to_json()


async def restore(
    ls: LanguageServer, state: ServerState, diagnostics: Diagnostics, args: Sequence[Any]
) -> dict[str, Any]:
    backup_id = _argument(args, 0, int, "backup id")
    root = (state.default().root if state.default() else None) or next(iter(state.degraded), None)
    if root is None:
        raise JsonRpcInvalidParams("no workspace folder is open")
    workspace = state.workspaces.pop(root, None)
    if workspace is not None:
        workspace.close()
    try:
        safety = await asyncio.to_thread(backup_store.restore, db_path(root), backup_id)
    except ValueError as exc:
        raise JsonRpcInvalidParams(str(exc)) from exc
    finally:
        problem = state.reopen(root)
    if problem:
        _inform(ls, problem, types.MessageType.Error)
    else:
        _inform(
            ls, f"Drift: restored backup {backup_id}; the replaced database is backup {safety.id}"
        )
        diagnostics.refresh_open_documents(ls)
    return {"restored": backup_id, "safetyBackup": safety.to_json()}


async def rescan(
    ls: LanguageServer, state: ServerState, diagnostics: Diagnostics, args: Sequence[Any]
) -> dict[str, Any]:
    summary = await scan_with_progress(ls, _workspace(state), full=True)
    diagnostics.refresh_open_documents(ls)
    return summary.to_json()


async def set_status(
    ls: LanguageServer,
    state: ServerState,
    diagnostics: Diagnostics,
    args: Sequence[Any],
    status: str,
) -> dict[str, Any]:
    pattern_id = _argument(args, 0, str, "pattern id")
    workspace = _workspace(state)
    if workspace.pattern(pattern_id) is None:
        raise JsonRpcInvalidParams(f"no pattern {pattern_id}")
    changed = await asyncio.to_thread(workspace.set_status, [pattern_id], status)
    diagnostics.refresh_open_documents(ls)
    return {"patternId": pattern_id, "status": status, "changed": changed}


async def status(state: ServerState) -> dict[str, Any]:
    return await asyncio.to_thread(_workspace(state).status)


async def show_examples(state: ServerState, args: Sequence[Any]) -> list[dict[str, Any]]:
    pattern_id = _argument(args, 0, str, "pattern id")
    workspace = _workspace(state)
    examples = await asyncio.to_thread(workspace.examples, pattern_id, 10)
    return [example.__dict__ for example in examples]


async def add_memory(ls: LanguageServer, state: ServerState, args: Sequence[Any]) -> dict:
    result = await asyncio.to_thread(memory.add_memory, _workspace(state).root, args)
    _inform(
        ls, result.message, types.MessageType.Info if result.saved else types.MessageType.Warning
    )
    return result.to_json()

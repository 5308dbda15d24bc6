"""Code actions where a Drift diagnostic is in range: its quick fixes (read back from the
diagnostic's data, never re-analysed), ignore this line, approve/ignore the pattern, and
`source.fixAll.drift`, whose edit is only built on `codeAction/resolve` when the client can
resolve edits lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.model import TextEdit
from drift_lsp.analysis.violations import ignore_line_edit
from drift_lsp.features import commands, memory
from drift_lsp.features.convert import (
    SOURCE,
    Snapshot,
    lsp_workspace_edit,
    text_edit_from_json,
)
from drift_lsp.features.workspaces import path_of

if TYPE_CHECKING:
    from drift_lsp.features.core import DriftServer

FIX_ALL_KIND = "source.fixAll.drift"
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL_KIND]
_FIX_ALL_TITLE = "Drift: fix all auto-fixable problems"


def _is_drift(diagnostic: types.Diagnostic) -> bool:
    return diagnostic.source == SOURCE and isinstance(diagnostic.data, dict)


def _wanted(kind: str, only: list[str] | None) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (
        b.start.line,
        b.start.character,
    ) <= (a.end.line, a.end.character)


def _in_range(ls: DriftServer, params: types.CodeActionParams) -> list[types.Diagnostic]:
    """The client's Drift diagnostics for the range, or ours when it sent none."""
    sent = [d for d in params.context.diagnostics if _is_drift(d)]
    if sent:
        return sent
    cached = ls.diagnostics.cache.get(params.text_document.uri)
    return [d for d in cached.items if _overlaps(d.range, params.range)] if cached else []


def code_actions(ls: DriftServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    if uri not in ls.workspace.text_documents:
        return None
    only = params.context.only
    found = _in_range(ls, params)
    actions: list[types.CodeAction] = []
    if found and _wanted(types.CodeActionKind.QuickFix, only):
        actions.extend(_quick_fixes(ls, uri, found))
        actions.extend(memory.explain_code_actions(found))
    if _wanted(FIX_ALL_KIND, only) and (only or found):
        fix_all = _fix_all(ls, uri)
        if fix_all is not None:
            actions.append(fix_all)
    return actions or None


def _snapshot_of_diagnostics(ls: DriftServer, uri: str) -> Snapshot:
    """The text the diagnostics were computed on: their fixes are positioned in it."""
    cached = ls.diagnostics.cache.get(uri)
    return cached.snapshot if cached else Snapshot.of(ls.workspace.get_text_document(uri))


def _quick_fixes(
    ls: DriftServer, uri: str, found: list[types.Diagnostic]
) -> list[types.CodeAction]:
    analysed = _snapshot_of_diagnostics(ls, uri)
    current = Snapshot.of(ls.workspace.get_text_document(uri))
    path = path_of(uri)
    language = language_for_path(path) if path else None
    actions, seen_patterns = [], set()
    for diagnostic in found:
        data = diagnostic.data
        for fix in data.get("fixes") or []:
            edits = [text_edit_from_json(e) for e in fix["edits"]]
            actions.append(
                _action(
                    fix["title"],
                    diagnostic,
                    edit=lsp_workspace_edit(analysed, edits),
                    preferred=True,
                )
            )
        if language is not None:
            line, _ = current.line_column(diagnostic.range.start)
            edit = ignore_line_edit(language, current.text, line, data["detectorId"])
            actions.append(
                _action(
                    f"Ignore {diagnostic.code} on this line",
                    diagnostic,
                    edit=lsp_workspace_edit(current, [edit]),
                )
            )
        pattern_id = data["patternId"]
        if pattern_id in seen_patterns:
            continue
        seen_patterns.add(pattern_id)
        for title, command in (
            # Approval is a user decision: it survives re-learning, unlike an automatic one.
            (f"Approve pattern: {diagnostic.code} ({data.get('expected')})", commands.APPROVE),
            (f"Ignore pattern: {diagnostic.code}", commands.IGNORE),
        ):
            run = types.Command(title=title, command=command, arguments=[pattern_id, uri])
            actions.append(_action(title, diagnostic, command=run))
    return actions


def _action(
    title: str,
    diagnostic: types.Diagnostic,
    *,
    edit: types.WorkspaceEdit | None = None,
    command: types.Command | None = None,
    preferred: bool | None = None,
) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=preferred,
        edit=edit,
        command=command,
    )


def _resolves_edits(ls: DriftServer) -> bool:
    text_document = ls.client_capabilities.text_document
    code_action = text_document.code_action if text_document else None
    resolve = code_action.resolve_support if code_action else None
    return bool(resolve and "edit" in resolve.properties)


def _fix_all(ls: DriftServer, uri: str) -> types.CodeAction | None:
    cached = ls.diagnostics.cache.get(uri)
    if cached is None or not any(d.data.get("fixes") for d in cached.items):
        return None
    action = types.CodeAction(title=_FIX_ALL_TITLE, kind=FIX_ALL_KIND)
    if _resolves_edits(ls):
        action.data = {"uri": uri, "version": cached.snapshot.version}
        return action
    action.edit = _fix_all_edit(ls, uri)
    return action


def resolve(ls: DriftServer, action: types.CodeAction) -> types.CodeAction:
    data: Any = action.data
    if action.kind == FIX_ALL_KIND and isinstance(data, dict) and isinstance(data.get("uri"), str):
        action.edit = _fix_all_edit(ls, data["uri"])
    return action


def _fix_all_edit(ls: DriftServer, uri: str) -> types.WorkspaceEdit | None:
    """The first fix of every Drift diagnostic, skipping any that overlaps one taken."""
    cached = ls.diagnostics.cache.get(uri)
    if cached is None:
        return None
    edits: list[TextEdit] = []
    for diagnostic in cached.items:
        fixes = diagnostic.data.get("fixes") or []
        if not fixes:
            continue
        candidate = [text_edit_from_json(e) for e in fixes[0]["edits"]]
        if any(_clash(new, old) for new in candidate for old in edits):
            continue  # the next fix-all round (after a save) picks it up
        edits.extend(candidate)
    return lsp_workspace_edit(cached.snapshot, edits)


def _clash(a: TextEdit, b: TextEdit) -> bool:
    a_start, a_end = (a.line, a.column), (a.end_line, a.end_column)
    b_start, b_end = (b.line, b.column), (b.end_line, b.end_column)
    return (a_start < b_end and b_start < a_end) or a_start == b_start

"""Code actions where a Drift diagnostic is in range: its quick fixes and the ignore-line
edit (read back from the diagnostic's data, never re-analysed), approve/ignore the pattern,
ignore it in the document's folder (an override), explain it, and `source.fixAll.drift`,
whose edit is only built on `codeAction/resolve` when the client can resolve edits lazily.

A quick fix is offered only for the document version it was computed on: for a buffer edited
since, a stale edit would land in the wrong place, so none is offered until the next
analysis. Fix-all instead analyses the current text when it is newer than the last analysis
(it runs on save, on exactly such a buffer). Each action is offered once, however many
diagnostics of a line it covers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from drift_lsp.analysis.fixes import Span, fix_all_edits
from drift_lsp.features import commands, memory
from drift_lsp.features.convert import DiagnosticData, lsp_workspace_edit
from drift_lsp.features.workspaces import path_of

if TYPE_CHECKING:
    from drift_lsp.features.core import DriftServer
    from drift_lsp.features.diagnostics import DocumentDiagnostics

FIX_ALL_KIND = "source.fixAll.drift"
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL_KIND]
_FIX_ALL_TITLE = "Drift: fix all auto-fixable problems"

Found = list[tuple[types.Diagnostic, DiagnosticData]]


def _wanted(kind: str, only: list[str] | None) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (
        b.start.line,
        b.start.character,
    ) <= (a.end.line, a.end.character)


def _drift(diagnostics: list[types.Diagnostic]) -> Found:
    return [(d, data) for d in diagnostics if (data := DiagnosticData.from_lsp(d)) is not None]


def _in_range(ls: DriftServer, params: types.CodeActionParams) -> Found:
    """The client's Drift diagnostics for the range, or ours when it sent none."""
    sent = _drift(params.context.diagnostics)
    if sent:
        return sent
    cached = ls.session.diagnostics.cache.get(params.text_document.uri)
    items = [d for d in cached.items if _overlaps(d.range, params.range)] if cached else []
    return _drift(items)


def _version(ls: DriftServer, uri: str) -> int | None:
    return ls.workspace.get_text_document(uri).version


async def code_actions(
    ls: DriftServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    if uri not in ls.workspace.text_documents:
        return None
    only = params.context.only
    found = _in_range(ls, params)
    actions: list[types.CodeAction] = []
    if found and _wanted(types.CodeActionKind.QuickFix, only):
        actions.extend(_quick_fixes(ls, uri, found))
        actions.extend(memory.explain_code_actions(d for d, _ in found))
    if _wanted(FIX_ALL_KIND, only) and (only or found):
        fix_all = await _fix_all(ls, uri)
        if fix_all is not None:
            actions.append(fix_all)
    return actions or None


def _quick_fixes(ls: DriftServer, uri: str, found: Found) -> list[types.CodeAction]:
    version = _version(ls, uri)
    workspace = ls.session.folders.for_uri(uri)
    path = path_of(uri)
    rel = workspace.relative(path) if workspace is not None and path is not None else None
    # A file at the root has no folder narrower than the workspace: "Ignore pattern" is that.
    folder = rel.rpartition("/")[0] if rel else ""
    actions: dict[str, types.CodeAction] = {}

    def offer(title: str, diagnostic: types.Diagnostic, **kwargs: Any) -> None:
        if title not in actions:
            actions[title] = _action(title, diagnostic, **kwargs)

    for diagnostic, data in found:
        if data.version == version:
            for fix in data.fixes:
                edit = lsp_workspace_edit(uri, version, list(fix.edits))
                offer(fix.title, diagnostic, edit=edit, preferred=True)
            if data.ignore_line is not None:
                edit = lsp_workspace_edit(uri, version, [data.ignore_line])
                offer(f"Ignore {diagnostic.code} on this line", diagnostic, edit=edit)
        pattern = workspace.pattern(data.pattern_id) if workspace is not None else None
        status = pattern.status if pattern is not None else None
        # Approval is a user decision: it survives re-learning, unlike an automatic one.
        if status not in (None, "approved"):
            title = f"Approve pattern: {diagnostic.code} ({data.expected})"
            run = types.Command(
                title=title, command=commands.APPROVE, arguments=[data.pattern_id, uri]
            )
            offer(title, diagnostic, command=run)
        if status not in (None, "ignored"):
            title = f"Ignore pattern: {diagnostic.code}"
            run = types.Command(
                title=title, command=commands.IGNORE, arguments=[data.pattern_id, uri]
            )
            offer(title, diagnostic, command=run)
        if pattern is not None and folder:
            title = f"Ignore this convention ({diagnostic.code}) in {folder}/"
            run = types.Command(
                title=title,
                command=commands.IGNORE_IN,
                arguments=[data.pattern_id, f"{folder}/", uri],
            )
            offer(title, diagnostic, command=run)
    return list(actions.values())


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


async def _fix_all(ls: DriftServer, uri: str) -> types.CodeAction | None:
    current = await ls.session.diagnostics.current(ls, uri)
    if current is None or not any(data.fixes for _, data in _drift(current.items)):
        return None
    action = types.CodeAction(title=_FIX_ALL_TITLE, kind=FIX_ALL_KIND)
    if ls.session.client.resolves_code_action_edits:
        action.data = {"uri": uri}
        return action
    action.edit = _fix_all_edit(current)
    return action


async def resolve(ls: DriftServer, action: types.CodeAction) -> types.CodeAction:
    data: Any = action.data
    if action.kind == FIX_ALL_KIND and isinstance(data, dict) and isinstance(data.get("uri"), str):
        current = await ls.session.diagnostics.current(ls, data["uri"])
        action.edit = _fix_all_edit(current) if current is not None else None
    return action


def _fix_all_edit(current: DocumentDiagnostics) -> types.WorkspaceEdit:
    """The first fix of every Drift diagnostic of `current`, skipping any that overlaps one
    taken."""
    first_fixes = (data.fixes[0].edits for _, data in _drift(current.items) if data.fixes)
    snapshot = current.snapshot
    return lsp_workspace_edit(snapshot.uri, snapshot.version, fix_all_edits(first_fixes, _span))


def _span(edit: types.TextEdit) -> Span:
    start, end = edit.range.start, edit.range.end
    return (start.line, start.character), (end.line, end.character)

"""Code actions for Drift diagnostics: their quick fixes (read back from the diagnostic's
data, never re-analysed), ignore this line, approve/ignore the pattern, fix all."""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace import TextDocument

from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.violations import ignore_line_edit
from drift_lsp.features import memory
from drift_lsp.features.convert import (
    SOURCE,
    lsp_text_edit,
    lsp_workspace_edit,
    text_edit_from_json,
)
from drift_lsp.features.diagnostics import Diagnostics
from drift_lsp.features.workspaces import path_of

FIX_ALL_KIND = "source.fixAll.drift"
APPROVE_COMMAND = "drift.approvePattern"
IGNORE_COMMAND = "drift.ignorePattern"


def _drift(diagnostics: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.source == SOURCE and isinstance(d.data, dict)]


def _edit(document: TextDocument, fix: dict) -> types.WorkspaceEdit:
    edits = [lsp_text_edit(document, text_edit_from_json(e)) for e in fix["edits"]]
    return lsp_workspace_edit(document.uri, document.version, edits)


def _fix_all(document: TextDocument, diagnostics: list[types.Diagnostic]) -> types.CodeAction:
    edits, taken = [], []
    for diagnostic in diagnostics:
        fixes = diagnostic.data.get("fixes") or []
        if not fixes:
            continue
        candidate = [text_edit_from_json(e) for e in fixes[0]["edits"]]
        spans = [((e.line, e.column), (e.end_line, e.end_column)) for e in candidate]
        if any(s < te and ts < e for s, e in spans for ts, te in taken):
            continue  # overlapping fixes: leave the later one for the next round
        taken.extend(spans)
        edits.extend(lsp_text_edit(document, e) for e in candidate)
    return types.CodeAction(
        title="Drift: fix all auto-fixable problems",
        kind=FIX_ALL_KIND,
        edit=lsp_workspace_edit(document.uri, document.version, edits),
    )


def code_actions(
    document: TextDocument, params: types.CodeActionParams, diagnostics: Diagnostics
) -> list[types.CodeAction] | None:
    wanted = params.context.only
    actions: list[types.CodeAction] = []
    if wanted and any(FIX_ALL_KIND.startswith(kind) for kind in wanted):
        cached = diagnostics.cache.get(document.uri)
        if cached is not None and cached.items:
            return [_fix_all(document, _drift(cached.items))]
        return None
    path = path_of(document.uri)
    language = language_for_path(path) if path else None
    seen_patterns: set[str] = set()
    for diagnostic in _drift(params.context.diagnostics):
        data = diagnostic.data
        for fix in data.get("fixes") or []:
            actions.append(
                types.CodeAction(
                    title=fix["title"],
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=True,
                    edit=_edit(document, fix),
                )
            )
        if language is not None:
            edit = ignore_line_edit(
                language, document.source, diagnostic.range.start.line, data["detectorId"]
            )
            actions.append(
                types.CodeAction(
                    title=f"Ignore {diagnostic.code} on this line",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=lsp_workspace_edit(
                        document.uri, document.version, [lsp_text_edit(document, edit)]
                    ),
                )
            )
        pattern_id = data["patternId"]
        if pattern_id in seen_patterns:
            continue
        seen_patterns.add(pattern_id)
        for title, command in (
            (f"Approve pattern: {data.get('expected')} ({diagnostic.code})", APPROVE_COMMAND),
            (f"Ignore pattern: {diagnostic.code}", IGNORE_COMMAND),
        ):
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    command=types.Command(title=title, command=command, arguments=[pattern_id]),
                )
            )
    actions.extend(memory.explain_code_actions(params.context.diagnostics))
    return actions or None

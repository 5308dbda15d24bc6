"""Every conversion from Drift's values to lsprotocol types, in one place.

Drift positions are code points; the document's position codec turns them into the
client's units (UTF-16 unless negotiated otherwise).
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.workspace import TextDocument

from drift_lsp.analysis.model import TextEdit, Violation

SOURCE = "drift"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def lsp_range(
    document: TextDocument, line: int, column: int, end_line: int, end_column: int
) -> types.Range:
    return document.position_codec.range_to_client_units(
        document.lines,
        types.Range(
            start=types.Position(line=line, character=column),
            end=types.Position(line=end_line, character=end_column),
        ),
    )


def lsp_text_edit(document: TextDocument, edit: TextEdit) -> types.TextEdit:
    return types.TextEdit(
        range=lsp_range(document, edit.line, edit.column, edit.end_line, edit.end_column),
        new_text=edit.new_text,
    )


def text_edit_from_json(data: dict[str, Any]) -> TextEdit:
    start, end = data["range"]["start"], data["range"]["end"]
    return TextEdit(
        start["line"], start["character"], end["line"], end["character"], data["newText"]
    )


def lsp_diagnostic(
    document: TextDocument, violation: Violation, related: types.Location | None
) -> types.Diagnostic:
    return types.Diagnostic(
        range=lsp_range(
            document, violation.line, violation.column, violation.end_line, violation.end_column
        ),
        severity=_SEVERITY[violation.severity],
        code=violation.pattern_name,
        source=SOURCE,
        message=violation.message,
        data={
            "patternId": violation.pattern_id,
            "violationId": violation.id,
            "detectorId": violation.detector_id,
            "expected": violation.expected,
            "actual": violation.actual,
            "fixes": [fix.to_json() for fix in violation.quick_fixes],
        },
        related_information=[
            types.DiagnosticRelatedInformation(
                location=related, message=f"follows the convention: {violation.expected}"
            )
        ]
        if related is not None
        else None,
    )


def lsp_location(uri: str, line: int, column: int, end_line: int, end_column: int):
    """A location in a file that isn't open: positions are sent as they are."""
    return types.Location(
        uri=uri,
        range=types.Range(
            start=types.Position(line=line, character=column),
            end=types.Position(line=end_line, character=end_column),
        ),
    )


def lsp_workspace_edit(uri: str, version: int | None, edits: list[types.TextEdit]):
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=uri, version=version
                ),
                edits=edits,
            )
        ]
    )

"""Every conversion between Drift's values and lsprotocol types, in one place.

Drift positions are code points on lines split at "\\n" only (as tree-sitter counts rows);
a `Snapshot` of the document's text and position codec turns them into the client's units
(UTF-16 unless negotiated otherwise) and back.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.workspace import PositionCodec, TextDocument

from drift_lsp.analysis.lines import split_lines
from drift_lsp.analysis.model import TextEdit, Violation
from drift_lsp.workspace import Example

SOURCE = "drift"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


@dataclass(frozen=True)
class Snapshot:
    """One version of a document: what was analysed, and how to speak about it."""

    uri: str
    version: int | None
    text: str
    lines: list[str]
    codec: PositionCodec

    @classmethod
    def of(cls, document: TextDocument) -> Snapshot:
        text = document.source
        return cls(document.uri, document.version, text, split_lines(text), document.position_codec)

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(
            start=self.position(line, column), end=self.position(end_line, end_column)
        )

    def position(self, line: int, column: int) -> types.Position:
        if line >= len(self.lines):
            return types.Position(line=line, character=0)
        return types.Position(
            line=line, character=self.codec.client_num_units(self.lines[line][:column])
        )

    def line_column(self, position: types.Position) -> tuple[int, int]:
        """A client position as (line, code point column)."""
        if position.line >= len(self.lines):
            return position.line, 0
        line, column, units = self.lines[position.line], 0, 0
        while column < len(line) and units < position.character:
            units += self.codec.client_num_units(line[column])
            column += 1
        return position.line, column


def lsp_text_edit(snapshot: Snapshot, edit: TextEdit) -> types.TextEdit:
    return types.TextEdit(
        range=snapshot.range(edit.line, edit.column, edit.end_line, edit.end_column),
        new_text=edit.new_text,
    )


def text_edit_from_json(data: dict[str, Any]) -> TextEdit:
    """A Drift edit carried in a diagnostic's data (code points, as Drift computed it)."""
    start, end = data["range"]["start"], data["range"]["end"]
    return TextEdit(
        start["line"], start["character"], end["line"], end["character"], data["newText"]
    )


def lsp_diagnostic(
    snapshot: Snapshot, violation: Violation, related: types.Location | None
) -> types.Diagnostic:
    return types.Diagnostic(
        range=snapshot.range(
            violation.line, violation.column, violation.end_line, violation.end_column
        ),
        severity=_SEVERITY.get(violation.severity, types.DiagnosticSeverity.Warning),
        code=violation.pattern_name or violation.pattern_id,
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


def lsp_location(
    uri: str, line: int, column: int, end_line: int, end_column: int
) -> types.Location:
    """A location in a file that may not be open: positions are sent as they are stored."""
    return types.Location(
        uri=uri,
        range=types.Range(
            start=types.Position(line=line, character=column),
            end=types.Position(line=end_line, character=end_column),
        ),
    )


def lsp_workspace_edit(snapshot: Snapshot, edits: list[TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=snapshot.uri, version=snapshot.version
                ),
                edits=[lsp_text_edit(snapshot, edit) for edit in edits],
            )
        ]
    )


def lsp_markdown(value: str) -> types.Hover:
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value))


def example_json(example: Example) -> dict[str, Any]:
    return dataclasses.asdict(example)


def file_link(root: Path, rel: str, line: int) -> str:
    """A Markdown link to `rel:line` (1-based) that editors open at that line."""
    return f"[{rel}:{line}]({(root / rel).as_uri()}#L{line})"

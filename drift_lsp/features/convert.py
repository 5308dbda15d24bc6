"""Every conversion between Drift's values and lsprotocol types, in one place.

Drift positions are code points on lines split at "\\n" only (as tree-sitter counts rows);
a `Snapshot` of the document's text and position codec turns them into the client's units
(UTF-16 unless negotiated otherwise) and back. A diagnostic's `data` is a `DiagnosticData`:
its fixes and its ignore-this-line edit are converted once, for the document version they
were computed on, and read back by code actions without re-analysing or re-converting.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cattrs.errors import CattrsError
from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.workspace import PositionCodec, TextDocument

from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.lines import split_lines
from drift_lsp.analysis.model import TextEdit, Violation
from drift_lsp.analysis.suppression import ignore_line_edit
from drift_lsp.workspace import Example

SOURCE = "drift"
_CONVERTER = get_converter()
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


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[types.TextEdit, ...]


@dataclass(frozen=True)
class DiagnosticData:
    """What a code action needs of a Drift diagnostic, already in the client's units."""

    rule: str
    pattern_id: str
    violation_id: str
    expected: str
    actual: str
    # The document version the edits are positioned in: for any other, they are withheld.
    version: int | None
    fixes: tuple[Fix, ...] = ()
    ignore_line: types.TextEdit | None = None

    def to_lsp(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "patternId": self.pattern_id,
            "violationId": self.violation_id,
            "expected": self.expected,
            "actual": self.actual,
            "version": self.version,
            "fixes": [
                {"title": fix.title, "edits": [_CONVERTER.unstructure(e) for e in fix.edits]}
                for fix in self.fixes
            ],
            "ignoreLine": _CONVERTER.unstructure(self.ignore_line) if self.ignore_line else None,
        }

    @classmethod
    def from_lsp(cls, diagnostic: types.Diagnostic) -> DiagnosticData | None:
        """The data of a Drift diagnostic as the client sent it back; None for another
        source's diagnostic or data that is not ours (a client may mangle it)."""
        data = diagnostic.data
        if diagnostic.source != SOURCE or not isinstance(data, dict):
            return None
        try:
            ignore = data.get("ignoreLine")
            return cls(
                rule=str(data["rule"]),
                pattern_id=str(data["patternId"]),
                violation_id=str(data["violationId"]),
                expected=str(data["expected"]),
                actual=str(data["actual"]),
                version=data.get("version"),
                fixes=tuple(
                    Fix(
                        str(fix["title"]),
                        tuple(_CONVERTER.structure(e, types.TextEdit) for e in fix["edits"]),
                    )
                    for fix in data.get("fixes") or ()
                ),
                ignore_line=_CONVERTER.structure(ignore, types.TextEdit) if ignore else None,
            )
        except (KeyError, TypeError, ValueError, CattrsError):
            return None


def _ignore_line(snapshot: Snapshot, violation: Violation) -> types.TextEdit | None:
    path = snapshot.uri.rpartition("/")[2]
    language = language_for_path(path)
    if language is None:
        return None
    edit = ignore_line_edit(language, snapshot.text, violation.line, violation.detector_id)
    return lsp_text_edit(snapshot, edit)


def lsp_diagnostic(
    snapshot: Snapshot, violation: Violation, related: types.Location | None
) -> types.Diagnostic:
    data = DiagnosticData(
        rule=violation.detector_id,
        pattern_id=violation.pattern_id,
        violation_id=violation.id,
        expected=violation.expected,
        actual=violation.actual,
        version=snapshot.version,
        fixes=tuple(
            Fix(fix.title, tuple(lsp_text_edit(snapshot, e) for e in fix.edits))
            for fix in violation.quick_fixes
        ),
        ignore_line=_ignore_line(snapshot, violation),
    )
    return types.Diagnostic(
        range=snapshot.range(
            violation.line, violation.column, violation.end_line, violation.end_column
        ),
        severity=_SEVERITY.get(violation.severity, types.DiagnosticSeverity.Warning),
        # The rule's one name, as in SARIF, suppression comments and the CLI.
        code=violation.detector_id or violation.pattern_id,
        source=SOURCE,
        message=violation.message,
        data=data.to_lsp(),
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


def lsp_workspace_edit(
    uri: str, version: int | None, edits: list[types.TextEdit]
) -> types.WorkspaceEdit:
    """Edits for one version of a document: a client holding another version rejects them."""
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


def lsp_markdown(value: str) -> types.Hover:
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value))


def example_json(example: Example) -> dict[str, Any]:
    return dataclasses.asdict(example)


def file_link(root: Path, rel: str, line: int) -> str:
    """A Markdown link to `rel:line` (1-based) that editors open at that line."""
    return f"[{rel}:{line}]({(root / rel).as_uri()}#L{line})"

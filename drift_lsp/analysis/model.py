"""Plain data passed between detection, learning, storage and the front-ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

CONTEXTS = (
    "declaration",
    "import",
    "call",
    "assignment",
    "conditional",
    "property_access",
    "unknown",
)
SEVERITIES = ("error", "warning", "info", "hint")


def convention_key_of(value: str, context: str) -> str:
    """What tells a detector's conventions apart: "value/context", the context carrying its
    scope after an "@" (e.g. "snake_case/declaration@python")."""
    return f"{value}/{context}"


class Observation(NamedTuple):
    """One place in a file that does something one particular way.

    A tuple rather than a dataclass: a scan makes hundreds of thousands of them, and a
    frozen dataclass costs several times as much to build.
    """

    detector_id: str
    context: str
    value: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class TextEdit:
    line: int
    column: int
    end_line: int
    end_column: int
    new_text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "range": _range(self.line, self.column, self.end_line, self.end_column),
            "newText": self.new_text,
        }


@dataclass(frozen=True, slots=True)
class QuickFix:
    title: str
    edits: tuple[TextEdit, ...]

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "edits": [edit.to_json() for edit in self.edits]}


@dataclass(frozen=True)
class ApprovedPattern:
    """What violation finding needs of a stored, approved pattern."""

    id: str
    detector_id: str
    context: str
    value: str
    name: str
    category: str
    severity: str


@dataclass(frozen=True)
class Violation:
    id: str
    pattern_id: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    expected: str
    actual: str
    quick_fixes: tuple[QuickFix, ...] = field(default=())
    # Not in the JSON contract: the LSP shows the name as the diagnostic code and the
    # detector id is what an "ignore this line" comment names.
    pattern_name: str = ""
    detector_id: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "patternId": self.pattern_id,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "range": _range(self.line, self.column, self.end_line, self.end_column),
            "expected": self.expected,
            "actual": self.actual,
            "quickFixes": [fix.to_json() for fix in self.quick_fixes],
        }


def _range(line: int, column: int, end_line: int, end_column: int) -> dict[str, Any]:
    return {
        "start": {"line": line, "character": column},
        "end": {"line": end_line, "character": end_column},
    }

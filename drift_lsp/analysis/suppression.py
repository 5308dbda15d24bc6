"""Inline suppression comments: `drift-ignore`, `drift-ignore[<pattern id|name|detector>]`
on the line or the line above, and `drift-ignore-file` near the top of a file.

Other linters' suppressions count too when they are about the same concern: a bare
`# noqa`, `# noqa: <code>`, `# pylint: disable=<name>` and mypy's `# type: ignore[<code>]`
on the line; `// eslint-disable-line [rules]` on the line, `// eslint-disable-next-line
[rules]` on the next one, and `/* eslint-disable [rules] */` until `/* eslint-enable */`.
Which codes are about which concern is each detector's `suppressed_by`, in the detector
table.

Markers count only inside the language's comments (`#` for Python; `//` and `/* */` for
JavaScript and TypeScript). A comment alone on its line also covers the next line; a
trailing comment covers only its own line, so it never leaks onto the statement below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from drift_lsp.analysis.languages import Language
from drift_lsp.analysis.lines import split_lines
from drift_lsp.analysis.model import TextEdit

# A file-level marker counts only in the file's first lines, where a reader looks for it.
_FILE_MARK_LINES = 10
_ANY_COMMENT = ("#", "//", "/*")


@cache
def _marker(openers: tuple[str, ...]) -> re.Pattern[str]:
    opener = "|".join(re.escape(o) for o in openers)
    return re.compile(rf"(?:{opener})\s*drift-ignore(-file)?(?:\[([^\]]*)\])?")


def _openers(language: Language | None) -> tuple[str, ...]:
    if language is None:
        return _ANY_COMMENT
    if language.block_comment is None:
        return (language.line_comment,)
    return (language.line_comment, language.block_comment)


# Other linters' markers: (marker, the lines it covers) → the codes it names, if any.
_NOQA = re.compile(r"#\s*noqa\b(?::\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.I)
_PYLINT = re.compile(r"#\s*pylint:\s*disable=([\w\-, ]+)")
# mypy's error codes. A bare `# type: ignore` silences every type error on its line, which
# is not everything Drift says: it names itself, for the detectors about types to list.
_MYPY = re.compile(r"#\s*type:\s*ignore\b(?:\[([\w\-, ]+)\])?")
BARE_TYPE_IGNORE = "type: ignore"
_ESLINT = re.compile(
    r"(//|/\*)\s*eslint-(disable-next-line|disable-line|disable|enable)\b([^*\n]*)"
)


def _add(table: dict[int, set[str] | None], line: int, keys: set[str] | None) -> None:
    if line in table and table[line] is None:
        return
    table[line] = None if keys is None else table.get(line, set()) | keys


def _codes(raw: str | None) -> set[str] | None:
    """The codes of a linter comment, or None for a bare one (everything)."""
    # ESLint allows a description after ` -- `.
    raw = (raw or "").split("--")[0]
    codes = {c.strip() for c in re.split(r"[\s,]+", raw) if c.strip()}
    return codes or None


@dataclass
class Suppressions:
    whole_file: bool = False
    # line → None (everything) or the set of keys named in brackets
    lines: dict[int, set[str] | None] = field(default_factory=dict)
    # line → None (a bare noqa or `eslint-disable-line`) or the other linters' codes named
    lint: dict[int, set[str] | None] = field(default_factory=dict)

    def add(self, line: int, keys: set[str] | None) -> None:
        _add(self.lines, line, keys)

    def covers(self, line: int, keys: tuple[str, ...], lint_codes: tuple[str, ...] = ()) -> bool:
        if self.whole_file:
            return True
        named = self.lines.get(line, ())
        if named is None or any(key in named for key in keys):
            return True
        codes = self.lint.get(line, ())
        # ESLint rules come with or without their plugin (`@typescript-eslint/naming-convention`).
        return codes is None or any(
            code in lint_codes or code.rpartition("/")[2] in lint_codes for code in codes
        )


def _other_linters(text: str, found: Suppressions) -> None:
    lines = text.splitlines()
    disabled: set[str] | None = set()  # an open `eslint-disable` block's rules; None = all
    for number, line in enumerate(lines):
        if disabled != set():
            _add(found.lint, number, disabled)
        if "noqa" in line or "pylint" in line or "type:" in line:
            for match in _NOQA.finditer(line):
                _add(found.lint, number, _codes(match.group(1)))
            for match in _PYLINT.finditer(line):
                _add(found.lint, number, _codes(match.group(1)))
            for match in _MYPY.finditer(line):
                _add(found.lint, number, _codes(match.group(1)) or {BARE_TYPE_IGNORE})
        if "eslint-" not in line:
            continue
        for match in _ESLINT.finditer(line):
            kind, codes = match.group(2), _codes(match.group(3))
            if kind == "disable-line":
                _add(found.lint, number, codes)
            elif kind == "disable-next-line":
                _add(found.lint, number + 1, codes)
            elif kind == "disable" and match.group(1) == "/*":
                disabled = None if codes is None or disabled is None else disabled | codes
            elif kind == "enable":
                disabled = set()


def find_suppressions(text: str, language: Language | None = None) -> Suppressions:
    found = Suppressions()
    if "noqa" in text or "pylint" in text or "eslint-" in text or "type: ignore" in text:
        _other_linters(text, found)
    if "drift-ignore" not in text:
        return found
    marker = _marker(_openers(language))
    for number, line in enumerate(split_lines(text)):
        if "drift-ignore" not in line:
            continue
        for match in marker.finditer(line):
            if match.group(1):
                if number < _FILE_MARK_LINES:
                    found.whole_file = True
                continue
            raw = match.group(2)
            keys = None if raw is None else {k.strip() for k in raw.split(",") if k.strip()}
            found.add(number, keys)
            if not line[: match.start()].strip():
                found.add(number + 1, keys)
    return found


def ignore_line_edit(language: Language, text: str, line: int, key: str) -> TextEdit:
    """A comment above `line`, indented like it, that suppresses `key` there."""
    lines = split_lines(text)
    current = lines[line] if line < len(lines) else ""
    indent = current[: len(current) - len(current.lstrip())]
    comment = f"{indent}{language.line_comment} drift-ignore[{key}]\n"
    return TextEdit(line, 0, line, 0, comment)

"""Inline suppression comments: `drift-ignore`, `drift-ignore[<pattern id|name|detector>]`
on the line or the line above, and `drift-ignore-file` near the top of a file.

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


@dataclass
class Suppressions:
    whole_file: bool = False
    # line → None (everything) or the set of keys named in brackets
    lines: dict[int, set[str] | None] = field(default_factory=dict)

    def add(self, line: int, keys: set[str] | None) -> None:
        if line in self.lines and self.lines[line] is None:
            return
        self.lines[line] = None if keys is None else self.lines.get(line, set()) | keys

    def covers(self, line: int, keys: tuple[str, ...]) -> bool:
        if self.whole_file:
            return True
        named = self.lines.get(line, ())
        return named is None or any(key in named for key in keys)


def find_suppressions(text: str, language: Language | None = None) -> Suppressions:
    found = Suppressions()
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

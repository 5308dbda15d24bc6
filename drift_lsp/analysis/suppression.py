"""Inline suppression comments: `drift-ignore`, `drift-ignore[<pattern id|name|detector>]`
on the line or the line above, and `drift-ignore-file` near the top of a file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drift_lsp.analysis.languages import Language
from drift_lsp.analysis.model import TextEdit

_MARK = re.compile(r"(?:#|//|/\*)\s*drift-ignore(-file)?(?:\[([^\]]*)\])?")
# A file-level marker counts only in the file's first lines, where a reader looks for it.
_FILE_MARK_LINES = 10


@dataclass
class Suppressions:
    whole_file: bool = False
    # line → None (everything) or the set of keys named in brackets
    lines: dict[int, set[str] | None] = field(default_factory=dict)

    def covers(self, line: int, keys: tuple[str, ...]) -> bool:
        if self.whole_file:
            return True
        for candidate in (line, line - 1):
            if candidate in self.lines:
                named = self.lines[candidate]
                if named is None or any(key in named for key in keys):
                    return True
        return False


def find_suppressions(text: str) -> Suppressions:
    found = Suppressions()
    if "drift-ignore" not in text:
        return found
    for number, line in enumerate(text.splitlines()):
        for match in _MARK.finditer(line):
            if match.group(1):
                if number < _FILE_MARK_LINES:
                    found.whole_file = True
                continue
            keys = match.group(2)
            if keys is None:
                found.lines[number] = None
            elif found.lines.get(number, set()) is not None:
                named = {k.strip() for k in keys.split(",") if k.strip()}
                found.lines[number] = found.lines.get(number, set()) | named
    return found


def ignore_line_edit(language: Language, text: str, line: int, key: str) -> TextEdit:
    """A comment above `line`, indented like it, that suppresses `key` there."""
    lines = text.splitlines()
    current = lines[line] if line < len(lines) else ""
    indent = current[: len(current) - len(current.lstrip())]
    comment = f"{indent}{language.line_comment} drift-ignore[{key}]\n"
    return TextEdit(line, 0, line, 0, comment)

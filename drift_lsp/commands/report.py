"""How `drift check` reports, the way ruff does: sorted by file, line and column; coloured on a
terminal; `--statistics` counts by rule; `--fix` writes the safe fixes and `--diff` shows them."""

from __future__ import annotations

import difflib
import os
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from drift_lsp.analysis.fixes import apply_edits, edit_span, fix_all_edits
from drift_lsp.analysis.model import Violation
from drift_lsp.workspace import Workspace

# Each fix round re-checks the fixed text; a fix skipped because it overlapped another is
# applied in the next one. Fixes never create violations of their own, so this is a backstop.
MAX_FIX_ROUNDS = 10

_SEVERITY_COLOUR = {"error": "31", "warning": "33", "info": "34", "hint": "2"}


def use_colour(choice: str, stream: TextIO) -> bool:
    """`--color always|never`, or for `auto`: a terminal, unless NO_COLOR is set (no-color.org)
    or the terminal says it can't."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def sort_key(violation: Violation) -> tuple[str, int, int, str]:
    return (violation.file, violation.line, violation.column, violation.detector_id)


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def print_text(violations: list[Violation], *, colour: bool) -> None:
    for v in violations:
        where = f"{_paint(v.file, '1', colour)}:{v.line + 1}:{v.column + 1}"
        severity = _paint(v.severity, _SEVERITY_COLOUR.get(v.severity, "0"), colour)
        fixable = " [*]" if v.quick_fixes else ""
        print(f"{where}: {severity}: {v.message} [{v.detector_id}]{fixable}")
    summary = f"{len(violations)} violation(s)"
    fixable_count = sum(1 for v in violations if v.quick_fixes)
    if fixable_count:
        summary += f"; [*] {fixable_count} fixable with `drift check --fix`"
    print(summary)


def print_statistics(violations: list[Violation]) -> None:
    """One line per rule, most frequent first, as `ruff check --statistics` prints them."""
    counts = Counter(v.detector_id for v in violations)
    fixable = {v.detector_id for v in violations if v.quick_fixes}
    names = {v.detector_id: v.pattern_name for v in violations}
    width = max((len(str(n)) for n in counts.values()), default=1)
    rule_width = max((len(rule) for rule in counts), default=0)
    for rule, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mark = "[*]" if rule in fixable else "   "
        print(f"{count:>{width}}  {rule:<{rule_width}}  {mark} {names[rule]}")


@dataclass
class FixedFile:
    path: Path
    rel: str
    before: str
    after: str
    applied: int = 0
    remaining: list[Violation] = field(default_factory=list)

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.rel}",
                tofile=f"b/{self.rel}",
            )
        )


def fix_text(workspace: Workspace, path: Path, text: str, found: list[Violation]) -> FixedFile:
    """Apply the fixes the editor's "fix all" would, round after round until none is left;
    `found` are the violations of `text`. Nothing is written here."""
    rel = workspace.relative(path) or path.name
    fixed = FixedFile(path, rel, text, text, remaining=found)
    for _ in range(MAX_FIX_ROUNDS):
        first_fixes = (v.quick_fixes[0].edits for v in fixed.remaining if v.quick_fixes)
        edits = fix_all_edits(first_fixes, edit_span)
        if not edits:
            break
        fixed.after = apply_edits(fixed.after, edits)
        before_count = len(fixed.remaining)
        fixed.remaining = workspace.check_text(path, fixed.after)
        fixed.applied += max(before_count - len(fixed.remaining), 0)
    return fixed


def print_diffs(fixed: Iterable[FixedFile]) -> int:
    """Unified diffs of what `--fix` would write; the number of files it would change."""
    changed = 0
    for f in fixed:
        if f.after != f.before:
            sys.stdout.write(f.diff())
            changed += 1
    return changed

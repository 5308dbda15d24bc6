"""Real examples of a pattern from the codebase, chosen for hover and `drift examples`.

Up to `MAX_EXAMPLES` positive examples per pattern (and a few negative ones from outliers),
each the located lines with context after them, scored for quality: long enough,
real code rather than comments or blank lines, and complete statements.
"""

from __future__ import annotations

from drift_lsp.analysis.lines import split_lines

MAX_EXAMPLES = 5
MAX_NEGATIVE = 2
CONTEXT_LINES = 3
_OPENERS, _CLOSERS = "([{", ")]}"


def quality(code: str) -> float:
    """0..1: length (enough lines to show something), content, and balanced structure."""
    lines = split_lines(code)
    if not lines:
        return 0.0
    meaningful = [
        ln for ln in lines if ln.strip() and not ln.strip().startswith(("#", "//", "*", "/*"))
    ]
    length = min(1.0, len(meaningful) / 5)
    content = len(meaningful) / len(lines)
    depth = 0
    for ch in code:
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth -= 1
    structure = 1.0 if depth == 0 else 0.5
    return round(0.4 * length + 0.3 * content + 0.3 * structure, 3)


def snippet(lines: list[str], line: int, end_line: int) -> tuple[int, int, str]:
    """The located lines and the context after them. The snippet starts at the located
    line itself: a hover labels it `file:line`, and that line is what a reader sees first."""
    end = min(len(lines) - 1, end_line + 2 * CONTEXT_LINES)
    return line, end, "\n".join(lines[line : end + 1])

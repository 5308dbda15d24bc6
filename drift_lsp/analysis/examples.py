"""Real examples of a pattern from the codebase, chosen for hover and `drift examples`.

Up to `MAX_EXAMPLES` positive examples per pattern (and a few negative ones from outliers),
each the located lines with `CONTEXT_LINES` around them, scored for quality: long enough,
real code rather than comments or blank lines, and complete statements.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import apsw

from storage.repositories import patterns as pattern_repo
from storage.repositories import scans as scan_repo

MAX_EXAMPLES = 5
MAX_NEGATIVE = 2
CONTEXT_LINES = 3
MIN_QUALITY = 0.3
MAX_FILE_SIZE = 1_000_000
_CANDIDATES = 12
_OPENERS, _CLOSERS = "([{", ")]}"


def quality(code: str) -> float:
    """0..1: length (enough lines to show something), content, and balanced structure."""
    lines = code.splitlines()
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
    start = max(0, line - CONTEXT_LINES)
    end = min(len(lines) - 1, end_line + CONTEXT_LINES)
    return start, end, "\n".join(lines[start : end + 1])


def _read_lines(root: Path, rel: str, cache: dict[str, list[str] | None]) -> list[str] | None:
    if rel not in cache:
        path = root / rel
        try:
            cache[rel] = (
                path.read_text("utf-8").splitlines()
                if path.stat().st_size <= MAX_FILE_SIZE
                else None
            )
        except (OSError, UnicodeDecodeError):
            cache[rel] = None
    return cache[rel]


def refresh_examples(conn: apsw.Connection, root: Path, pattern_ids: Iterable[str]) -> None:
    """Re-pick examples for patterns whose locations changed (runs in the writer)."""
    cache: dict[str, list[str] | None] = {}
    for pattern_id in pattern_ids:
        pattern = pattern_repo.get(conn, pattern_id)
        if pattern is None:
            continue
        chosen = []
        for outliers, limit in ((False, MAX_EXAMPLES), (True, MAX_NEGATIVE)):
            picked = []
            for rel, line, end_line in scan_repo.example_candidates(
                conn,
                (pattern.detector_id, pattern.context),
                pattern.value,
                outliers=outliers,
                limit=_CANDIDATES,
            ):
                lines = _read_lines(root, rel, cache)
                if lines is None or line >= len(lines):
                    continue
                start, end, code = snippet(lines, line, end_line)
                score = quality(code)
                if score >= MIN_QUALITY:
                    picked.append((rel, start, end, code, score, not outliers))
            picked.sort(key=lambda e: -e[4])
            chosen.extend(picked[:limit])
        scan_repo.replace_examples(conn, pattern_id, chosen)

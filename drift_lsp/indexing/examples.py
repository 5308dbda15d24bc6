"""Picking real examples of patterns from the codebase, for hover and `drift examples`.

Candidates come from a read connection and source files are read with no transaction
open; only the chosen snippets go to the writer, so the only writer never waits on disk.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path

import apsw

from drift_lsp.analysis.examples import MAX_EXAMPLES, MAX_NEGATIVE, quality, snippet
from drift_lsp.analysis.lines import split_lines
from storage.database import DatabaseManager
from storage.repositories import patterns as pattern_repo
from storage.repositories import scans as scan_repo

MIN_QUALITY = 0.3
MAX_FILE_SIZE = 1_000_000
_CANDIDATES = 12

Example = tuple[str, int, int, str, float, bool]  # file, start, end, code, quality, positive
Candidates = dict[str, list[tuple[bool, list[tuple[str, int, int]]]]]


def _candidates(conn: apsw.Connection, pattern_ids: Iterable[str]) -> Candidates:
    found: Candidates = {}
    for pattern_id in pattern_ids:
        pattern = pattern_repo.get(conn, pattern_id)
        if pattern is None:
            continue
        found[pattern_id] = [
            (
                outliers,
                scan_repo.example_candidates(
                    conn,
                    (pattern.detector_id, pattern.context),
                    pattern.value,
                    outliers=outliers,
                    limit=_CANDIDATES,
                ),
            )
            for outliers in (False, True)
        ]
    return found


def _read_lines(root: Path, rel: str, cache: dict[str, list[str] | None]) -> list[str] | None:
    if rel not in cache:
        path = root / rel
        try:
            cache[rel] = (
                split_lines(path.read_text("utf-8"))
                if path.stat().st_size <= MAX_FILE_SIZE
                else None
            )
        except (OSError, UnicodeDecodeError):
            cache[rel] = None
    return cache[rel]


def choose(root: Path, candidates: Candidates) -> dict[str, list[Example]]:
    cache: dict[str, list[str] | None] = {}
    chosen: dict[str, list[Example]] = {}
    for pattern_id, groups in candidates.items():
        examples: list[Example] = []
        for outliers, places in groups:
            picked = []
            for rel, line, end_line in places:
                lines = _read_lines(root, rel, cache)
                if lines is None or line >= len(lines):
                    continue
                start, end, code = snippet(lines, line, end_line)
                score = quality(code)
                if score >= MIN_QUALITY:
                    picked.append((rel, start, end, code, score, not outliers))
            picked.sort(key=lambda e: -e[4])
            examples.extend(picked[: MAX_NEGATIVE if outliers else MAX_EXAMPLES])
        chosen[pattern_id] = examples
    return chosen


def refresh_examples(
    db: DatabaseManager, root: Path, pattern_ids: Iterable[str]
) -> Future[None] | None:
    """Re-pick the examples of `pattern_ids`; the future resolves once they are stored."""
    ids = sorted(pattern_ids)
    if not ids:
        return None
    chosen = choose(root, db.read("example_candidates", lambda c: _candidates(c, ids)))

    def store(conn: apsw.Connection) -> None:
        for pattern_id, examples in chosen.items():
            # A pattern re-learnt away meanwhile takes its examples with it.
            if pattern_repo.exists(conn, pattern_id):
                scan_repo.replace_examples(conn, pattern_id, examples)

    return db.submit(store, tables=("pattern_examples",))

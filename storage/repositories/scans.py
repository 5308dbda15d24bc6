"""The scan write path: observations per file, slot counts for learning, deviations, examples,
and scan history. Every function runs on the writer connection unless it says otherwise."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import apsw

# (detector_id, context, value, occurrences, ranges): one file's observations of one value,
# `ranges` being the JSON text of [[line, column, end_line, end_column], ...].
ObservationGroup = tuple[str, str, str, int, str]
Slot = tuple[str, str]


def slots_of(conn: apsw.Connection, path: str) -> set[Slot]:
    return set(
        conn.execute(
            "SELECT DISTINCT detector_id, context FROM observation_groups WHERE file_path = ?",
            (path,),
        )
    )


def replace_observations(
    conn: apsw.Connection, path: str, groups: Sequence[ObservationGroup]
) -> set[Slot]:
    """Swap a file's observations; returns the slots whose observations in it changed, so an
    edit that moves nothing a detector sees re-learns nothing."""
    old = {
        (d, c, v): (n, r)
        for d, c, v, n, r in conn.execute(
            "SELECT detector_id, context, value, occurrences, ranges FROM observation_groups "
            "WHERE file_path = ?",
            (path,),
        )
    }
    new = {(d, c, v): (n, r) for d, c, v, n, r in groups}
    if new == old:
        return set()
    conn.execute("DELETE FROM observation_groups WHERE file_path = ?", (path,))
    conn.executemany(
        "INSERT INTO observation_groups (file_path, detector_id, context, value, "
        "occurrences, ranges) VALUES (?, ?, ?, ?, ?, ?)",
        ((path, *g) for g in groups),
    )
    return {key[:2] for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


def all_slots(conn: apsw.Connection) -> set[Slot]:
    return set(conn.execute("SELECT DISTINCT detector_id, context FROM observation_groups"))


def slot_rows(conn: apsw.Connection, slot: Slot) -> list[tuple[str, str, int, int]]:
    """(value, file, occurrences, file age in ns) for one slot: what learning counts. A
    file's age is its last commit, unless its mtime is older (a file edited since shows its
    commit: the conventions in it are mostly that old)."""
    return conn.execute(
        "SELECT g.value, g.file_path, g.occurrences, "
        "coalesce(min(f.mtime_ns, f.committed_at_ns), f.mtime_ns) FROM observation_groups g "
        "JOIN files f ON f.path = g.file_path WHERE g.detector_id = ? AND g.context = ?",
        slot,
    ).fetchall()


def rebuild_locations(
    conn: apsw.Connection,
    pattern_id: str,
    slot: Slot,
    value: str,
    files: Iterable[str] | None = None,
) -> tuple[int, int]:
    """Re-derive a pattern's stored locations — its deviations — from the observations (all
    of them, or for `files` only); returns the pattern's (location_count, outlier_count)."""
    select = (
        "INSERT INTO pattern_locations (pattern_id, file_path, line, column, end_line, "
        "end_column, value, is_outlier, outlier_reason) "
        "SELECT ?1, file_path, line, column, end_line, end_column, value, 1, "
        "'expected ' || ?4 || ', found ' || value FROM observation_locations "
        "WHERE detector_id = ?2 AND context = ?3 AND value != ?4"
    )
    if files is None:
        conn.execute("DELETE FROM pattern_locations WHERE pattern_id = ?", (pattern_id,))
        conn.execute(select, (pattern_id, *slot, value))
    else:
        for path in files:
            conn.execute(
                "DELETE FROM pattern_locations WHERE pattern_id = ? AND file_path = ?",
                (pattern_id, path),
            )
            conn.execute(f"{select} AND file_path = ?5", (pattern_id, *slot, value, path))
    (total,) = conn.execute(
        "SELECT coalesce(sum(occurrences), 0) FROM observation_groups "
        "WHERE detector_id = ? AND context = ?",
        slot,
    ).fetchone()
    (outliers,) = conn.execute(
        "SELECT count(*) FROM pattern_locations WHERE pattern_id = ?", (pattern_id,)
    ).fetchone()
    return total, outliers


def example_candidates(
    conn: apsw.Connection, slot: Slot, value: str, *, outliers: bool, limit: int
) -> list[tuple[str, int, int]]:
    """(file, line, end_line) of places in `slot` that follow `value` (or, with `outliers`,
    deviate from it), spread over as many files as possible."""
    return conn.execute(
        "SELECT file_path, line, end_line FROM observation_locations "
        "WHERE detector_id = ? AND context = ? AND (value = ?) != ? "
        "ORDER BY nth, file_path LIMIT ?",
        (*slot, value, int(outliers), limit),
    ).fetchall()


def replace_examples(
    conn: apsw.Connection,
    pattern_id: str,
    examples: Iterable[tuple[str, int, int, str, float, bool]],
) -> None:
    conn.execute("DELETE FROM pattern_examples WHERE pattern_id = ?", (pattern_id,))
    conn.executemany(
        "INSERT INTO pattern_examples (pattern_id, file_path, start_line, end_line, code, "
        "quality, is_positive) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((pattern_id, f, s, e, code, q, int(pos)) for f, s, e, code, q, pos in examples),
    )


def start_scan(conn: apsw.Connection, kind: str) -> int:
    conn.execute("INSERT INTO scan_history (kind) VALUES (?)", (kind,))
    return conn.last_insert_rowid()


def finish_scan(
    conn: apsw.Connection, scan_id: int, status: str, counts: dict[str, Any], error: str | None
) -> None:
    conn.execute(
        "UPDATE scan_history SET status = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', "
        "'now'), duration_ms = ?, files_total = ?, files_scanned = ?, files_skipped = ?, "
        "files_failed = ?, files_deleted = ?, patterns_total = ?, patterns_new = ?, "
        "error = ?, timings = ? WHERE id = ?",
        (
            status,
            counts.get("duration_ms", 0.0),
            counts.get("files_total", 0),
            counts.get("files_scanned", 0),
            counts.get("files_skipped", 0),
            counts.get("files_failed", 0),
            counts.get("files_deleted", 0),
            counts.get("patterns_total", 0),
            counts.get("patterns_new", 0),
            error,
            json.dumps(counts.get("timings", {})),
            scan_id,
        ),
    )
    if status == "completed":
        conn.execute(
            "UPDATE materialized_status SET last_scan_id = ?, last_scan_at = "
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1",
            (scan_id,),
        )
        conn.execute(
            "INSERT INTO health_trends (scan_id, health_score, total_patterns, approved, "
            "total_locations, total_outliers) SELECT ?, health_score, total_patterns, approved, "
            "total_locations, total_outliers FROM materialized_status WHERE id = 1",
            (scan_id,),
        )


def last_scan(conn: apsw.Connection) -> dict[str, Any] | None:
    cursor = conn.execute("SELECT * FROM scan_history ORDER BY id DESC LIMIT 1")
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.getdescription()], row, strict=True))


def abandon_running_scans(conn: apsw.Connection) -> bool:
    """Mark scans that never finished (their process died) as failed; True if there were any:
    their stored files may hold observations that nothing has learnt from yet."""
    conn.execute(
        "UPDATE scan_history SET status = 'failed', error = 'interrupted before it finished' "
        "WHERE status = 'running'"
    )
    return conn.changes() > 0

"""The scan write path: observations per file, slot counts for learning, locations, examples,
and scan history. Every function runs on the writer connection unless it says otherwise."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import apsw

# (detector_id, context, value, line, column, end_line, end_column, symbol)
ObservationTuple = tuple[str, str, str, int, int, int, int, str]
Slot = tuple[str, str]


def slots_of(conn: apsw.Connection, path: str) -> set[Slot]:
    return set(
        conn.execute(
            "SELECT DISTINCT detector_id, context FROM observations WHERE file_path = ?", (path,)
        )
    )


def replace_observations(
    conn: apsw.Connection, path: str, observations: Sequence[ObservationTuple]
) -> set[Slot]:
    """Swap a file's observations; returns every slot the old or new set touches."""
    touched = slots_of(conn, path)
    conn.execute("DELETE FROM observations WHERE file_path = ?", (path,))
    if observations:
        conn.executemany(
            "INSERT INTO observations (file_path, detector_id, context, value, line, column, "
            "end_line, end_column, symbol) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((path, *o) for o in observations),
        )
        touched.update((o[0], o[1]) for o in observations)
    return touched


def all_slots(conn: apsw.Connection) -> set[Slot]:
    return set(conn.execute("SELECT DISTINCT detector_id, context FROM observations"))


def slot_rows(conn: apsw.Connection, slot: Slot) -> list[tuple[str, str, int, int]]:
    """(value, file, occurrences, file mtime_ns) for one slot: what learning counts."""
    return conn.execute(
        "SELECT o.value, o.file_path, count(*), f.mtime_ns FROM observations o "
        "JOIN files f ON f.path = o.file_path WHERE o.detector_id = ? AND o.context = ? "
        "GROUP BY o.value, o.file_path",
        slot,
    ).fetchall()


def rebuild_locations(
    conn: apsw.Connection,
    pattern_id: str,
    slot: Slot,
    value: str,
    files: Iterable[str] | None = None,
) -> tuple[int, int]:
    """Re-derive a pattern's locations from observations (all of them, or for `files` only);
    returns the pattern's (location_count, outlier_count) afterwards."""
    select = (
        "INSERT INTO pattern_locations (pattern_id, file_path, line, column, end_line, "
        "end_column, value, is_outlier, outlier_reason) "
        "SELECT ?1, file_path, line, column, end_line, end_column, value, value != ?4, "
        "CASE WHEN value != ?4 THEN 'expected ' || ?4 || ', found ' || value END "
        "FROM observations WHERE detector_id = ?2 AND context = ?3"
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
    total, outliers = conn.execute(
        "SELECT count(*), coalesce(sum(is_outlier), 0) FROM pattern_locations WHERE pattern_id = ?",
        (pattern_id,),
    ).fetchone()
    return total, outliers


def example_candidates(
    conn: apsw.Connection, pattern_id: str, *, outliers: bool, limit: int
) -> list[tuple[str, int, int]]:
    """(file, line, end_line) of locations spread over as many files as possible."""
    return conn.execute(
        "SELECT file_path, line, end_line FROM ("
        " SELECT file_path, line, end_line, "
        " row_number() OVER (PARTITION BY file_path ORDER BY id) AS nth "
        " FROM pattern_locations WHERE pattern_id = ? AND is_outlier = ?) "
        "ORDER BY nth, file_path LIMIT ?",
        (pattern_id, int(outliers), limit),
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

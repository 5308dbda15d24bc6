"""Writing mapped v1 patterns into drift.db (on the writer connection, in its transaction),
and carrying v1 decisions over to the conventions this Drift learned itself."""

from __future__ import annotations

from typing import Any

import apsw

from storage.repositories import patterns as pattern_repo
from storage.transfer.patterns import decide
from storage.transfer.rows import insert_row

# v1 detectors whose conventions this Drift also learns: v1 detector id -> (our detector,
# prefix of v1's pattern id before the convention's name, e.g. "file-naming-kebab-case").
CONVENTIONS = {"structural/file-naming": ("naming/file", "file-naming-")}


def write_patterns(conn: apsw.Connection, mapped: list[dict[str, Any]]) -> int:
    """Insert each mapped pattern; one already imported is replaced, so a re-run after an
    interruption gives the same rows.

    Only the locations in files the workspace has now are kept (a location elsewhere points
    nowhere, and `drift doctor` would rightly report it), and the counts are theirs.
    """
    known = {r[0] for r in conn.execute("SELECT path FROM files")}
    for item in mapped:
        locations = [x for x in item["locations"] if x["file_path"] in known]
        row = {
            **item["pattern"],
            "location_count": len(locations),
            "outlier_count": sum(x["is_outlier"] for x in locations),
        }
        conn.execute("DELETE FROM patterns WHERE id = ?", (row["id"],))
        insert_row(conn, "patterns", row)
        for location in locations:
            insert_row(conn, "pattern_locations", {"pattern_id": row["id"], **location})
        insert_row(conn, "pattern_history", {"pattern_id": row["id"], **item["history"]})
        if item["decision"] is not None:
            decide(conn, item["decision"])
    return len(mapped)


def carried_decision(data: dict[str, Any]) -> tuple[str, str] | None:
    """(our detector, convention) a v1 pattern's decision applies to, if this Drift learns it."""
    config = (data.get("detector") or {}).get("config") or {}
    v1_detector = data.get("detectorId") or config.get("detectorId")
    v1_pattern = str(config.get("patternId") or "")
    if v1_detector not in CONVENTIONS:
        return None
    detector, prefix = CONVENTIONS[v1_detector]
    if not v1_pattern.startswith(prefix):
        return None
    return detector, v1_pattern.removeprefix(prefix)


def carry_decisions(conn: apsw.Connection, decisions: list[tuple[str, str, str]]) -> int:
    """Apply (detector, convention, approved|ignored) to every learned pattern of that
    convention, in any language or scope; returns how many patterns changed."""
    changed = 0
    for detector, convention, status in decisions:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM patterns WHERE detector_id = ? AND source = 'learned' "
                "AND substr(convention_key, 1, length(?) + 1) = ? || '/'",
                (detector, convention, convention),
            )
        ]
        changed += pattern_repo.set_status(conn, ids, status, actor="drift upgrade (v1)")
    return changed

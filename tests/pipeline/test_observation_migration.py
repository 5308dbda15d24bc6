"""Migration 0003 (observations grouped per value, only deviations stored as locations) keeps
a scanned database's data both ways."""

from __future__ import annotations

from pathlib import Path

import apsw

from drift_lsp.workspace import Workspace, db_path
from storage.migrate import migrate

GROUPED = 3


def _snapshot(conn: apsw.Connection) -> tuple[list, list]:
    groups = conn.execute(
        "SELECT file_path, detector_id, context, value, occurrences, ranges "
        "FROM observation_groups ORDER BY 1, 2, 3, 4"
    ).fetchall()
    outliers = conn.execute(
        "SELECT pattern_id, file_path, line, column, end_line, end_column, value, "
        "outlier_reason FROM pattern_locations WHERE is_outlier ORDER BY 1, 2, 3, 4"
    ).fetchall()
    return groups, outliers


def test_grouped_observations_go_down_to_rows_and_back(py_repo: Path) -> None:
    with Workspace.open(py_repo) as workspace:
        workspace.scan()
    conn = apsw.Connection(str(db_path(py_repo)))
    conn.execute("PRAGMA foreign_keys = ON")
    before = _snapshot(conn)
    observed, locations = conn.execute(
        "SELECT (SELECT sum(occurrences) FROM observation_groups), "
        "(SELECT sum(location_count) FROM patterns)"
    ).fetchone()
    assert before[0] and before[1], "the fixture repo has observations and deviations"
    assert (
        conn.execute("SELECT count(*) FROM pattern_locations WHERE NOT is_outlier").fetchone()[0]
        == 0
    ), "conforming locations are derived, not stored"

    migrate(conn, "drift", GROUPED - 1)
    assert conn.execute("SELECT count(*) FROM observations").fetchone()[0] == observed
    # The old layout stores every location of every pattern again.
    assert conn.execute("SELECT count(*) FROM pattern_locations").fetchone()[0] == locations

    migrate(conn, "drift", GROUPED)
    assert _snapshot(conn) == before
    conn.close()

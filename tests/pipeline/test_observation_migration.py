"""Migrations keep a scanned database's data both ways: 0003 (observations grouped per
value, only deviations stored as locations) and 0005 (slots scoped by language and role)."""

from __future__ import annotations

from pathlib import Path

import apsw

from drift_lsp.workspace import Workspace, db_path
from storage.migrate import migrate

GROUPED = 3
SCOPED = 5


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
    migrate(conn, "drift", SCOPED - 1)
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


def test_scoped_slots_go_down_to_workspace_slots_and_back(py_repo: Path) -> None:
    with Workspace.open(py_repo) as workspace:
        workspace.scan()
    conn = apsw.Connection(str(db_path(py_repo)))
    conn.execute("PRAGMA foreign_keys = ON")
    scoped_contexts = {c for (c,) in conn.execute("SELECT context FROM observation_groups")}
    assert scoped_contexts and all(c.endswith("@python") for c in scoped_contexts)
    patterns = conn.execute("SELECT count(*) FROM patterns").fetchone()[0]

    migrate(conn, "drift", SCOPED - 1)
    contexts = {c for (c,) in conn.execute("SELECT context FROM observation_groups")}
    assert contexts == {c.partition("@")[0] for c in scoped_contexts}
    assert conn.execute("SELECT count(*) FROM patterns WHERE pattern_id LIKE '%@%'").fetchone() == (
        0,
    )
    assert conn.execute("SELECT count(*) FROM patterns").fetchone()[0] == patterns
    assert conn.execute("SELECT count(*) FROM files WHERE content_hash != ''").fetchone() == (0,)

    migrate(conn, "drift", SCOPED)
    conn.close()
    with Workspace.open(py_repo) as workspace:
        summary = workspace.scan()
        assert summary.files_scanned == summary.files_total, "every file is analysed again"
    conn = apsw.Connection(str(db_path(py_repo)))
    again = {c for (c,) in conn.execute("SELECT context FROM observation_groups")}
    assert again == scoped_contexts
    conn.close()

"""drift.db tables that travel whole, row for row, keyed by their own text id: quality-gate
runs, health snapshots and constraints."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apsw

from storage.transfer.document import columns
from storage.transfer.rows import insert_row, select_rows

# Document section -> (table, schema definition).
SECTIONS = {
    "gate_runs": ("gate_runs", "gate_run"),
    "gate_snapshots": ("gate_snapshots", "gate_snapshot"),
    "constraints": ("constraints", "constraint"),
}


def iter_rows(conn: apsw.Connection, section: str) -> Iterator[dict[str, Any]]:
    table, definition = SECTIONS[section]
    names = columns(definition)
    yield from select_rows(conn, f"SELECT {', '.join(names)} FROM {table} ORDER BY id", names)


def apply_tables(conn: apsw.Connection, document: dict[str, Any], *, replace: bool) -> None:
    """replace: each table is emptied first; merge: a row with the same id is replaced."""
    for section, (table, _definition) in SECTIONS.items():
        if replace:
            conn.execute(f"DELETE FROM {table}")
        for row in document[section]:
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (row["id"],))
            insert_row(conn, table, row)

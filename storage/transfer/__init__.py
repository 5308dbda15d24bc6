"""`drift export` / `drift import`: a workspace's patterns (and optionally its team memory)
as one versioned JSON document, and back.

`document` owns the format (schema.json, the streaming writer, validation); `patterns` and
`memories` move rows of drift.db and cortex.db. Export reads each database in one read
transaction; import validates the whole document before it writes anything, backs the
database up (pre_destructive_operation), then writes it in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TextIO

import apsw

from storage.cortex.time import utc_now
from storage.database import DatabaseManager
from storage.migrate import current_version
from storage.transfer.document import (
    FORMAT,
    FORMAT_VERSION,
    TransferError,
    read_document,
    write_document,
)
from storage.transfer.memories import apply_memories, iter_memories, iter_relationships
from storage.transfer.patterns import apply_patterns, iter_orphan_decisions, iter_patterns
from storage.transfer.tables import SECTIONS, apply_tables, iter_rows

__all__ = ["ImportSummary", "TransferError", "export", "import_memories", "import_patterns",
           "read_document"]  # fmt: skip


def export(
    out: TextIO,
    drift: DatabaseManager,
    *,
    app_version: str,
    memories: bool = False,
    cortex: DatabaseManager | None = None,
) -> None:
    """Stream the export document to `out`; with `memories`, cortex.db's too (none when the
    workspace has no cortex.db, `cortex` None)."""

    def from_drift(conn: apsw.Connection) -> None:
        header = {
            "format": FORMAT,
            "schema_version": FORMAT_VERSION,
            "drift_version": app_version,
            "database_schema_version": current_version(conn),
            "created_at": utc_now(),
        }
        sections: dict[str, Any] = {
            "patterns": iter_patterns(conn),
            "decisions": iter_orphan_decisions(conn),
            **{section: iter_rows(conn, section) for section in SECTIONS},
        }
        if not memories or cortex is None:
            empty = {"memories": [], "relationships": []} if memories else {}
            write_document(out, header, {**sections, **empty})
            return

        def from_cortex(memory_conn: apsw.Connection) -> None:
            write_document(
                out,
                header,
                {
                    **sections,
                    "memories": iter_memories(memory_conn),
                    "relationships": iter_relationships(memory_conn),
                },
            )

        cortex.read("export.memories", from_cortex)

    drift.read("export", from_drift)


@dataclass(frozen=True)
class ImportSummary:
    count: int
    backup_id: int | None


def _apply(db: DatabaseManager, work: Any, *, backup_first: bool) -> ImportSummary:
    backup = db.backup("pre_destructive_operation") if backup_first else None
    count = db.write(work, tables=None)
    return ImportSummary(count, None if backup is None else backup.id)


def import_patterns(
    db: DatabaseManager, document: dict[str, Any], *, replace: bool, backup_first: bool
) -> ImportSummary:
    """Write a validated document's patterns, decisions, gate runs, snapshots and
    constraints into drift.db; the count is of patterns."""

    def work(conn: apsw.Connection) -> int:
        apply_tables(conn, document, replace=replace)
        return apply_patterns(conn, document, replace=replace)

    return _apply(db, work, backup_first=backup_first)


def import_memories(
    db: DatabaseManager, document: dict[str, Any], *, replace: bool, backup_first: bool
) -> ImportSummary:
    """Write a validated document's memories and relationships into cortex.db."""
    return _apply(
        db, lambda c: apply_memories(c, document, replace=replace), backup_first=backup_first
    )

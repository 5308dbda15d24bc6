"""Maintenance that happens by itself: the `version_upgrade` and `scheduled` backups, and
compaction (VACUUM) once retention has left much of the file free.

Each function is best-effort for its caller: a backup that can't be taken is reported by the
caller as a warning, never a reason to refuse the scan or the start that asked for it.
"""

from __future__ import annotations

import apsw

from storage.backup import BackupInfo
from storage.database import DatabaseManager

# Share of the file's pages on the free list above which compaction is worth a rewrite.
VACUUM_FREE_SHARE = 0.25


def last_writer_version(conn: apsw.Connection) -> str | None:
    row = conn.execute("SELECT drift_version FROM project WHERE id = 1").fetchone()
    return row[0] if row else None


def note_version(db: DatabaseManager, *, name: str, root: str) -> BackupInfo | None:
    """Back up (version_upgrade) a database another Drift version wrote last, then record
    this one (`db.app_version`) as its last writer. A new database is only recorded."""
    last = db.read("last_writer", last_writer_version)
    if last == db.app_version:
        return None
    taken = db.backup("version_upgrade") if last is not None else None
    db.write(
        lambda c: c.execute(
            "INSERT INTO project (id, name, root, drift_version) VALUES (1, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, root = excluded.root, "
            "drift_version = excluded.drift_version, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            (name, root, db.app_version),
        ),
        tables=("project",),
    )
    return taken


def scheduled_backup(db: DatabaseManager, every_hours: float) -> BackupInfo | None:
    """A `scheduled` backup unless one was taken in the last `every_hours` (0: never) or the
    database holds no completed scan yet (nothing worth keeping)."""
    if every_hours <= 0:
        return None

    def due(conn: apsw.Connection) -> bool:
        scanned = conn.execute(
            "SELECT 1 FROM scan_history WHERE status = 'completed' LIMIT 1"
        ).fetchone()
        recent = conn.execute(
            "SELECT 1 FROM backup_history WHERE database = ? AND reason = 'scheduled' "
            "AND created_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) LIMIT 1",
            (db.database, f"-{float(every_hours)} hours"),
        ).fetchone()
        return scanned is not None and recent is None

    return db.backup("scheduled") if db.read("backup_due", due) else None


def free_share(conn: apsw.Connection) -> float:
    """Share of the file's pages that hold nothing (freed by deletes, reused before growth)."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    return free / pages if pages else 0.0

"""Backups as a repository: keyset listing, verification, and restore by path.

Restore works on paths, not on a DatabaseManager, because the live manager must be closed
around the swap (see `Workspace.restore`).
"""

from __future__ import annotations

from pathlib import Path

import apsw

from storage import backup as backup_store
from storage.backup import BackupInfo
from storage.errors import DatabaseLockedError, StorageError

_COLUMNS = (
    "id, created_at, reason, database, path, size_bytes, sha256, schema_version, drift_version"
)
_RESTORE_BUSY_MS = 2000


class BackupError(StorageError, ValueError):
    """A backup that cannot be used (unknown id, missing, damaged); nothing was changed.

    Also a ValueError, so callers written against `storage.backup.restore` keep working."""


def page(
    conn: apsw.Connection, database: str = "drift", *, after: int | None = None, limit: int = 100
) -> list[BackupInfo]:
    """Newest first; pass the last id seen as `after` for the next page."""
    return [
        BackupInfo(*row)
        for row in conn.execute(
            f"SELECT {_COLUMNS} FROM backup_history WHERE database = ? "
            "AND (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
            (database, after, after, limit),
        )
    ]


def find(conn: apsw.Connection, backup_id: int, database: str = "drift") -> BackupInfo | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM backup_history WHERE id = ? AND database = ?",
        (backup_id, database),
    ).fetchone()
    return BackupInfo(*row) if row else None


def verify_backup(conn: apsw.Connection, backup_id: int, database: str = "drift") -> BackupInfo:
    """The recorded backup, after checking its SHA-256 and `integrity_check`."""
    info = find(conn, backup_id, database)
    if info is None:
        raise BackupError(f"no {database} backup with id {backup_id}; see `drift backups`")
    try:
        backup_store.verify(Path(info.path), info.sha256)
    except ValueError as exc:
        raise BackupError(f"{exc}; nothing was changed") from exc
    return info


def _open_existing(db_path: Path) -> apsw.Connection:
    if not db_path.is_file():
        raise StorageError(f"{db_path} does not exist; nothing to restore into")
    conn = apsw.Connection(str(db_path), flags=apsw.SQLITE_OPEN_READWRITE)
    conn.set_busy_timeout(_RESTORE_BUSY_MS)
    return conn


def _fold_wal(conn: apsw.Connection, db_path: Path) -> None:
    """Move every WAL frame into the main file and drop the WAL, or refuse if anyone else
    has the database open: deleting a WAL another connection still uses loses its commits."""
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchall()[0][0]
    except (apsw.BusyError, apsw.LockedError) as exc:
        raise DatabaseLockedError(db_path, _RESTORE_BUSY_MS) from exc
    if mode != "delete":
        raise DatabaseLockedError(db_path, _RESTORE_BUSY_MS)


def restore_backup(
    db_path: Path, backup_id: int, *, database: str = "drift", keep: int = backup_store.DEFAULT_KEEP
) -> BackupInfo:
    """Replace the database at `db_path` with verified backup `backup_id`.

    Refuses (BackupError, nothing changed) a backup whose checksum or integrity_check fails.
    Otherwise the current database is backed up first (reason pre_destructive_operation) and
    the verified copy swapped in with os.replace. Returns that safety backup. Nothing else
    may have the database open (DatabaseLockedError otherwise).
    """
    db_path = Path(db_path)
    conn = _open_existing(db_path)
    try:
        try:
            verify_backup(conn, backup_id, database)
        except apsw.Error as exc:
            raise StorageError(f"cannot read backup history from {db_path}: {exc}") from exc
        _fold_wal(conn, db_path)
    finally:
        conn.close()
    try:
        return backup_store.restore(db_path, backup_id, database, keep)
    except ValueError as exc:
        raise BackupError(f"{exc}; nothing was changed") from exc

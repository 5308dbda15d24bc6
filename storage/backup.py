"""Online backups into `.drift/backups/`, with checksum, history and retention."""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import asdict, astuple, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import apsw

from drift_lsp import __version__ as _drift_version

BACKUP_REASONS = (
    "version_upgrade",
    "schema_migration",
    "user_requested",
    "pre_destructive_operation",
    "scheduled",
    "auto_save",
)
DEFAULT_KEEP = 10


@dataclass(frozen=True)
class BackupInfo:
    id: int | None
    created_at: str
    reason: str
    database: str
    path: str
    size_bytes: int
    sha256: str
    schema_version: int
    drift_version: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_database(source: apsw.Connection, destination: Path) -> None:
    """Copy a live database with SQLite's online backup API.

    One step copies every page under a single read transaction, so the copy is a consistent
    snapshot even while the writer thread keeps committing (WAL readers don't block it).
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_suffix(destination.suffix + ".partial")
    partial.unlink(missing_ok=True)
    target = apsw.Connection(str(partial))
    try:
        with target.backup("main", source, "main") as backup:
            backup.step(-1)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
    os.replace(partial, destination)


def snapshot(
    source: apsw.Connection, db_path: Path, reason: str, database: str = "drift"
) -> BackupInfo:
    """Write a verified copy of `source` next to `db_path`; the caller records it in history."""
    if reason not in BACKUP_REASONS:
        raise ValueError(
            f"unknown backup reason {reason!r}; use one of {', '.join(BACKUP_REASONS)}"
        )
    now = datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    destination = db_path.parent / "backups" / f"{database}-{stamp}-{reason}.db"
    copy_database(source, destination)
    schema_version = int(source.execute("PRAGMA user_version").fetchall()[0][0])
    return BackupInfo(
        id=None,
        created_at=now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        reason=reason,
        database=database,
        path=str(destination),
        size_bytes=destination.stat().st_size,
        sha256=sha256_of(destination),
        schema_version=schema_version,
        drift_version=_drift_version,
    )


def _insert_history(conn: apsw.Connection, info: BackupInfo) -> None:
    """One history row; an id of None lets SQLite assign the next one."""
    values = astuple(info)
    columns = ", ".join(f.name for f in fields(BackupInfo))
    conn.execute(
        f"INSERT INTO backup_history ({columns}) VALUES ({', '.join('?' * len(values))})",
        values,
    )


def record(conn: apsw.Connection, info: BackupInfo, keep: int = DEFAULT_KEEP) -> BackupInfo:
    """Insert the history row and apply retention; runs on the writer connection."""
    _insert_history(conn, info)
    recorded = BackupInfo(**{**asdict(info), "id": conn.last_insert_rowid()})
    expired = conn.execute(
        "SELECT id, path FROM backup_history WHERE database = ? ORDER BY id DESC LIMIT -1 OFFSET ?",
        (info.database, keep),
    ).fetchall()
    for backup_id, path in expired:
        with contextlib.suppress(FileNotFoundError):
            Path(path).unlink()
        conn.execute("DELETE FROM backup_history WHERE id = ?", (backup_id,))
    return recorded


def list_backups(conn: apsw.Connection, database: str = "drift") -> list[BackupInfo]:
    rows = conn.execute(
        "SELECT id, created_at, reason, database, path, size_bytes, sha256, schema_version, "
        "drift_version FROM backup_history WHERE database = ? ORDER BY id DESC",
        (database,),
    ).fetchall()
    return [BackupInfo(*row) for row in rows]


def verify(path: Path, sha256: str) -> None:
    """Raise ValueError unless the file matches its checksum and passes integrity_check."""
    if not path.is_file():
        raise ValueError(f"backup file {path} is missing")
    actual = sha256_of(path)
    if actual != sha256:
        raise ValueError(f"backup {path} is damaged: SHA-256 {actual} != recorded {sha256}")
    conn = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
    except apsw.Error as exc:
        raise ValueError(f"backup {path} is not a readable database: {exc}") from exc
    finally:
        conn.close()
    if result != [("ok",)]:
        raise ValueError(f"backup {path} fails integrity_check: {result[:3]}")


def restore(
    db_path: Path, backup_id: int, database: str = "drift", keep: int = DEFAULT_KEEP
) -> BackupInfo:
    """Swap a verified backup in for the database at `db_path`; nothing may have it open.

    The current database is backed up first (reason pre_destructive_operation) and its
    history carried into the restored file, so no backup is forgotten by restoring.
    Returns the safety backup. Raises ValueError (and changes nothing) on a bad backup.
    """
    current = apsw.Connection(str(db_path))
    try:
        chosen = next((b for b in list_backups(current, database) if b.id == backup_id), None)
        if chosen is None:
            raise ValueError(f"no backup with id {backup_id}; see `drift backups`")
        verify(Path(chosen.path), chosen.sha256)
        # Stage the copy first: retention after the safety backup may delete the chosen file.
        staged = db_path.with_suffix(".restoring")
        source = apsw.Connection(chosen.path, flags=apsw.SQLITE_OPEN_READONLY)
        try:
            copy_database(source, staged)
        finally:
            source.close()
        safety = snapshot(current, db_path, "pre_destructive_operation", database)
        with current:
            safety = record(current, safety, keep)
        history = list_backups(current, database)
    finally:
        current.close()
    restored = apsw.Connection(str(staged))
    try:
        with restored:
            restored.execute("DELETE FROM backup_history WHERE database = ?", (database,))
            for info in reversed(history):
                _insert_history(restored, info)
    finally:
        restored.close()
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(staged, db_path)
    return safety

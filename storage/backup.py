"""Online backups into `.drift/backups/`, and the one restore path the CLI and server share.

Each backup `drift-<time>-<reason>.db` has a manifest `drift-<time>-<reason>.json` beside
it, so backups can be listed, verified and restored when the database that also records
them in `backup_history` is the thing that broke. Backups are found by file name inside the
database's own backups folder: a path stored in a history row or a manifest is never
followed, so a crafted or copied drift.db cannot make retention delete, or restore read,
anything else.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import asdict, astuple, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Any

import apsw

from storage.errors import (
    DatabaseCorruptError,
    DatabaseLockedError,
    DiskFullError,
    StorageError,
)
from storage.paths import backups_dir, check_private_dir

log = logging.getLogger(__name__)

BACKUP_REASONS = (
    "version_upgrade",
    "schema_migration",
    "user_requested",
    "pre_destructive_operation",
    "scheduled",
    "auto_save",
)
DEFAULT_KEEP = 10
# Only files Drift named itself are ever deleted by retention or read by restore.
_NAME = re.compile(r"^(?P<database>[a-z]+)-\d{8}T\d{6}\d{6}Z-(?P<reason>[a-z_]+)\.(db|json)$")
_RESTORE_BUSY_MS = 2000


class BackupError(StorageError, ValueError):
    """A backup that cannot be used (unknown id, missing, damaged); nothing was changed."""


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

    @property
    def name(self) -> str:
        return PurePath(self.path).name


@dataclass(frozen=True)
class RestoreResult:
    restored: BackupInfo
    # The backup of the database that was replaced, when it was healthy enough to copy.
    safety: BackupInfo | None
    # Where a damaged database was moved instead, so its bytes are never lost.
    set_aside: Path | None

    def describe(self) -> str:
        if self.safety is not None:
            return f"the replaced database is backup {self.safety.id}"
        if self.set_aside is not None:
            return f"the damaged database was kept as {self.set_aside}"
        return "there was no database to keep"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def written_atomically(destination: Path) -> Iterator[Path]:
    """Yield a temporary path to write; it becomes `destination` only if the block succeeds,
    and is removed otherwise, so a full disk or a crash never leaves a half file behind."""
    # A hidden name (and so a hidden journal) until it is complete: whoever lists the folder
    # meanwhile sees the finished files only, never one in progress as an extra file.
    partial = destination.with_name(f".{destination.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        yield partial
        os.replace(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def copy_database(source: apsw.Connection, destination: Path) -> None:
    """Copy a live database with SQLite's online backup API.

    One step copies every page under a single read transaction, so the copy is a consistent
    snapshot even while the writer thread keeps committing (WAL readers don't block it).
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        with written_atomically(destination) as partial:
            target = apsw.Connection(str(partial))
            try:
                with target.backup("main", source, "main") as backup:
                    backup.step(-1)
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
    except apsw.FullError as exc:
        raise DiskFullError(destination) from exc
    except OSError as exc:
        raise StorageError(
            f"cannot write {destination}: {exc.strerror or exc}; free some space or fix the "
            f"folder's permissions and retry"
        ) from exc


def _quick_check(conn: apsw.Connection) -> list[str]:
    """Problems `PRAGMA quick_check` finds; a file that is no database at all is one."""
    try:
        result = [row[0] for row in conn.execute("PRAGMA quick_check")]
    except apsw.Error as exc:
        return [str(exc)]
    return [] if result == ["ok"] else result[:3]


def snapshot(
    source: apsw.Connection,
    db_path: Path,
    reason: str,
    database: str = "drift",
    *,
    app_version: str,
) -> BackupInfo:
    """Write a verified copy of `source` next to `db_path`; `record` gives it an id.

    Refuses (DatabaseCorruptError) a database failing `quick_check`: a backup of damage
    would push a good backup out of retention.
    """
    if reason not in BACKUP_REASONS:
        raise ValueError(
            f"unknown backup reason {reason!r}; use one of {', '.join(BACKUP_REASONS)}"
        )
    problems = _quick_check(source)
    if problems:
        raise DatabaseCorruptError(db_path, f"quick_check: {'; '.join(problems)}; not backed up")
    folder = backups_dir(db_path)
    check_private_dir(folder.parent)
    check_private_dir(folder)
    now = datetime.now(UTC)
    destination = folder / f"{database}-{now:%Y%m%dT%H%M%S%f}Z-{reason}.db"
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
        drift_version=app_version,
    )


# ---- the manifests and the history table ---------------------------------------------------


def _own_file(folder: Path, name: str, database: str) -> Path | None:
    """`folder/name` if Drift named it for `database` and it is a regular file there: never a
    link, a folder or a FIFO, and never anywhere else whatever a stored path says."""
    match = _NAME.match(name)
    if match is None or match["database"] != database:
        return None
    candidate = folder / name
    try:
        mode = os.lstat(candidate).st_mode
    except OSError:
        return None
    return candidate if stat.S_ISREG(mode) else None


def _manifest_of(backup: str) -> str:
    return PurePath(backup).with_suffix(".json").name


def _read_manifest(path: Path) -> BackupInfo | None:
    try:
        data = json.loads(path.read_bytes()[:65536])
        info = BackupInfo(**{f.name: data[f.name] for f in fields(BackupInfo)})
    except (OSError, ValueError, TypeError, KeyError) as exc:
        log.warning("ignoring unreadable backup manifest %s: %s", path, exc)
        return None
    return info if isinstance(info.id, int) and isinstance(info.sha256, str) else None


def _manifests(folder: Path, database: str) -> list[BackupInfo]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    found = []
    for name in names:
        if name.endswith(".json") and (path := _own_file(folder, name, database)) is not None:
            info = _read_manifest(path)
            if info is not None and info.database == database:
                found.append(info)
    return found


def _write_manifest(folder: Path, info: BackupInfo) -> None:
    with written_atomically(folder / _manifest_of(info.name)) as partial:
        partial.write_text(json.dumps(info.to_json(), indent=2), "utf-8")


def _history_rows(conn: apsw.Connection, database: str) -> list[BackupInfo]:
    columns = ", ".join(f.name for f in fields(BackupInfo))
    rows = conn.execute(
        f"SELECT {columns} FROM backup_history WHERE database = ? ORDER BY id DESC", (database,)
    ).fetchall()
    return [BackupInfo(*row) for row in rows]


def _merged(*sources: list[BackupInfo]) -> list[BackupInfo]:
    """Newest first, one entry per id (the first source that has it wins)."""
    by_id: dict[int, BackupInfo] = {}
    for source in sources:
        for info in source:
            if info.id is not None:
                by_id.setdefault(info.id, info)
    return [by_id[key] for key in sorted(by_id, reverse=True)]


def _insert_history(conn: apsw.Connection, info: BackupInfo) -> None:
    values = astuple(info)
    columns = ", ".join(f.name for f in fields(BackupInfo))
    conn.execute(
        f"INSERT INTO backup_history ({columns}) VALUES ({', '.join('?' * len(values))})",
        values,
    )


def record(
    conn: apsw.Connection, db_path: Path, info: BackupInfo, keep: int = DEFAULT_KEEP
) -> BackupInfo:
    """Give a snapshot its id, record it in history and in its manifest, apply retention.

    Runs on the writer connection. Ids continue past both the history and the manifests,
    so a backup taken after a restore never reuses the id of one that still exists.
    """
    folder = backups_dir(db_path)
    on_disk = _manifests(folder, info.database)
    (last_row,) = conn.execute("SELECT coalesce(max(id), 0) FROM backup_history").fetchone()
    recorded = replace(info, id=max([last_row, *(b.id or 0 for b in on_disk)]) + 1)
    _insert_history(conn, recorded)
    _write_manifest(folder, recorded)
    for expired in _merged([recorded], on_disk, _history_rows(conn, info.database))[keep:]:
        conn.execute("DELETE FROM backup_history WHERE id = ?", (expired.id,))
        for name in (expired.name, _manifest_of(expired.name)):
            if (path := _own_file(folder, name, info.database)) is not None:
                path.unlink()
    return recorded


def _history_of(db_path: Path, database: str) -> list[BackupInfo]:
    """The history table if the database can be read at all; [] when it is damaged."""
    if not db_path.is_file():
        return []
    try:
        conn = apsw.Connection(
            str(db_path), flags=apsw.SQLITE_OPEN_READONLY | apsw.SQLITE_OPEN_NOFOLLOW
        )
    except apsw.Error:
        return []
    try:
        conn.set_busy_timeout(_RESTORE_BUSY_MS)
        return _history_rows(conn, database)
    except apsw.Error:
        return []
    finally:
        conn.close()


def list_backups(db_path: Path, database: str = "drift") -> list[BackupInfo]:
    """Every backup of the database at `db_path`, newest first, without needing it to open:
    the manifests, plus history rows of backups made before manifests existed."""
    check_private_dir(Path(db_path).parent)
    check_private_dir(backups_dir(db_path))
    return _merged(_manifests(backups_dir(db_path), database), _history_of(db_path, database))


def verify(path: Path, sha256: str) -> None:
    """Raise BackupError unless the file matches its checksum and passes integrity_check."""
    if not path.is_file():
        raise BackupError(f"backup file {path} is missing")
    actual = sha256_of(path)
    if actual != sha256:
        raise BackupError(f"backup {path} is damaged: SHA-256 {actual} != recorded {sha256}")
    try:
        conn = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except apsw.Error as exc:
        raise BackupError(f"backup {path} is not a readable database: {exc}") from exc
    if result != [("ok",)]:
        raise BackupError(f"backup {path} fails integrity_check: {result[:3]}")


# ---- restore -------------------------------------------------------------------------------


def _open_current(db_path: Path) -> apsw.Connection | None:
    """The database being replaced, or None when there is nothing in it to keep."""
    try:
        if db_path.stat().st_size == 0:
            return None
    except FileNotFoundError:
        return None
    conn = apsw.Connection(
        str(db_path), flags=apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_NOFOLLOW
    )
    conn.set_busy_timeout(_RESTORE_BUSY_MS)
    return conn


def _take_exclusive(conn: apsw.Connection, db_path: Path) -> bool:
    """Fold the WAL into the file and hold an exclusive lock until the swap, or refuse if
    another process has the database open: replacing a file another connection still
    writes through loses its commits. False when the file is too damaged to lock."""
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchall()[0][0]
        if mode != "delete":
            raise DatabaseLockedError(db_path, _RESTORE_BUSY_MS)
        conn.execute("BEGIN EXCLUSIVE")
    except (apsw.BusyError, apsw.LockedError) as exc:
        raise DatabaseLockedError(db_path, _RESTORE_BUSY_MS) from exc
    except (apsw.CorruptError, apsw.NotADBError):
        return False
    return True


def _set_aside(db_path: Path) -> Path:
    """Move a damaged database (and its WAL) out of the way under a dated name."""
    kept = db_path.with_name(f"{db_path.name}.damaged-{datetime.now(UTC):%Y%m%dT%H%M%S}")
    for suffix in ("-wal", "-shm", ""):
        source = Path(str(db_path) + suffix)
        if source.exists():
            os.replace(source, Path(str(kept) + suffix))
    return kept


def restore(
    db_path: Path,
    backup_id: int,
    *,
    database: str = "drift",
    keep: int = DEFAULT_KEEP,
    app_version: str,
) -> RestoreResult:
    """Replace the database at `db_path` with verified backup `backup_id`.

    The backup must match its recorded SHA-256 and pass `integrity_check` (BackupError,
    nothing changed, otherwise). A healthy current database is backed up first (reason
    pre_destructive_operation) and its backup history carried into the restored file; a
    damaged one is moved aside instead. Refuses with DatabaseLockedError, changing nothing,
    while another process has the database open.
    """
    db_path = Path(db_path)
    folder = backups_dir(db_path)
    chosen = next((b for b in list_backups(db_path, database) if b.id == backup_id), None)
    if chosen is None:
        raise BackupError(f"no {database} backup with id {backup_id}; see `drift backups`")
    source_file = _own_file(folder, chosen.name, database)
    if source_file is None:
        raise BackupError(
            f"backup {backup_id} is not a regular file in {folder}; nothing was changed, pick "
            f"another one from `drift backups`"
        )
    try:
        verify(source_file, chosen.sha256)
    except BackupError as exc:
        raise BackupError(
            f"{exc}; nothing was changed, pick another one from `drift backups`"
        ) from exc
    # Staged before the safety backup, whose retention may delete the chosen file.
    staged = db_path.with_name(db_path.name + ".restoring")
    source = apsw.Connection(str(source_file), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        copy_database(source, staged)
    finally:
        source.close()
    try:
        return _swap_in(db_path, staged, chosen, database, keep, app_version)
    finally:
        staged.unlink(missing_ok=True)


def _swap_in(
    db_path: Path, staged: Path, chosen: BackupInfo, database: str, keep: int, app_version: str
) -> RestoreResult:
    current = _open_current(db_path)
    safety: BackupInfo | None = None
    set_aside: Path | None = None
    try:
        healthy = current is not None and _take_exclusive(current, db_path)
        if current is not None and healthy and not _quick_check(current):
            current.execute("COMMIT")
            info = snapshot(
                current, db_path, "pre_destructive_operation", database, app_version=app_version
            )
            with current:
                safety = record(current, db_path, info, keep)
            _take_exclusive(current, db_path)
        # Read through our own connection: it holds the lock a second one would wait on.
        rows = _history_rows(current, database) if current is not None and safety else []
        history = _merged(_manifests(backups_dir(db_path), database), rows)
        restored = apsw.Connection(str(staged))
        try:
            with restored:
                restored.execute("DELETE FROM backup_history WHERE database = ?", (database,))
                for info in reversed(history):
                    _insert_history(restored, info)
        finally:
            restored.close()
        if current is not None and safety is None:
            current.close()
            current = None
            set_aside = _set_aside(db_path)
        for suffix in ("-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        os.replace(staged, db_path)
    finally:
        if current is not None:
            current.close()
    return RestoreResult(chosen, safety, set_aside)

"""DatabaseManager: one writer thread, a pool of readers, and an LRU over hot reads.

The writer thread owns the only write connection. Producers `submit()` a function of the
connection and get a Future; the thread groups queued items into one transaction per batch,
each item under its own savepoint so a failing item fails only its own future. Readers are
checked out of a pool, one thread at a time. The cache keys every entry on the generation of
the tables it was read from; each commit bumps the generations of the tables it touched, so a
read after a committed write never sees the old value.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import apsw
from cachetools import LRUCache

from storage import backup as backups
from storage.errors import (
    DatabaseCorruptError,
    DatabaseLockedError,
    DiskFullError,
    ReadOnlyDatabaseError,
    SchemaTooNewError,
    StorageError,
    UnsafeDirectoryError,
    WriterClosedError,
)
from storage.migrate import current_version, latest_version, migrate
from storage.paths import check_private_dir
from storage.repositories import telemetry as telemetry_store
from storage.telemetry import Telemetry

log = logging.getLogger(__name__)

T = TypeVar("T")
ConnectionHook = Callable[[apsw.Connection], None]

# Tables named by a write; None means "could be anything" and invalidates every cache entry.
Tables = Iterable[str] | None
_ALL = "*"
_TELEMETRY_MIN_ITEMS = 100
_TELEMETRY_MIN_UPTIME_S = 60.0
_STOP = object()


@dataclass
class _WorkItem:
    work: Callable[[apsw.Connection], Any]
    tables: frozenset[str]
    future: Future[Any] = field(default_factory=Future)


def _translate(exc: apsw.Error, path: Path, busy_timeout_ms: int) -> StorageError | apsw.Error:
    """Map SQLite's errors to the ones a user can act on; others pass through unchanged."""
    if isinstance(exc, apsw.BusyError | apsw.LockedError):
        return DatabaseLockedError(path, busy_timeout_ms)
    if isinstance(exc, apsw.FullError):
        return DiskFullError(path)
    if isinstance(exc, apsw.NotADBError | apsw.CorruptError):
        return DatabaseCorruptError(path, str(exc))
    if isinstance(exc, apsw.ReadOnlyError | apsw.CantOpenError | apsw.PermissionsError):
        return ReadOnlyDatabaseError(path, str(exc))
    return exc


class DatabaseManager:
    """Owns every connection to one SQLite database file."""

    def __init__(
        self,
        path: str | Path,
        *,
        database: str = "drift",
        readers: int = 2,
        cache_size: int = 4096,
        batch_max_items: int = 512,
        batch_window_s: float = 0.002,
        busy_timeout_ms: int = 5000,
        lock_wait_s: float = 600.0,
        backup_keep: int = backups.DEFAULT_KEEP,
        connection_hook: ConnectionHook | None = None,
        auto_migrate: bool = True,
        process_name: str | None = None,
        app_version: str = "unknown",
    ) -> None:
        self.path = Path(path)
        # Recorded in each backup; passed in because storage never imports the application.
        self.app_version = app_version
        self.database = database
        self.busy_timeout_ms = busy_timeout_ms
        self.lock_wait_s = lock_wait_s
        self.backup_keep = backup_keep
        self.telemetry = Telemetry()
        self._hook = connection_hook
        self._batch_max_items = batch_max_items
        self._batch_window_s = batch_window_s
        self._generations: dict[str, int] = {_ALL: 0}
        self._generation_lock = threading.Lock()
        self._cache: LRUCache[Hashable, tuple[tuple[int, ...], Any]] = LRUCache(cache_size)
        self._cache_lock = threading.Lock()
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        self._close_lock = threading.Lock()
        self._process_name = process_name
        self._opened_at = time.monotonic()

        self._check_location()
        self._writer_conn = self._connect(writer=True)
        try:
            self._prepare_schema(auto_migrate)
            self._readers: queue.LifoQueue[apsw.Connection] = queue.LifoQueue()
            self._reader_conns = [self._connect(writer=False) for _ in range(max(1, readers))]
        except BaseException:
            self._writer_conn.close()
            raise
        for conn in self._reader_conns:
            self._readers.put(conn)
        self._thread = threading.Thread(
            target=self._writer_loop, name=f"drift-writer-{database}", daemon=True
        )
        self._thread.start()

    # ---- connections -------------------------------------------------------------------

    def _check_location(self) -> None:
        """Refuse a folder that is a link or someone else's, and an emptied database that has
        backups: SQLite would happily start a new empty one and the damage would go unseen."""
        check_private_dir(self.path.parent)
        created = not self.path.parent.is_dir()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if created:
                # The folder holds this machine's state (database, backups): keep it out of git.
                (self.path.parent / ".gitignore").write_text("*\n")
        except OSError as exc:
            raise ReadOnlyDatabaseError(self.path.parent, exc.strerror or str(exc)) from exc
        wal = Path(str(self.path) + "-wal")
        if (
            self.path.is_file()
            and self.path.stat().st_size == 0
            and not (wal.is_file() and wal.stat().st_size > 0)
            and backups.list_backups(self.path, self.database)
        ):
            raise DatabaseCorruptError(
                self.path, "the file is empty (0 bytes) although backups of it exist"
            )

    def _connect(self, *, writer: bool) -> apsw.Connection:
        flags = apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_NOFOLLOW
        if writer:
            flags |= apsw.SQLITE_OPEN_CREATE
        try:
            conn = apsw.Connection(str(self.path), flags=flags, statementcachesize=256)
        except apsw.CantOpenError as exc:
            if self.path.is_symlink():
                raise UnsafeDirectoryError(self.path, "is a symbolic link") from exc
            raise StorageError(
                f"cannot open {self.path}: {exc}; check that the file and its folder exist "
                f"and are readable and writable"
            ) from exc
        conn.set_busy_timeout(self.busy_timeout_ms)
        try:
            # Reading the schema is the first touch of the file: a garbage file fails here.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
            if writer:
                conn.execute("PRAGMA journal_mode = WAL").fetchall()
                conn.execute("PRAGMA cache_size = -65536")
            else:
                conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA mmap_size = 268435456")
            conn.execute("PRAGMA temp_store = MEMORY")
            if self._hook is not None:
                self._hook(conn)
        except apsw.Error as exc:
            conn.close()
            raise _translate(exc, self.path, self.busy_timeout_ms) from exc
        return conn

    def _prepare_schema(self, auto_migrate: bool) -> None:
        conn = self._writer_conn
        try:
            found = current_version(conn)
        except apsw.Error as exc:
            raise _translate(exc, self.path, self.busy_timeout_ms) from exc
        supported = latest_version(self.database)
        if found > supported:
            raise SchemaTooNewError(self.path, found, supported)
        if auto_migrate and found < supported:
            self.migrate_to(None)

    def migrate_to(self, target: int | None) -> list[str]:
        """Run migrations on the writer connection; only valid before work is submitted or
        from the writer thread (see `drift migrate`, which uses a fresh manager)."""

        def backup_first(current: int, _goal: int) -> None:
            if current > 0:
                self._backup_on(self._writer_conn, "schema_migration")

        try:
            return migrate(self._writer_conn, self.database, target, before_change=backup_first)
        except apsw.Error as exc:
            raise _translate(exc, self.path, self.busy_timeout_ms) from exc

    def _backup_on(self, conn: apsw.Connection, reason: str) -> backups.BackupInfo:
        info = self._snapshot(conn, reason)
        with conn:
            return backups.record(conn, self.path, info, self.backup_keep)

    def _snapshot(self, conn: apsw.Connection, reason: str) -> backups.BackupInfo:
        return backups.snapshot(
            conn, self.path, reason, self.database, app_version=self.app_version
        )

    # ---- writes ------------------------------------------------------------------------

    def submit(self, work: Callable[[apsw.Connection], T], *, tables: Tables = None) -> Future[T]:
        """Queue `work(conn)` for the writer thread; the future resolves after its commit.

        `work` runs inside the batch transaction under its own savepoint. Name the `tables`
        it writes so only cache entries that read them are invalidated.
        """
        item = _WorkItem(work, frozenset((_ALL,) if tables is None else tables))
        with self._close_lock:
            if self._closed:
                raise WriterClosedError()
            self._queue.put(item)
        return item.future

    def write(self, work: Callable[[apsw.Connection], T], *, tables: Tables = None) -> T:
        """Submit and wait: for callers that need the result before going on."""
        return self.submit(work, tables=tables).result()

    def flush(self) -> None:
        """Return once everything submitted before this call is committed."""
        self.submit(lambda _conn: None, tables=()).result()

    def _writer_loop(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is _STOP:
                break
            batch = [first]
            deadline = time.perf_counter() + self._batch_window_s
            while len(batch) < self._batch_max_items:
                try:
                    nxt = self._queue.get(timeout=max(0.0, deadline - time.perf_counter()))
                except queue.Empty:
                    break
                if nxt is _STOP:
                    stopping = True
                    break
                batch.append(nxt)
            self._run_batch(batch)
        # Drain whatever raced in before close() flipped the flag.
        leftovers = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not _STOP:
                leftovers.append(item)
        if leftovers:
            self._run_batch(leftovers)

    def _run_batch(self, batch: list[_WorkItem]) -> None:
        live = [item for item in batch if item.future.set_running_or_notify_cancel()]
        if not live:
            return
        try:
            self._commit_batch(live)
        except BaseException as exc:
            # The writer thread must outlive any one batch, or every later caller would hang.
            with contextlib.suppress(apsw.Error):
                if self._writer_conn.in_transaction:
                    self._writer_conn.execute("ROLLBACK")
            self._fail_all(live, exc)

    def _commit_batch(self, live: list[_WorkItem]) -> None:
        conn = self._writer_conn
        started = time.perf_counter()
        try:
            self._begin(conn)
        except apsw.Error as exc:
            self._fail_all(live, exc)
            return
        done: list[tuple[_WorkItem, Any]] = []
        failed: list[tuple[_WorkItem, BaseException]] = []
        for item in live:
            try:
                conn.execute("SAVEPOINT drift_item")
            except apsw.Error as exc:
                failed.append((item, exc))
                continue
            try:
                result = item.work(conn)
            except BaseException as exc:
                if not conn.in_transaction:
                    # SQLite rolled the whole transaction back (disk full, I/O error): every
                    # item of the batch is lost, so every caller hears about it.
                    self._fail_all(live, exc)
                    return
                conn.execute("ROLLBACK TO drift_item")
                conn.execute("RELEASE drift_item")
                failed.append((item, exc))
            else:
                conn.execute("RELEASE drift_item")
                done.append((item, result))
        try:
            conn.execute("COMMIT")
        except apsw.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._fail_all(live, exc)
            return
        self._bump(frozenset().union(*(item.tables for item, _ in done)))
        self.telemetry.record_batch(len(live), time.perf_counter() - started, len(failed))
        for item, result in done:
            item.future.set_result(result)
        for item, exc in failed:
            item.future.set_exception(self._wrap(exc))

    def _begin(self, conn: apsw.Connection) -> None:
        """Take the write lock, waiting up to `lock_wait_s` while another process (a `drift
        scan` and the editor's server share the file) holds it, and saying so once: its turn
        comes when that process's transaction ends, which can take longer than one busy
        timeout."""
        deadline = time.monotonic() + self.lock_wait_s
        told = False
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except apsw.BusyError as exc:
                if time.monotonic() >= deadline:
                    raise DatabaseLockedError(self.path, int(self.lock_wait_s * 1000)) from exc
                if not told:
                    log.warning(
                        "%s is being written by another Drift process (a scan or the editor); "
                        "waiting for it to finish (up to %d s)",
                        self.path,
                        self.lock_wait_s,
                    )
                    told = True
        if told:
            log.warning("%s: our turn came, writing now", self.path)

    def _wrap(self, exc: BaseException) -> BaseException:
        return (
            _translate(exc, self.path, self.busy_timeout_ms) if isinstance(exc, apsw.Error) else exc
        )

    def _fail_all(self, items: list[_WorkItem], exc: BaseException) -> None:
        self.telemetry.record_batch(len(items), 0.0, len(items))
        error = self._wrap(exc)
        for item in items:
            if not item.future.done():
                item.future.set_exception(error)

    # ---- reads -------------------------------------------------------------------------

    @contextlib.contextmanager
    def reader(self) -> Iterator[apsw.Connection]:
        """Check out a read connection for this thread's exclusive use."""
        conn = self._readers.get()
        try:
            yield conn
        finally:
            self._readers.put(conn)

    def read(self, name: str, fn: Callable[[apsw.Connection], T]) -> T:
        """Run `fn` on a checked-out reader, timed under `name` in telemetry.

        `fn` runs in one read transaction, so all of its statements see the same committed
        snapshot: a read of two tables never straddles a commit.
        """
        started = time.perf_counter()
        with self.reader() as conn:
            try:
                with conn:
                    result = fn(conn)
            except apsw.Error as exc:
                raise self._wrap(exc) from exc
        self.telemetry.record_query(name, time.perf_counter() - started)
        return result

    def cached(
        self,
        name: str,
        key: Hashable,
        tables: Iterable[str],
        fn: Callable[[apsw.Connection], T],
    ) -> T:
        """`read(name, fn)` through the LRU, valid until a commit touches one of `tables`.

        Cached values are shared between callers: treat them as read-only.
        """
        tables = tuple(tables)
        cache_key = (name, key, tables)
        generations = self._generations_of(tables)
        with self._cache_lock:
            entry = self._cache.get(cache_key)
        if entry is not None and entry[0] == generations:
            self.telemetry.record_cache(hit=True)
            return entry[1]
        self.telemetry.record_cache(hit=False)
        # Generations were read before the query: a commit racing with it leaves an entry
        # stamped with the older generation, which the next lookup treats as a miss.
        value = self.read(name, fn)
        with self._cache_lock:
            self._cache[cache_key] = (generations, value)
        return value

    def _generations_of(self, tables: tuple[str, ...]) -> tuple[int, ...]:
        with self._generation_lock:
            return (self._generations[_ALL], *(self._generations.get(t, 0) for t in tables))

    def _bump(self, tables: frozenset[str]) -> None:
        if not tables:
            return
        with self._generation_lock:
            for table in tables:
                self._generations[table] = self._generations.get(table, 0) + 1

    def generation(self, table: str = _ALL) -> int:
        with self._generation_lock:
            return self._generations.get(table, 0)

    # ---- maintenance -------------------------------------------------------------------

    def backup(self, reason: str = "user_requested") -> backups.BackupInfo:
        """Copy the live database from a reader, then record it through the writer."""
        with self.reader() as conn:
            info = self._snapshot(conn, reason)
        return self.write(
            lambda c: backups.record(c, self.path, info, self.backup_keep),
            tables=("backup_history",),
        )

    def stats(self) -> dict[str, Any]:
        """Telemetry plus file sizes: what `drift status --storage` prints."""
        wal = self.path.with_name(self.path.name + "-wal")
        return {
            "database": self.database,
            "path": str(self.path),
            "db_bytes": self.path.stat().st_size if self.path.exists() else 0,
            "wal_bytes": wal.stat().st_size if wal.exists() else 0,
            "generation": self.generation(),
            "readers": len(self._reader_conns),
            **self.telemetry.snapshot(),
        }

    def close(self) -> None:
        """Flush every queued write, stop the writer, close all connections. Idempotent."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
            if self._keeps_telemetry():
                # So `drift status --storage` in another process can show this one's figures.
                self._queue.put(
                    _WorkItem(self._save_telemetry, frozenset(("telemetry_snapshots",)))
                )
            self._queue.put(_STOP)
        self._thread.join()
        with contextlib.suppress(apsw.Error):
            self._writer_conn.execute("PRAGMA optimize")
        for conn in self._reader_conns:
            conn.close()
        self._writer_conn.close()

    def _keeps_telemetry(self) -> bool:
        """Named processes (the server) always save; anonymous ones only when they did real
        work, so a one-shot `drift status` doesn't bury the server's figures."""
        if self._process_name is not None:
            return True
        return (
            self.telemetry.items_written() >= _TELEMETRY_MIN_ITEMS
            or time.monotonic() - self._opened_at >= _TELEMETRY_MIN_UPTIME_S
        )

    def _save_telemetry(self, conn: apsw.Connection) -> None:
        if telemetry_store.has_table(conn):
            name = self._process_name or f"{Path(sys.argv[0]).name or 'python'}:{os.getpid()}"
            telemetry_store.save(conn, name, self.stats())

    def __enter__(self) -> DatabaseManager:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

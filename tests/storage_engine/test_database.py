"""The storage engine under load and under faults, the way SQLite tests itself."""

from __future__ import annotations

import threading
from pathlib import Path

import apsw
import pytest

from storage import backup as backup_store
from storage.database import DatabaseManager
from storage.errors import (
    DatabaseCorruptError,
    DatabaseLockedError,
    DiskFullError,
    MigrationError,
    SchemaTooNewError,
)
from storage.migrate import latest_version, load_migrations, migrate


def insert_pattern(conn: apsw.Connection, n: int, category: str = "naming") -> None:
    conn.execute(
        "INSERT INTO patterns (id, category, name, detector_id, convention_key) VALUES (?, ?, ?, ?, ?)",
        (f"{n:016x}", category, f"p{n}", "d", f"v{n}/declaration"),
    )


@pytest.fixture
def db(tmp_path: Path):
    manager = DatabaseManager(tmp_path / ".drift/drift.db", busy_timeout_ms=200)
    yield manager
    manager.close()


def test_readers_never_see_half_a_batch(db: DatabaseManager) -> None:
    """Each submit writes a pattern and its 10 locations; a reader must see 0 or 10."""
    stop = threading.Event()
    torn: list[tuple] = []

    def read() -> None:
        while not stop.is_set():
            rows = db.read(
                "check",
                lambda c: c.execute(
                    "SELECT p.id, count(l.id) FROM patterns p LEFT JOIN pattern_locations l "
                    "ON l.pattern_id = p.id GROUP BY p.id HAVING count(l.id) != 10"
                ).fetchall(),
            )
            torn.extend(rows)

    def write(producer: int) -> None:
        for i in range(50):
            n = producer * 1000 + i

            def work(conn: apsw.Connection, n: int = n) -> None:
                insert_pattern(conn, n)
                conn.executemany(
                    "INSERT INTO pattern_locations (pattern_id, file_path, line, end_line) "
                    "VALUES (?, 'f.py', ?, ?)",
                    [(f"{n:016x}", k, k) for k in range(10)],
                )

            db.submit(work, tables=("patterns", "pattern_locations")).result()

    readers = [threading.Thread(target=read) for _ in range(2)]
    producers = [threading.Thread(target=write, args=(p,)) for p in range(4)]
    for thread in readers + producers:
        thread.start()
    for thread in producers:
        thread.join()
    stop.set()
    for thread in readers:
        thread.join()
    assert torn == []
    assert db.read("n", lambda c: c.execute("SELECT count(*) FROM patterns").fetchone()[0]) == 200


def test_a_failing_item_fails_alone(db: DatabaseManager) -> None:
    good = db.submit(lambda c: insert_pattern(c, 1))
    bad = db.submit(lambda c: c.execute("INSERT INTO patterns (id) VALUES ('short')"))
    later = db.submit(lambda c: insert_pattern(c, 2))
    good.result()
    later.result()
    with pytest.raises(apsw.ConstraintError):
        bad.result()
    assert db.read("n", lambda c: c.execute("SELECT count(*) FROM patterns").fetchone()[0]) == 2


def test_cache_never_serves_a_value_older_than_a_commit(db: DatabaseManager) -> None:
    def count():
        return db.cached(
            "count", "all", ("patterns",),
            lambda c: c.execute("SELECT total_patterns FROM materialized_status").fetchone()[0],
        )  # fmt: skip

    assert count() == 0
    assert count() == 0
    db.write(lambda c: insert_pattern(c, 7), tables=("patterns",))
    assert count() == 1
    db.write(lambda c: c.execute("INSERT INTO config VALUES ('k', '1', 'now')"), tables=("config",))
    hits = db.telemetry.snapshot()["cache"]["hits"]
    assert count() == 1
    assert db.telemetry.snapshot()["cache"]["hits"] == hits + 1, "unrelated write kept the entry"


def test_disk_full_fails_the_batch_and_the_writer_goes_on(db: DatabaseManager) -> None:
    def fill(conn: apsw.Connection) -> None:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        for n in range(100, 5000):
            conn.execute(
                "INSERT INTO telemetry_snapshots (process, data) VALUES (?, json_quote(?))",
                ("bench", "x" * 4000),
            )

    with pytest.raises(DiskFullError, match="no space left"):
        db.submit(fill).result()
    db.write(lambda c: c.execute("PRAGMA max_page_count = 1073741823"))
    db.write(lambda c: insert_pattern(c, 3))
    assert (
        db.read("n", lambda c: c.execute("SELECT count(*) FROM telemetry_snapshots").fetchone()[0])
        == 0
    )


def test_locked_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "drift.db"
    DatabaseManager(path).close()
    holder = apsw.Connection(str(path))
    holder.execute("BEGIN IMMEDIATE")
    try:
        # lock_wait_s=0: the error a writer gives once its wait for the lock is used up.
        with DatabaseManager(path, busy_timeout_ms=100, lock_wait_s=0) as db:
            with pytest.raises(DatabaseLockedError, match="locked by another process"):
                db.write(lambda c: insert_pattern(c, 1))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_corrupt_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "drift.db"
    garbage = b"definitely not sqlite " * 500
    path.write_bytes(garbage)
    with pytest.raises(DatabaseCorruptError, match=r"drift\.db.*drift restore"):
        DatabaseManager(path)
    assert path.read_bytes() == garbage


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "drift.db"
    DatabaseManager(path).close()
    conn = apsw.Connection(str(path))
    conn.execute(f"PRAGMA user_version = {latest_version('drift') + 1}")
    conn.close()
    with pytest.raises(SchemaTooNewError, match="upgrade Drift"):
        DatabaseManager(path)


@pytest.mark.parametrize("database", ["drift", "cortex"])
def test_every_migration_goes_down_and_up(tmp_path: Path, database: str) -> None:
    conn = apsw.Connection(str(tmp_path / "m.db"))
    if database == "cortex":
        from storage.cortex import load_sqlite_vec

        load_sqlite_vec(conn)
    migrate(conn, database)
    full_schema = sorted(conn.execute("SELECT type, name, sql FROM sqlite_master"))
    for migration in reversed(load_migrations(database)):
        migrate(conn, database, migration.version - 1)
        migrate(conn, database, migration.version)
        migrate(conn, database, migration.version - 1)
    assert (
        conn.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
        == []
    )
    migrate(conn, database)
    assert sorted(conn.execute("SELECT type, name, sql FROM sqlite_master")) == full_schema


def test_failing_migration_rolls_back_and_names_itself(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "drift.db"
    DatabaseManager(path).close()
    before = path.read_bytes()
    broken = load_migrations("drift") + (
        type(load_migrations("drift")[0])(
            latest_version("drift") + 1, "broken", "CREATE TABLE t (x); SELECT nope;", ""
        ),
    )
    monkeypatch.setattr("storage.migrate.load_migrations", lambda _db: broken)
    conn = apsw.Connection(str(path))
    with pytest.raises(MigrationError, match=r"_broken\.up\.sql"):
        migrate(conn, "drift")
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 't'").fetchone()[0] == 0
    conn.close()
    assert path.read_bytes() == before


def test_backup_under_load_restore_and_retention(tmp_path: Path) -> None:
    path = tmp_path / ".drift/drift.db"
    with DatabaseManager(path, backup_keep=10) as db:
        stop = threading.Event()

        def churn() -> None:
            n = 10_000
            while not stop.is_set():
                n += 1
                db.write(lambda c, n=n: insert_pattern(c, n))

        writer = threading.Thread(target=churn)
        writer.start()
        infos = [db.backup() for _ in range(12)]
        stop.set()
        writer.join()
        kept = backup_store.list_backups(path)
        first = infos[2]
    assert [b.id for b in kept] == [b.id for b in reversed(infos[2:])]
    assert not Path(infos[0].path).exists()
    for info in kept:
        backup_store.verify(Path(info.path), info.sha256)
    safety = backup_store.restore(path, first.id, app_version="test").safety
    assert safety.reason == "pre_destructive_operation"
    with DatabaseManager(path) as db:
        restored = db.read("n", lambda c: c.execute("SELECT count(*) FROM patterns").fetchone()[0])
        history = backup_store.list_backups(path)
    assert restored > 0
    assert safety.id in {b.id for b in history}

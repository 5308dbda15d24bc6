"""`drift restore`: only a verified backup goes in, the replaced database is kept, and a bad
backup or a database in use changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import apsw
import pytest

from storage.backup import BackupError, BackupInfo, list_backups, sha256_of
from storage.backup import restore as restore_backup
from storage.database import DatabaseManager
from storage.errors import DatabaseLockedError


def count(conn: apsw.Connection) -> int:
    return conn.execute("SELECT count(*) FROM config").fetchone()[0]


def put(db: DatabaseManager, key: str) -> None:
    db.write(lambda c: c.execute("INSERT INTO config (key, value) VALUES (?, '1')", (key,)))


@pytest.fixture
def backed_up(tmp_path: Path):
    """A database with one row backed up (id 1) and a second row written after it."""
    path = tmp_path / ".drift/drift.db"
    with DatabaseManager(path) as db:
        put(db, "before")
        info = db.backup()
        put(db, "after")
    return path, info


def test_restore_brings_back_the_backup_and_keeps_what_it_replaced(backed_up) -> None:
    path, info = backed_up
    safety = restore_backup(path, info.id, app_version="test").safety
    assert safety.reason == "pre_destructive_operation"
    with DatabaseManager(path) as db:
        assert db.read("n", count) == 1
    history = list_backups(path)
    assert {info.id, safety.id} <= {b.id for b in history}
    replaced = apsw.Connection(safety.path)
    assert count(replaced) == 2, "the safety backup holds the data restore replaced"
    replaced.close()


def damage(info: BackupInfo, offset: int, data: bytes) -> None:
    with open(info.path, "r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def assert_refused(path: Path, backup_id: int, message: str) -> None:
    before = path.read_bytes()
    with pytest.raises(BackupError, match=message):
        restore_backup(path, backup_id, app_version="test")
    assert path.read_bytes() == before


def test_restore_refuses_a_backup_whose_checksum_differs(backed_up) -> None:
    path, info = backed_up
    damage(info, 4096 + 100, b"\xab" * 8)
    assert_refused(path, info.id, r"damaged.*nothing was changed")


def test_restore_refuses_a_backup_that_fails_integrity_check(backed_up) -> None:
    path, info = backed_up
    damage(info, 4096, b"\x0d\xff\xff\xff\xff\xff\xff\xff")  # page 2's b-tree header
    # Record the damaged file's checksum as if it were good.
    manifest = Path(info.path).with_suffix(".json")
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "sha256": sha256_of(Path(info.path))}))
    assert_refused(path, info.id, r"integrity_check|not a readable database")


def test_unknown_backup_id_is_a_clear_error(backed_up) -> None:
    path, _info = backed_up
    assert_refused(path, 99, r"no drift backup with id 99.*drift backups")


def test_restore_refuses_while_another_process_has_the_database_open(backed_up) -> None:
    path, info = backed_up
    with DatabaseManager(path, busy_timeout_ms=100) as db:
        put(db, "live")  # sits in the WAL of a connection restore must not pull the rug from
        with pytest.raises(DatabaseLockedError, match="locked by another process"):
            restore_backup(path, info.id, app_version="test")
        assert db.read("n", count) == 3
    with DatabaseManager(path) as db:
        assert db.read("n", count) == 3


def test_backups_are_listed_newest_first(tmp_path: Path) -> None:
    with DatabaseManager(tmp_path / "drift.db") as db:
        made = [db.backup().id for _ in range(5)]
    assert [b.id for b in list_backups(tmp_path / "drift.db")] == list(reversed(made))

"""Backups a hostile repository or a broken disk would turn against the user (issue 15, items 3
and 5): retention and restore stay inside `.drift/backups/`, a linked or foreign `.drift` is
refused, and recovery works when drift.db itself is what broke."""

from __future__ import annotations

import json
import os
from pathlib import Path

import apsw
import pytest

from storage.backup import sha256_of
from storage.database import DatabaseManager

from . import Drift, seed
from .stdio_server import Server


def backup(drift: Drift, root: Path) -> dict:
    run = drift(root, "backup", "--json")
    assert run.code == 0, run.err
    (made,) = json.loads(run.out)
    return made


def test_retention_never_deletes_a_file_a_history_row_points_outside(
    tmp_path: Path, drift: Drift
) -> None:
    victim = tmp_path / "precious.txt"
    victim.write_text("the user's own file")
    root = tmp_path / "repo"
    path = root / ".drift/drift.db"
    with DatabaseManager(path) as db:  # a crafted or shared drift.db: its oldest row is a trap
        db.write(
            lambda c: c.execute(
                "INSERT INTO backup_history (id, reason, path, size_bytes, sha256, "
                "schema_version, drift_version) VALUES (1, 'scheduled', ?, 1, ?, 1, 'x')",
                (str(victim), "0" * 64),
            )
        )
    for _ in range(11):
        backup(drift, root)
    assert victim.read_text() == "the user's own file"
    listed = json.loads(drift(root, "backups", "--json").out)
    assert len(listed) == 10 and 1 not in [b["id"] for b in listed]
    assert len(list((root / ".drift/backups").glob("*.db"))) == 10


def test_restore_never_reads_a_file_outside_the_backups_folder(
    tmp_path: Path, drift: Drift
) -> None:
    elsewhere = tmp_path / "elsewhere.db"
    seed(elsewhere.parent / "other")
    (elsewhere.parent / "other/.drift/drift.db").rename(elsewhere)
    root = tmp_path / "repo"
    path = seed(root)
    with DatabaseManager(path) as db:
        db.write(
            lambda c: c.execute(
                "INSERT INTO backup_history (id, reason, path, size_bytes, sha256, "
                "schema_version, drift_version) VALUES (7, 'scheduled', ?, 1, ?, 1, 'x')",
                (str(elsewhere), sha256_of(elsewhere)),
            )
        )
    before = path.read_bytes()
    run = drift(root, "restore", "7")
    assert run.code == 2 and "not a regular file in" in run.err
    assert path.read_bytes() == before


def test_a_drift_folder_that_is_a_link_is_refused(tmp_path: Path, drift: Drift) -> None:
    target = tmp_path / "somewhere-else"
    target.mkdir()
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text("x = 1\n")
    (root / ".drift").symlink_to(target)
    for command in ("scan", "status", "backups", "doctor"):
        run = drift(root, command)
        assert run.code != 0
        assert "symbolic link" in (run.err + run.out), command
    assert list(target.iterdir()) == []


def test_a_backups_folder_that_is_a_link_is_refused(
    seeded: Path, tmp_path: Path, drift: Drift
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not Drift's")
    (seeded / ".drift/backups").symlink_to(elsewhere)
    for command in (("backups",), ("backup",), ("restore", "1")):
        run = drift(seeded, *command)
        assert run.code == 2 and "symbolic link" in run.err, command
    assert [p.name for p in elsewhere.iterdir()] == ["keep.txt"]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_drift_folder_owned_by_another_user_is_refused(tmp_path: Path, drift: Drift) -> None:
    root = tmp_path / "repo"
    (root / ".drift").mkdir(parents=True)
    (root / "app.py").write_text("x = 1\n")
    os.chown(root / ".drift", 65534, 65534)
    run = drift(root, "scan")
    assert run.code == 2 and "belongs to another user" in run.err
    assert list((root / ".drift").iterdir()) == []


def corrupt(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.seek(0)
        handle.write(b"garbage!" * 16)


def test_backups_list_and_restore_when_the_database_is_corrupt(seeded: Path, drift: Drift) -> None:
    made = backup(drift, seeded)
    path = seeded / ".drift/drift.db"
    corrupt(path)
    run = drift(seeded, "status")
    assert run.code == 2 and "drift restore" in run.err
    listed = json.loads(drift(seeded, "backups", "--json").out)
    assert [b["id"] for b in listed] == [made["id"]]
    run = drift(seeded, "restore", str(made["id"]))
    assert run.code == 0, run.err
    assert "damaged database was kept as" in run.out
    assert drift(seeded, "doctor").code == 0
    kept = list(path.parent.glob("drift.db.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"garbage!")


def test_an_emptied_database_next_to_backups_is_damage_not_a_fresh_start(
    seeded: Path, drift: Drift
) -> None:
    made = backup(drift, seeded)
    path = seeded / ".drift/drift.db"
    path.write_bytes(b"")
    for name in ("drift.db-wal", "drift.db-shm"):
        (path.parent / name).unlink(missing_ok=True)
    for command in ("status", "scan", "patterns"):
        run = drift(seeded, command)
        assert run.code == 2 and "empty (0 bytes)" in run.err and "drift restore" in run.err
        assert path.stat().st_size == 0, f"`drift {command}` re-created the database"
    assert drift(seeded, "restore", str(made["id"])).code == 0
    with DatabaseManager(path) as db:
        assert db.read("n", lambda c: c.execute("SELECT count(*) FROM config").fetchone()[0]) >= 1


def test_backup_refuses_a_database_failing_quick_check(seeded: Path, drift: Drift) -> None:
    path = seeded / ".drift/drift.db"
    with DatabaseManager(path) as db:  # enough rows for a table to span several pages
        db.write(
            lambda c: c.executemany(
                "INSERT INTO config (key, value) VALUES (?, ?)",
                ((f"pad{n}", '"' + "x" * 200 + '"') for n in range(400)),
            )
        )
    conn = apsw.Connection(str(path))
    root_page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'config'").fetchone()
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as handle:  # scribble over an interior page of the table's b-tree
        handle.seek((root_page[0] - 1) * page_size + 8)
        handle.write(b"\xff" * 64)
    run = drift(seeded, "backup")
    assert run.code == 2 and "quick_check" in run.err and "drift restore" in run.err
    assert not list(seeded.glob(".drift/backups/*"))


def test_the_server_restores_a_corrupt_database_from_degraded_mode(
    seeded: Path, drift: Drift, server: Server
) -> None:
    made = backup(drift, seeded)
    corrupt(seeded / ".drift/drift.db")
    server.initialize(seeded)
    server.request(2, "workspace/executeCommand", {"command": "drift.status"})
    assert "drift restore" in server.response(2)["error"]["message"]
    server.request(3, "workspace/executeCommand",
                   {"command": "drift.restore", "arguments": [made["id"]]})  # fmt: skip
    restored = server.response(3)["result"]
    assert restored == {"restored": made["id"], "safetyBackup": None}
    server.request(4, "workspace/executeCommand", {"command": "drift.status"})
    assert "total_patterns" in server.response(4)["result"]
    server.request(5, "shutdown")
    server.response(5)
    server.notify("exit")
    assert server.wait() == 0
    assert list(seeded.glob(".drift/drift.db.damaged-*"))

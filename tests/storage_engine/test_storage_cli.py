"""The storage commands as a user runs them: status, backup, backups, restore, doctor, migrate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drift_lsp.cli import main
from storage.database import DatabaseManager
from storage.migrate import current_version, latest_version


def insert_pattern(conn, n: int, status: str = "discovered") -> None:
    conn.execute(
        "INSERT INTO patterns (id, category, name, detector_id, convention_key, status) "
        "VALUES (?, 'naming', ?, 'd', ?, ?)",
        (f"{n:016x}", f"p{n}", f"v{n}/declaration", status),
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    with DatabaseManager(tmp_path / ".drift/drift.db", process_name="lsp") as db:
        db.write(lambda c: [insert_pattern(c, n, "approved" if n < 2 else "discovered")
                            for n in range(5)])  # fmt: skip
    return tmp_path


def drift(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


def json_out(capsys: pytest.CaptureFixture[str], code: int) -> object:
    assert code == 0
    return json.loads(capsys.readouterr().out)


def test_status_shows_counts_and_storage_figures(root: Path, capsys) -> None:
    data = json_out(capsys, drift(root, "status", "--json"))
    assert (data["total_patterns"], data["approved"], data["discovered"]) == (5, 2, 3)
    assert data["categories"]["naming"]["total"] == 5
    data = json_out(capsys, drift(root, "status", "--storage", "--json"))
    storage = data["storage"]
    assert storage["db_bytes"] > 0 and "wal_bytes" in storage and "cache" in storage
    saved = storage["last_saved_telemetry"]
    assert saved["process"] == "lsp" and saved["data"]["writer"]["items"] >= 1
    assert drift(root, "status", "--storage") == 0
    out = capsys.readouterr().out
    assert "5 patterns: 2 approved, 3 discovered" in out
    assert "last saved by lsp" in out


def test_before_any_scan_commands_say_so_and_create_nothing(tmp_path: Path, capsys) -> None:
    for command in ("status", "backup"):
        assert drift(tmp_path, command) == 1
        assert "drift scan" in capsys.readouterr().err
    assert json_out(capsys, drift(tmp_path, "backups", "--json")) == []
    assert not (tmp_path / ".drift").exists()


def test_backup_list_and_restore(root: Path, capsys) -> None:
    (made,) = json_out(capsys, drift(root, "backup", "--reason", "scheduled", "--json"))
    listed = json_out(capsys, drift(root, "backups", "--json"))
    assert listed[0]["id"] == made["id"] and listed[0]["reason"] == "scheduled"
    assert set(listed[0]) == {"id", "created_at", "reason", "database", "path", "size_bytes",
                              "sha256", "schema_version", "drift_version"}  # fmt: skip
    with DatabaseManager(root / ".drift/drift.db") as db:
        db.write(lambda c: insert_pattern(c, 99))
    assert drift(root, "restore", str(made["id"])) == 0
    assert f"restored backup {made['id']}" in capsys.readouterr().out
    assert json_out(capsys, drift(root, "status", "--json"))["total_patterns"] == 5


def test_restore_of_a_damaged_backup_changes_nothing(root: Path, capsys) -> None:
    (made,) = json_out(capsys, drift(root, "backup", "--json"))
    Path(made["path"]).write_bytes(b"garbage")
    before = (root / ".drift/drift.db").read_bytes()
    assert drift(root, "restore", str(made["id"])) == 2
    assert "nothing was changed" in capsys.readouterr().err
    assert (root / ".drift/drift.db").read_bytes() == before


def test_doctor_passes_a_healthy_db_and_reports_broken_invariants(root: Path, capsys) -> None:
    assert drift(root, "doctor") == 0
    assert drift(root, "doctor", "--full") == 0
    capsys.readouterr()
    with DatabaseManager(root / ".drift/drift.db") as db:
        db.write(lambda c: (
            c.execute("INSERT INTO pattern_locations (pattern_id, file_path, line, end_line) "
                      "VALUES (?, 'gone.py', 1, 1)", (f"{0:016x}",)),
            c.execute("UPDATE materialized_status SET approved = 7"),
            c.execute("UPDATE materialized_category_counts SET ignored = 3"),
        ))  # fmt: skip
    assert drift(root, "doctor") == 1
    report = capsys.readouterr().out
    assert "gone.py" in report
    assert "materialized_status.approved is 7, recount gives 2" in report
    assert "materialized_category_counts[naming]: stored [5,2,3,3,0,0]" in report
    assert f"pattern {0:016x}: location_count 0 (actual 0), outlier_count 0 (actual 1)" in report


def test_migrate_down_and_up(root: Path, capsys) -> None:
    path = root / ".drift/drift.db"
    assert drift(root, "migrate", "--to", "1") == 0
    assert "0002" in capsys.readouterr().out
    backups = json_out(capsys, drift(root, "backups", "--json"))
    assert [(b["reason"], b["schema_version"]) for b in backups] == [
        ("schema_migration", latest_version("drift"))
    ]
    with DatabaseManager(path, auto_migrate=False) as db:
        assert db.read("v", current_version) == 1
    assert drift(root, "migrate") == 0
    with DatabaseManager(path, auto_migrate=False) as db:
        assert db.read("v", current_version) == latest_version("drift")
    assert drift(root, "migrate", "--to", "999") == 2
    assert "known versions" in capsys.readouterr().err


def test_a_corrupt_database_is_named_with_the_way_out(tmp_path: Path, capsys) -> None:
    path = tmp_path / ".drift/drift.db"
    path.parent.mkdir()
    path.write_bytes(b"not a database at all " * 300)
    assert drift(tmp_path, "status") == 2
    err = capsys.readouterr().err
    assert str(path) in err and "drift restore" in err
    assert path.read_bytes() == b"not a database at all " * 300

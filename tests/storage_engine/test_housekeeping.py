"""Backups and compaction that happen by themselves: `version_upgrade` when another Drift
wrote the database last, `scheduled` at most once per period before a scan, VACUUM after
retention frees much of the file, and `drift doctor --vacuum`."""

from __future__ import annotations

import json
from pathlib import Path

import apsw
import pytest

from drift_lsp import __version__
from drift_lsp.cli import main
from storage.database import DatabaseManager
from storage.housekeeping import free_share
from storage.paths import db_path
from storage.retention import RetentionPolicy, schedule_retention


def drift(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


def reasons(root: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert drift(root, "backups", "--json") == 0
    return [b["reason"] for b in json.loads(capsys.readouterr().out) if b["database"] == "drift"]


def sql(root: Path, statement: str, *params: object) -> list[tuple]:
    conn = apsw.Connection(str(db_path(root)))
    try:
        return conn.execute(statement, params).fetchall()
    finally:
        conn.close()


def test_a_database_written_by_another_drift_version_is_backed_up_once(
    py_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert drift(py_repo, "scan") == 0
    assert reasons(py_repo, capsys) == []  # a new database has nothing to keep
    assert sql(py_repo, "SELECT drift_version FROM project") == [(__version__,)]

    sql(py_repo, "UPDATE project SET drift_version = '0.0.1'")
    assert drift(py_repo, "status") == 0
    assert reasons(py_repo, capsys) == ["version_upgrade"]
    assert sql(py_repo, "SELECT drift_version FROM project") == [(__version__,)]
    assert drift(py_repo, "status") == 0
    assert reasons(py_repo, capsys) == ["version_upgrade"]


def test_scheduled_backups_come_at_most_once_per_period_and_can_be_off(
    py_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert drift(py_repo, "scan") == 0
    assert reasons(py_repo, capsys) == []  # nothing was scanned before the first scan
    assert drift(py_repo, "scan") == 0
    assert drift(py_repo, "scan") == 0
    assert reasons(py_repo, capsys) == ["scheduled"]

    # A day later the next scan takes the next one.
    sql(py_repo, "UPDATE backup_history SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', "
                 "'now', '-25 hours')")  # fmt: skip
    assert drift(py_repo, "scan") == 0
    assert reasons(py_repo, capsys) == ["scheduled", "scheduled"]

    sql(py_repo, "UPDATE backup_history SET created_at = '2000-01-01T00:00:00.000Z'")
    (py_repo / "drift.config.json").write_text(json.dumps({"backup": {"scheduleHours": 0}}))
    assert drift(py_repo, "scan") == 0
    assert reasons(py_repo, capsys) == ["scheduled", "scheduled"]

    (py_repo / "drift.config.json").write_text(json.dumps({"backup": {"scheduleHours": -1}}))
    with pytest.raises(SystemExit) as refused:
        drift(py_repo, "scan")
    assert refused.value.code == 2
    assert "backup.scheduleHours" in capsys.readouterr().err


def _fill(db: DatabaseManager, rows: int) -> None:
    db.write(
        lambda c: c.executemany(
            "INSERT INTO telemetry_snapshots (process, data) VALUES ('x', json_object('pad', ?))",
            [("x" * 4000,)] * rows,
        )
    )


def test_retention_that_frees_most_of_the_file_compacts_it(tmp_path: Path) -> None:
    with DatabaseManager(tmp_path / "drift.db") as db:
        _fill(db, 500)
        db.flush()
        grown = db.vacuum()[1]
        policy = RetentionPolicy.from_mapping({"telemetry_snapshots": {"max_rows": 5}})
        schedule = schedule_retention(db, policy, interval_s=None, every_scans=1)
        try:
            schedule.scan_finished(1)
        finally:
            schedule.stop()
        assert db.read("free", free_share) == 0.0
        assert (tmp_path / "drift.db").stat().st_size < grown / 4


def test_doctor_vacuum_compacts_a_healthy_database(
    py_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert drift(py_repo, "scan") == 0
    with DatabaseManager(db_path(py_repo)) as db:
        _fill(db, 300)
        db.write(lambda c: c.execute("DELETE FROM telemetry_snapshots"))
        assert db.read("free", free_share) > 0.5
    capsys.readouterr()
    assert drift(py_repo, "doctor", "--vacuum") == 0
    out = capsys.readouterr().out
    assert "ok: quick_check" in out and "compacted drift.db: " in out
    before, after = (int(n) for n in out.split("compacted drift.db: ")[1].split(" bytes")[0]
                     .split(" -> "))  # fmt: skip
    assert after < before / 2
    assert sql(py_repo, "PRAGMA freelist_count") == [(0,)]

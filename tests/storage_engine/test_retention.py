"""Retention keeps history tables bounded without ever losing the newest row."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.database import DatabaseManager
from storage.retention import RetentionPolicy, prune, schedule_retention


@pytest.fixture
def db(tmp_path: Path):
    with DatabaseManager(tmp_path / "drift.db") as manager:
        yield manager


def add_scans(db: DatabaseManager, ages_days: list[float]) -> None:
    db.write(
        lambda c: c.executemany(
            "INSERT INTO scan_history (kind, status, started_at) VALUES ('full', 'completed', "
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?))",
            [(f"-{age} days",) for age in ages_days],
        )
    )


def scan_ids(db: DatabaseManager) -> list[int]:
    return [
        r[0] for r in db.read("t", lambda c: c.execute("SELECT id FROM scan_history ORDER BY id"))
    ]


def test_prune_keeps_the_newest_rows_by_count(db: DatabaseManager) -> None:
    add_scans(db, [0] * 12)
    policy = RetentionPolicy.from_mapping({"scan_history": {"max_rows": 5}})
    deleted = db.write(lambda c: prune(c, policy))
    assert deleted["scan_history"] == 7
    assert scan_ids(db) == list(range(8, 13))


def test_prune_drops_old_rows_but_never_the_last_one(db: DatabaseManager) -> None:
    add_scans(db, [400, 200, 1, 300])  # the newest row is old, and must still survive
    policy = RetentionPolicy.from_mapping({"scan_history": {"max_age_days": 100}})
    db.write(lambda c: prune(c, policy))
    assert scan_ids(db) == [3, 4]


def test_every_table_is_pruned(db: DatabaseManager) -> None:
    db.write(
        lambda c: (
            c.executemany(
                "INSERT INTO pattern_history (pattern_id, action) VALUES ('p', 'updated')",
                [()] * 5,
            ),
            c.executemany(
                "INSERT INTO health_trends (health_score, total_patterns, approved, "
                "total_locations, total_outliers) VALUES (100, 0, 0, 0, 0)",
                [()] * 5,
            ),
            c.executemany(
                "INSERT INTO telemetry_snapshots (process, data) VALUES ('x', '{}')", [()] * 5
            ),
            # Gate rows have text ids: time orders them, and one second holds all five.
            c.executemany(
                "INSERT INTO gate_runs (id, ran_at, passed, data) VALUES (?, "
                "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 1, '{}')",
                [(f"run-{n}",) for n in range(5)],
            ),
            c.executemany(
                "INSERT INTO gate_snapshots (id, taken_at, data) VALUES (?, "
                "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), '{}')",
                [(f"snapshot-{n}",) for n in range(5)],
            ),
        )
    )
    tables = ("pattern_history", "health_trends", "telemetry_snapshots", "gate_runs",
              "gate_snapshots")  # fmt: skip
    policy = RetentionPolicy.from_mapping({t: {"max_rows": 2} for t in tables})
    assert db.write(lambda c: prune(c, policy)) == {
        "pattern_history": 3, "scan_history": 0, "health_trends": 3, "telemetry_snapshots": 3,
        "gate_runs": 3, "gate_snapshots": 3,
    }  # fmt: skip
    kept = db.read("kept", lambda c: c.execute("SELECT id FROM gate_runs ORDER BY id").fetchall())
    assert kept == [("run-3",), ("run-4",)]


def test_bad_config_names_the_key() -> None:
    with pytest.raises(ValueError, match="unknown table 'scans'"):
        RetentionPolicy.from_mapping({"scans": {"max_rows": 1}})
    with pytest.raises(ValueError, match=r"retention\.scan_history\.max_rows"):
        RetentionPolicy.from_mapping({"scan_history": {"max_rows": "ten"}})


def test_schedule_prunes_through_the_writer_after_every_n_scans(db: DatabaseManager) -> None:
    add_scans(db, [0] * 6)
    policy = RetentionPolicy.from_mapping({"scan_history": {"max_rows": 2}})
    schedule = schedule_retention(db, policy, interval_s=None, every_scans=3)
    try:
        schedule.scan_finished(4)
        schedule.scan_finished(5)
        db.flush()
        assert len(scan_ids(db)) == 6
        schedule.scan_finished(6)
        db.flush()
        assert scan_ids(db) == [5, 6]
    finally:
        schedule.stop()

"""Pruning of the tables that only grow: history, scans, health trends, gate runs, telemetry.

Pruning is a write, so it runs as a writer work item (`prune` takes the writer connection);
`RetentionSchedule` submits it on a timer or after every N-th scan, never from a reader.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, fields, replace
from typing import Any

import apsw

from storage.database import DatabaseManager
from storage.errors import StorageError
from storage.housekeeping import VACUUM_FREE_SHARE, free_share

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """Keep rows younger than `max_age_days` and at most `max_rows` of them (newest first)."""

    table: str
    time_column: str
    max_age_days: float
    max_rows: int
    # Columns that order the rows oldest to newest: the rowid where there is one; gate rows
    # have text ids (Drift v1's, imported) and are ordered by time, ties by id.
    order: tuple[str, ...] = ("id",)


@dataclass(frozen=True)
class RetentionPolicy:
    pattern_history: Rule = Rule("pattern_history", "created_at", 180, 20_000)
    scan_history: Rule = Rule("scan_history", "started_at", 90, 500)
    health_trends: Rule = Rule("health_trends", "recorded_at", 365, 2_000)
    telemetry_snapshots: Rule = Rule("telemetry_snapshots", "recorded_at", 30, 200)
    gate_runs: Rule = Rule("gate_runs", "ran_at", 365, 2_000, ("ran_at", "id"))
    gate_snapshots: Rule = Rule("gate_snapshots", "taken_at", 365, 2_000, ("taken_at", "id"))

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Mapping[str, Any]]) -> RetentionPolicy:
        """Build from config, e.g. {"scan_history": {"max_age_days": 30, "max_rows": 100}}.

        Unknown tables or keys raise ValueError naming them, so a typo in config is visible.
        """
        policy = cls()
        known = {f.name for f in fields(cls)}
        for table, overrides in settings.items():
            if table not in known:
                raise ValueError(f"retention: unknown table {table!r}; use one of {sorted(known)}")
            rule = getattr(policy, table)
            for key, value in overrides.items():
                if key not in ("max_age_days", "max_rows"):
                    raise ValueError(f"retention.{table}: unknown key {key!r}")
                kind = int if key == "max_rows" else int | float
                if not isinstance(value, kind) or isinstance(value, bool) or value < 0:
                    expected = "an integer" if key == "max_rows" else "a number"
                    raise ValueError(f"retention.{table}.{key}: expected {expected} >= 0")
            policy = replace(policy, **{table: replace(rule, **overrides)})
        return policy

    def rules(self) -> list[Rule]:
        return [getattr(self, f.name) for f in fields(self)]


TABLES = tuple(f.name for f in fields(RetentionPolicy))


def prune(conn: apsw.Connection, policy: RetentionPolicy = RetentionPolicy()) -> dict[str, int]:
    """Delete expired rows; returns rows deleted per table. Run it through `db.submit`.

    The newest row of each table always survives, so `last scan` never disappears.
    """
    deleted = {}
    for rule in policy.rules():
        key = ", ".join(rule.order)
        newest = f"SELECT {key} FROM {rule.table} ORDER BY "
        newest += ", ".join(f"{column} DESC" for column in rule.order)
        total_before = conn.total_changes()
        conn.execute(
            f"DELETE FROM {rule.table} WHERE ({key}) < ({newest} LIMIT 1) AND ("
            f"{rule.time_column} < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) "
            f"OR ({key}) <= ({newest} LIMIT 1 OFFSET ?))",
            (f"-{rule.max_age_days} days", rule.max_rows),
        )
        deleted[rule.table] = conn.total_changes() - total_before
    return deleted


class RetentionSchedule:
    """Submits `prune` to the writer every `interval_s` seconds and after every `every_scans`-th
    scan. `stop()` before closing the database."""

    def __init__(
        self,
        db: DatabaseManager,
        policy: RetentionPolicy = RetentionPolicy(),
        *,
        interval_s: float | None = 3600.0,
        every_scans: int | None = 20,
    ) -> None:
        self._db = db
        self._policy = policy
        self._interval_s = interval_s
        self._every_scans = every_scans
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._stopped = False
        self._arm()

    def _arm(self) -> None:
        if self._interval_s is None or self._stopped:
            return
        self._timer = threading.Timer(self._interval_s, self._tick)
        self._timer.daemon = True
        self._timer.start()

    def _tick(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._prune_and_compact()
            self._arm()

    def run(self) -> Future[dict[str, int]]:
        """Queue one pruning pass now; returns the writer's future."""
        return self._db.submit(lambda conn: prune(conn, self._policy), tables=TABLES)

    def scan_finished(self, scan_id: int) -> None:
        """Counted by scan id rather than per process, so one-shot `drift scan` runs, which
        never live to see a timer fire, still prune every N-th time."""
        with self._lock:
            if self._every_scans and scan_id % self._every_scans == 0 and not self._stopped:
                self._prune_and_compact()

    def _prune_and_compact(self) -> None:
        """Prune, and when that leaves a large share of the file free, VACUUM it: deleted
        rows only free pages for reuse, the file never shrinks by itself."""
        try:
            deleted = self.run().result()
            if any(deleted.values()) and (
                self._db.read("free_share", free_share) >= VACUUM_FREE_SHARE
            ):
                before, after = self._db.vacuum()
                log.info("compacted %s after retention: %d -> %d bytes", self._db.path,
                         before, after)  # fmt: skip
        except StorageError as exc:
            log.warning("retention of %s did not finish: %s", self._db.path, exc)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._timer is not None:
                self._timer.cancel()


def schedule_retention(
    db: DatabaseManager,
    policy: RetentionPolicy = RetentionPolicy(),
    *,
    interval_s: float | None = 3600.0,
    every_scans: int | None = 20,
) -> RetentionSchedule:
    return RetentionSchedule(db, policy, interval_s=interval_s, every_scans=every_scans)

"""drift.lock and the database: the lock's decisions made the database's before learning,
the database's decisions pinned into a lock, and where the two and the code disagree.

Which conventions a lock holds: every decision a person made (approved or ignored, kept while
the lock names it even when the code no longer shows the convention: `drift lock validate`
says so), and every convention learning approved on its own when the lock was written,
pinned as decided by `AUTO`. Pinning is what makes a teammate's first scan enforce exactly
the team's rules, whatever their own history tips learning towards; `drift lock` re-pins
(drops an automatic decision whose convention is gone, adds newly approved ones), and a
scan without a lock unpins them all.

All of this runs on the writer connection, inside its transaction.
"""

from __future__ import annotations

import datetime as dt

import apsw

from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.config import path_matches
from drift_lsp.indexing.lock import AUTO, Lock, LockEntry, LockOverride
from storage.repositories import files as file_repo
from storage.repositories import patterns as pattern_repo
from storage.repositories.patterns import DecisionRow, OverrideRow, pattern_id_of
from storage.repositories.scans import Slot


def entry_of(row: DecisionRow) -> LockEntry:
    at = dt.date.fromisoformat(row.decided_at[:10])
    return LockEntry(row.detector_id, row.convention_key, row.decision, row.decided_by, at)


def _row_of(entry: LockEntry) -> DecisionRow:
    pattern_id = pattern_id_of(entry.rule, entry.convention_key)
    return DecisionRow(
        pattern_id, entry.rule, entry.convention_key, entry.status, entry.by, entry.at.isoformat()
    )


def _slot(row: DecisionRow) -> Slot:
    return row.detector_id, row.convention_key.rpartition("/")[2]


def override_of(row: OverrideRow) -> LockOverride:
    expires = dt.date.fromisoformat(row.expires_at) if row.expires_at else None
    at = dt.date.fromisoformat(row.created_at[:10])
    return LockOverride(
        row.detector_id, row.convention_key, row.glob, row.severity, expires, row.created_by, at
    )


def override_row(override: LockOverride) -> OverrideRow:
    return OverrideRow(
        pattern_id_of(override.rule, override.convention_key),
        override.rule,
        override.convention_key,
        override.glob,
        override.severity,
        override.expires.isoformat() if override.expires else None,
        override.by,
        override.at.isoformat(),
    )


def _apply_overrides(conn: apsw.Connection, lock: Lock) -> None:
    current = {override_of(row).key: override_of(row) for row in pattern_repo.overrides(conn)}
    for key, override in lock.overrides.items():
        if current.get(key) != override:
            pattern_repo.put_override(conn, override_row(override))
    for key in current.keys() - lock.overrides.keys():
        pattern_repo.delete_override(conn, pattern_id_of(key[0], key[1]), key[2])


def apply_lock(conn: apsw.Connection, lock: Lock) -> set[Slot]:
    """Make the database's decisions and overrides exactly the lock's (one the lock no longer
    holds was taken back by whoever edited it); returns the slots whose decisions changed,
    which must be learnt again."""
    _apply_overrides(conn, lock)
    current = {row.pattern_id: row for row in pattern_repo.decision_rows(conn)}
    wanted = {row.pattern_id: row for row in map(_row_of, lock.entries.values())}
    changed: set[Slot] = set()
    for pattern_id, row in wanted.items():
        old = current.get(pattern_id)
        if old is None or (old.decision, old.decided_by, old.decided_at[:10]) != (
            row.decision,
            row.decided_by,
            row.decided_at,
        ):
            pattern_repo.put_decision(conn, row)
        if old is None or old.decision != row.decision:
            changed.add(_slot(row))
    for pattern_id, old in current.items():
        if pattern_id not in wanted:
            pattern_repo.delete_decision(conn, pattern_id)
            changed.add(_slot(old))
    return changed


def unpin(conn: apsw.Connection) -> set[Slot]:
    """Without a lock, drop the automatic approvals an earlier one pinned (they are the
    lock's, not a person's): learning decides them again. The slots to re-learn."""
    changed = set()
    for row in pattern_repo.decision_rows(conn):
        if row.decided_by == AUTO:
            pattern_repo.delete_decision(conn, row.pattern_id)
            changed.add(_slot(row))
    return changed


def pin(conn: apsw.Connection, *, prune: bool, today: dt.date) -> Lock:
    """The lock the database describes, recording the automatic approvals it pins as
    decisions. `prune` also drops people's decisions on conventions the code no longer
    shows."""
    entries = []
    decided = set()
    for row in pattern_repo.decision_rows(conn):
        gone = not pattern_repo.exists(conn, row.pattern_id)
        if gone and (prune or row.decided_by == AUTO):
            pattern_repo.delete_decision(conn, row.pattern_id)
            continue
        decided.add(row.pattern_id)
        entries.append(entry_of(row))
    for pattern in pattern_repo.approved(conn):
        if pattern.id in decided:
            continue
        row = DecisionRow(
            pattern.id,
            pattern.detector_id,
            pattern.convention_key,
            "approved",
            AUTO,
            today.isoformat(),
        )
        pattern_repo.put_decision(conn, row)
        entries.append(entry_of(row))
    overrides = [override_of(row) for row in pattern_repo.overrides(conn)]
    return Lock({e.key: e for e in entries}, {o.key: o for o in overrides})


def decided_entries(conn: apsw.Connection, pattern_ids: set[str]) -> list[LockEntry]:
    """The lock entries of the decisions just made on `pattern_ids`."""
    return [entry_of(r) for r in pattern_repo.decision_rows(conn) if r.pattern_id in pattern_ids]


def without_evidence(conn: apsw.Connection, lock: Lock) -> list[LockEntry]:
    """Locked conventions the code no longer shows (learning found no such convention)."""
    return sorted(
        (e for e in lock.entries.values() if not pattern_repo.exists(conn, pattern_id_of(*e.key))),
        key=lambda e: e.key,
    )


def disagreements(conn: apsw.Connection, lock: Lock) -> list[str]:
    """Where the lock and what the code shows (as last scanned) disagree, one line each."""
    found = []
    paths = list(file_repo.stats(conn))
    for override in sorted(lock.overrides.values(), key=lambda o: o.key):
        if not any(path_matches(override.glob, path) for path in paths):
            found.append(f"override {override.describe()}: no file matches {override.glob}")
    for entry in without_evidence(conn, lock):
        known = entry.rule in DETECTORS
        why = "the code no longer shows it" if known else "Drift has no such rule"
        found.append(f"{entry.describe()}: {entry.status} in the lock, but {why}")
    locked = {pattern_id_of(*key) for key in lock.entries}
    for pattern in sorted(
        pattern_repo.approved(conn), key=lambda p: (p.detector_id, p.convention_key)
    ):
        if pattern.id not in locked:
            found.append(
                f"{pattern.detector_id} {pattern.convention_key}: learned with "
                f"{pattern.confidence_level} confidence ({pattern.confidence_score:.2f}) and "
                "enforced, but the lock does not decide it"
            )
    return found

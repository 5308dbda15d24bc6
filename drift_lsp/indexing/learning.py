"""Re-learning slots after their observations changed: the database side of
`analysis.learn`, run inside the writer transaction that stored those observations."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import apsw

from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.analysis.learn import Convention, learn_convention
from drift_lsp.analysis.model import convention_key_of
from drift_lsp.config import LearningConfig
from drift_lsp.indexing.apply import Touched
from storage.repositories import patterns as pattern_repo
from storage.repositories import scans as scan_repo
from storage.repositories.patterns import pattern_id_of


@dataclass
class Learned:
    created: int = 0
    # Patterns whose locations were rebuilt: their examples need picking again.
    rebuilt: set[str] = field(default_factory=set)
    # Whether what is enforced changed (an approved pattern appeared, went, or changed
    # status): every open document's diagnostics may be different now.
    enforced_changed: bool = False
    # Approved by this pass without a person's decision: the scan names them, so what will
    # be enforced never comes as a surprise.
    auto_approved: list[str] = field(default_factory=list)


def _status(
    decision: str | None,
    old: pattern_repo.PatternRow | None,
    convention: Convention,
    learning: LearningConfig,
    may_become_rule: bool,
) -> str:
    """A person's decision wins; otherwise approved when the evidence and the direction
    allow it (`Convention.auto_approvable`). Once approved, a convention is not lifted by the
    deviations it reports (the first camelCase name typed would otherwise switch the naming
    rule off): it stays approved while it is the convention and a practice, until a person
    ignores it or auto-approval is turned off."""
    if decision is not None:
        return decision
    if convention.auto_approvable:
        return "approved"
    kept = old is not None and old.status == "approved" and learning.auto_approve
    return "approved" if kept and may_become_rule else "discovered"


def relearn(
    conn: apsw.Connection,
    touched: Touched,
    learning: LearningConfig,
    *,
    everything: bool = False,
) -> Learned:
    """Re-learn the touched slots (or, with `everything`, every slot) and bring their
    patterns and locations up to date. User decisions recorded in learned_patterns win over
    auto-approval; a pattern that stops being the convention is deleted (its history stays).
    """
    slots: Iterable[scan_repo.Slot] = scan_repo.all_slots(conn) if everything else touched.slots
    changed_files = None if everything else touched.files
    now_ns = time.time_ns()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    decisions = pattern_repo.decisions(conn)
    learned = Learned()
    for slot in sorted(slots):
        detector = DETECTORS.get(slot[0])
        if detector is None:
            continue
        convention = learn_convention(
            scan_repo.slot_rows(conn, slot), now_ns=now_ns, learning=learning, detector=detector
        )
        existing = pattern_repo.for_slot(conn, *slot)
        keep = None
        if convention is not None:
            convention_key = convention_key_of(convention.value, slot[1])
            keep = pattern_id_of(detector.id, convention_key)
            old = next((p for p in existing if p.id == keep), None)
            status = _status(
                decisions.get(keep),
                old,
                convention,
                learning,
                detector.may_become_rule(convention.value),
            )
            row = pattern_repo.PatternRow(
                id=keep,
                category=detector.category,
                subcategory=detector.id.partition("/")[2],
                name=detector.name,
                description=f"{detector.description} Convention: {convention.value}.",
                status=status,
                detection_method="regex" if detector.classify_path else "ast",
                detector_id=detector.id,
                convention_key=convention_key,
                confidence_frequency=convention.frequency,
                confidence_consistency=convention.consistency,
                confidence_age=convention.age,
                confidence_spread=convention.spread,
                confidence_score=convention.score,
                confidence_level=convention.level,
                severity=detector.severity,
                auto_fixable=int(detector.fix is not None),
                location_count=old.location_count if old else 0,
                outlier_count=old.outlier_count if old else 0,
                first_seen=old.first_seen if old else now,
                last_seen=now,
                source="learned",
                tags=old.tags if old else "[]",
                created_at=old.created_at if old else now,
                updated_at=now,
            )
            if pattern_repo.upsert(conn, row) == "created":
                learned.created += 1
            was = old.status if old else None
            if status == "approved" != was and keep not in decisions:
                learned.auto_approved.append(keep)
            learned.enforced_changed |= was != status and "approved" in (was, status)
            locations, outliers = scan_repo.rebuild_locations(
                conn, keep, slot, convention.value, None if old is None else changed_files
            )
            pattern_repo.set_counts(conn, keep, locations, outliers)
            learned.rebuilt.add(keep)
        for stale in existing:
            if stale.id != keep:
                learned.enforced_changed |= stale.status == "approved"
                pattern_repo.delete(conn, stale.id)
    return learned

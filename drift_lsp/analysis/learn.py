"""Learning: which way of doing a thing is the codebase's convention, and how sure we are.

For each slot — a (detector, context) pair — the most common value is the convention when it
has at least `minOccurrences` occurrences, at least 60 % of them, in at least 2 files.

Confidence = 0.4·frequency + 0.3·consistency + 0.15·age + 0.15·spread, each in [0, 1]:
- frequency: the convention's share of the slot's occurrences;
- consistency: the share of files using the slot that never deviate from the convention;
- age: how long the conforming files have been as they are (mean time of their last git
  commit, or mtime outside git), saturating at 90 days;
- spread: how many files follow it, saturating at 10 files.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import apsw

from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.analysis.examples import refresh_examples
from drift_lsp.analysis.model import make_pattern_id, pattern_key
from drift_lsp.config import LearningConfig
from storage.repositories import patterns as pattern_repo
from storage.repositories import scans as scan_repo

MIN_SHARE = 0.60
MIN_FILES = 2
AGE_SATURATION_DAYS = 90
SPREAD_SATURATION_FILES = 10
_NS_PER_DAY = 86_400 * 10**9


@dataclass(frozen=True)
class Convention:
    value: str
    occurrences: int
    total: int
    files: int
    frequency: float
    consistency: float
    age: float
    spread: float
    score: float
    level: str


def confidence_level(score: float) -> str:
    if score >= 0.85:
        return "high"
    if score >= 0.70:
        return "medium"
    if score >= 0.50:
        return "low"
    return "uncertain"


def learn_convention(
    rows: Iterable[tuple[str, str, int, int]], *, min_occurrences: int, now_ns: int
) -> Convention | None:
    """`rows` are (value, file, occurrences, file age as a time in ns) for one slot."""
    counts: dict[str, int] = defaultdict(int)
    files_of: dict[str, dict[str, int]] = defaultdict(dict)
    values_in: dict[str, set[str]] = defaultdict(set)
    for value, path, occurrences, changed_ns in rows:
        counts[value] += occurrences
        files_of[value][path] = changed_ns
        values_in[path].add(value)
    if not counts:
        return None
    value = min(counts, key=lambda v: (-counts[v], v))
    total = sum(counts.values())
    conforming = files_of[value]
    share = counts[value] / total
    if counts[value] < min_occurrences or share < MIN_SHARE or len(conforming) < MIN_FILES:
        return None
    consistency = sum(1 for vals in values_in.values() if vals == {value}) / len(values_in)
    mean_changed = sum(conforming.values()) / len(conforming)
    age = min(1.0, max(0.0, (now_ns - mean_changed) / _NS_PER_DAY / AGE_SATURATION_DAYS))
    spread = min(1.0, len(conforming) / SPREAD_SATURATION_FILES)
    score = round(0.4 * share + 0.3 * consistency + 0.15 * age + 0.15 * spread, 4)
    return Convention(
        value=value,
        occurrences=counts[value],
        total=total,
        files=len(conforming),
        frequency=round(share, 4),
        consistency=round(consistency, 4),
        age=round(age, 4),
        spread=round(spread, 4),
        score=score,
        level=confidence_level(score),
    )


@dataclass
class RelearnResult:
    created: int = 0
    changed_patterns: set[str] | None = None


def _status(decision: str | None, old: pattern_repo.PatternRow | None, score: float, auto: float):
    if decision is not None:
        return decision
    if old is not None and old.status != "discovered":
        return old.status
    return "approved" if score >= auto else "discovered"


def relearn(
    conn: apsw.Connection,
    slots: Iterable[scan_repo.Slot],
    changed_files: set[str],
    *,
    min_occurrences: int,
    auto_approve: float,
) -> RelearnResult:
    """Re-learn the given slots and bring their patterns and locations up to date.

    Runs inside the writer transaction that closes a scan. User decisions recorded in
    learned_patterns win over auto-approval; a pattern that stops being the convention is
    deleted (its history stays).
    """
    now_ns = time.time_ns()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    decisions = pattern_repo.decisions(conn)
    result = RelearnResult(changed_patterns=set())
    for slot in sorted(slots):
        detector = DETECTORS.get(slot[0])
        if detector is None:
            continue
        convention = learn_convention(
            scan_repo.slot_rows(conn, slot), min_occurrences=min_occurrences, now_ns=now_ns
        )
        existing = pattern_repo.for_slot(conn, *slot)
        keep = None
        if convention is not None:
            pattern_id = make_pattern_id(convention.value, slot[1])
            keep = pattern_key(detector.id, pattern_id)
            old = next((p for p in existing if p.id == keep), None)
            row = pattern_repo.PatternRow(
                id=keep,
                category=detector.category,
                subcategory=detector.id.partition("/")[2],
                name=detector.name,
                description=f"{detector.description} Convention: {convention.value}.",
                status=_status(decisions.get(keep), old, convention.score, auto_approve),
                detection_method="regex" if detector.classify_path else "ast",
                detector_id=detector.id,
                pattern_id=pattern_id,
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
                result.created += 1
            locations, outliers = scan_repo.rebuild_locations(
                conn, keep, slot, convention.value, None if old is None else changed_files
            )
            pattern_repo.set_counts(conn, keep, locations, outliers)
            result.changed_patterns.add(keep)
        for stale in existing:
            if stale.id != keep:
                pattern_repo.delete(conn, stale.id)
    return result


def update_patterns(
    conn: apsw.Connection,
    root: Path,
    slots: Iterable[scan_repo.Slot],
    changed_files: set[str],
    learning: LearningConfig,
) -> RelearnResult:
    """Re-learn `slots` and re-pick the examples of every pattern that changed: what both a
    scan and a single saved file do once their observations are stored."""
    learned = relearn(
        conn,
        slots,
        changed_files,
        min_occurrences=learning.minOccurrences,
        auto_approve=learning.autoApproveThreshold,
    )
    refresh_examples(conn, root, learned.changed_patterns or ())
    return learned

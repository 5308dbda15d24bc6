"""Violations: observations that deviate from an approved pattern, with their quick fixes.

Violations are computed on demand from the stored approved patterns and never stored.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence

from drift_lsp.analysis.detect import Analysis
from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.analysis.fixes import FixFinder
from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.model import ApprovedPattern, Observation, Violation
from drift_lsp.analysis.suppression import find_suppressions, ignore_line_edit

__all__ = ["find_violations", "ignore_line_edit"]

# A file with at least this many deviations from a convention, more than it has conforming
# places, follows a way of its own (an old module whose public API predates the convention,
# a file written in another style): it is reported once, at its first deviation, not at
# every name or string of it.
OWN_WAY_MIN = 3


def _violation_id(file: str, observation: Observation, pattern: ApprovedPattern) -> str:
    key = f"{file}:{observation.line}:{observation.column}:{pattern.id}"
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def _message(
    pattern: ApprovedPattern, observation: Observation, subject: str, more: int = 0
) -> str:
    quoted = f" '{subject}'" if subject else ""
    message = f"{pattern.name}: expected {pattern.value}, found {observation.value}{quoted}"
    if more:
        message += f" (and {more} more in this file, which mostly does it its own way)"
    return message


def find_violations(
    rel_path: str,
    text: str,
    observations: Sequence[Observation],
    approved: Iterable[ApprovedPattern],
    *,
    analysis: Analysis | None = None,
) -> list[Violation]:
    """Observations of `text` whose (detector, context) has an approved pattern with another
    value the detector enforces it against (never a practice against a convention of its
    absence), minus suppressed ones. Pass the `analysis` the observations came from, if at
    hand, so quick fixes don't parse the text again."""
    by_slot = {(p.detector_id, p.context): p for p in approved}
    if not by_slot:
        return []
    suppressions = find_suppressions(text, language_for_path(rel_path))
    if suppressions.whole_file:
        return []
    deviations: list[tuple[Observation, ApprovedPattern]] = []
    conforming: Counter[str] = Counter()
    for observation in observations:
        pattern = by_slot.get((observation.detector_id, observation.context))
        if pattern is None:
            continue
        if observation.value == pattern.value:
            conforming[pattern.id] += 1
            continue
        detector = DETECTORS.get(pattern.detector_id)
        if detector is None or not detector.enforces(pattern.value, observation.value):
            continue
        keys = (pattern.id, pattern.name, pattern.detector_id)
        if suppressions.covers(observation.line, keys, detector.suppressed_by):
            continue
        deviations.append((observation, pattern))
    deviating = Counter(pattern.id for _, pattern in deviations)
    own_way = {
        pattern_id
        for pattern_id, count in deviating.items()
        if count >= OWN_WAY_MIN and count > conforming[pattern_id]
    }
    deviations.sort(key=lambda found: (found[0].line, found[0].column))
    fixes = FixFinder(rel_path, text, analysis)
    violations = []
    for observation, pattern in deviations:
        more = 0
        if pattern.id in own_way:
            if deviating[pattern.id] == 0:
                continue
            more, deviating[pattern.id] = deviating[pattern.id] - 1, 0
        violations.append(
            Violation(
                id=_violation_id(rel_path, observation, pattern),
                pattern_id=pattern.id,
                severity=pattern.severity,
                message=_message(pattern, observation, fixes.subject(observation), more),
                file=rel_path,
                line=observation.line,
                column=observation.column,
                end_line=observation.end_line,
                end_column=observation.end_column,
                expected=pattern.value,
                actual=observation.value,
                quick_fixes=fixes.fixes(observation, pattern.value),
                pattern_name=pattern.name,
                detector_id=pattern.detector_id,
            )
        )
    return violations

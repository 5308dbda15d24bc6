"""Violations: observations that deviate from an approved pattern, with their quick fixes.

Violations are computed on demand from the stored approved patterns and never stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from drift_lsp.analysis.detect import Analysis
from drift_lsp.analysis.detectors.base import FixRequest
from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.analysis.model import ApprovedPattern, Observation, QuickFix, Violation
from drift_lsp.analysis.suppression import find_suppressions, ignore_line_edit

__all__ = ["find_violations", "ignore_line_edit"]


def _violation_id(file: str, observation: Observation, pattern: ApprovedPattern) -> str:
    key = f"{file}:{observation.line}:{observation.column}:{pattern.id}"
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def find_violations(analysis: Analysis, approved: Iterable[ApprovedPattern]) -> list[Violation]:
    by_slot = {(p.detector_id, p.context): p for p in approved}
    if not by_slot:
        return []
    source = analysis.source
    suppressions = find_suppressions(source.data.decode("utf-8", "replace"))
    if suppressions.whole_file:
        return []
    violations = []
    for observation, node in zip(analysis.observations, analysis.nodes, strict=True):
        pattern = by_slot.get((observation.detector_id, observation.context))
        if pattern is None or observation.value == pattern.value:
            continue
        keys = (pattern.id, pattern.name, pattern.detector_id)
        if suppressions.covers(observation.line, keys):
            continue
        detector = DETECTORS[observation.detector_id]
        fixes: tuple[QuickFix, ...] = ()
        if detector.fix is not None and node is not None:
            fix = detector.fix(FixRequest(source, analysis.tree, node, observation, pattern.value))
            fixes = (fix,) if fix is not None else ()
        subject = f" '{observation.symbol}'" if observation.symbol else ""
        violations.append(
            Violation(
                id=_violation_id(source.rel_path, observation, pattern),
                pattern_id=pattern.id,
                pattern_name=pattern.name,
                detector_id=pattern.detector_id,
                severity=pattern.severity,
                message=(
                    f"{pattern.name}: expected {pattern.value}, found {observation.value}{subject}"
                ),
                file=source.rel_path,
                line=observation.line,
                column=observation.column,
                end_line=observation.end_line,
                end_column=observation.end_column,
                expected=pattern.value,
                actual=observation.value,
                quick_fixes=fixes,
            )
        )
    return violations

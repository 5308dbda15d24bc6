"""Which violations are new relative to a baseline (`drift check --baseline REF`).

A violation is matched by its rule, its file and the code it is about, never by its line
number, so code moved up or down (lines added above it, the file renamed) keeps its old
violations "unchanged". Two keys, tried in turn: the offending code together with its whole
line (exact), then the offending code alone (the same name on a line edited elsewhere).
Matching counts occurrences: a file with three violations of one key at the baseline and
four now has one new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from drift_lsp.analysis.model import Violation

# The states SARIF's `baselineState` takes.
NEW, UNCHANGED, ABSENT = "new", "unchanged", "absent"


@dataclass(frozen=True)
class Fingerprinted:
    violation: Violation
    exact: str  # rule, file, offending code and its line
    loose: str  # rule, file, offending code


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def fingerprint(violation: Violation, lines: list[str], file: str) -> Fingerprinted:
    """`lines` are the text's lines the violation was found in; `file` is the path it is
    compared under (the current path of a file renamed since the baseline)."""
    line = lines[violation.line] if violation.line < len(lines) else ""
    end = violation.end_column if violation.end_line == violation.line else len(line)
    code = " ".join(line[violation.column : end].split())
    whole = " ".join(line.split())
    rule = violation.detector_id
    return Fingerprinted(
        violation, _digest(rule, file, code, whole), _digest(rule, file, code, violation.actual)
    )


def fingerprints(violations: Iterable[Violation], text: str, file: str) -> list[Fingerprinted]:
    lines = text.splitlines()
    return [fingerprint(v, lines, file) for v in violations]


@dataclass
class Compared:
    new: list[Fingerprinted] = field(default_factory=list)
    unchanged: list[Fingerprinted] = field(default_factory=list)
    absent: list[Fingerprinted] = field(default_factory=list)  # at the baseline, gone now

    def add(self, other: Compared) -> None:
        self.new += other.new
        self.unchanged += other.unchanged
        self.absent += other.absent

    def states(self) -> list[tuple[str, Fingerprinted]]:
        """Every violation with its SARIF baselineState."""
        groups = ((NEW, self.new), (UNCHANGED, self.unchanged), (ABSENT, self.absent))
        return [(state, found) for state, group in groups for found in group]


def compare(current: list[Fingerprinted], baseline: list[Fingerprinted]) -> Compared:
    matched: set[int] = set()
    base_matched: set[int] = set()
    for key in ("exact", "loose"):
        available: dict[str, list[int]] = {}
        for index, found in enumerate(baseline):
            if index not in base_matched:
                available.setdefault(getattr(found, key), []).append(index)
        for index, found in enumerate(current):
            if index in matched:
                continue
            candidates = available.get(getattr(found, key))
            if candidates:
                base_matched.add(candidates.pop(0))
                matched.add(index)
    return Compared(
        new=[f for i, f in enumerate(current) if i not in matched],
        unchanged=[f for i, f in enumerate(current) if i in matched],
        absent=[f for i, f in enumerate(baseline) if i not in base_matched],
    )

"""`drift gate`'s policy, applied: the new violations since a baseline and the health score
in, one result per gate out. Pure: the caller finds the violations and stores the run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from drift_lsp.analysis.model import SEVERITIES, Violation


@dataclass(frozen=True)
class Policy:
    fail_on: str
    max_new: int
    min_health: float | None
    categories: Mapping[str, Mapping[str, int]]

    def to_json(self) -> dict[str, Any]:
        return {
            "failOn": self.fail_on,
            "maxNew": self.max_new,
            "minHealth": self.min_health,
            "categories": {name: dict(limits) for name, limits in sorted(self.categories.items())},
        }


@dataclass(frozen=True)
class GateResult:
    name: str  # "new-violations", "health", "category:naming"
    passed: bool
    actual: float
    limit: float
    # "at most" for counts, "at least" for scores: how `actual` is held against `limit`.
    bound: str

    def line(self) -> str:
        verdict = "pass" if self.passed else "FAIL"
        return f"{verdict}  {self.name}: {self.actual:g} ({self.bound} {self.limit:g})"


@dataclass(frozen=True)
class Verdict:
    passed: bool
    gates: list[GateResult]
    counted: int  # new violations at failOn or worse

    def gates_json(self) -> list[dict[str, Any]]:
        return [asdict(gate) for gate in self.gates]


def category_of(violation: Violation) -> str:
    # Rule codes are "family/name" and the family is the pattern's category.
    return violation.detector_id.partition("/")[0]


def evaluate(policy: Policy, new: Iterable[Violation], health: float) -> Verdict:
    """Each gate the policy sets, in a fixed order: the new violations that count (failOn or
    worse) against maxNew, health against minHealth when set, then each category's maxNew."""
    threshold = SEVERITIES.index(policy.fail_on)
    counted = [v for v in new if SEVERITIES.index(v.severity) <= threshold]
    per_category = Counter(category_of(v) for v in counted)
    gates = [
        GateResult("new-violations", len(counted) <= policy.max_new, len(counted),
                   policy.max_new, "at most"),
    ]  # fmt: skip
    if policy.min_health is not None:
        gates.append(
            GateResult("health", health >= policy.min_health, health, policy.min_health, "at least")
        )
    for category, limits in sorted(policy.categories.items()):
        found, most = per_category[category], limits.get("maxNew", policy.max_new)
        gates.append(GateResult(f"category:{category}", found <= most, found, most, "at most"))
    return Verdict(all(g.passed for g in gates), gates, len(counted))


@dataclass(frozen=True)
class Regression:
    pattern_id: str
    rule: str
    before: float  # compliance, 0..1
    after: float

    def line(self) -> str:
        return (
            f"{self.rule} ({self.pattern_id}): compliance {100 * self.before:.1f}% -> "
            f"{100 * self.after:.1f}%"
        )


def regressions(
    before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]
) -> list[Regression]:
    """The approved patterns whose compliance fell between two gate snapshots (their
    `patterns` lists), worst fall first."""
    earlier = {p["id"]: p["compliance"] for p in before}
    fell = [
        Regression(p["id"], p["rule"], earlier[p["id"]], p["compliance"])
        for p in after
        if p["status"] == "approved" and p["compliance"] < earlier.get(p["id"], 0.0)
    ]
    return sorted(fell, key=lambda r: (r.after - r.before, r.rule))

"""Why a convention was learned, in words a maintainer can check: the competing ways with
their shares per occurrence and per file, how many files, the scope, and how it came to be
enforced (or not)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from drift_lsp.analysis.scope import describe, unscoped


@dataclass(frozen=True)
class Share:
    value: str
    occurrences: int
    occurrence_share: float
    files: int
    file_share: float


@dataclass(frozen=True)
class Explanation:
    rule: str
    name: str
    value: str
    context: str
    scope: str
    status: str
    how: str
    score: float
    files: int
    shares: tuple[Share, ...]
    deviating_files: tuple[tuple[str, int], ...]

    def lines(self) -> list[str]:
        out = [
            f"{self.rule} ({self.name}) in {self.scope}: {self.value!r} for {self.context}",
            f"status: {self.status}, {self.how}",
            f"seen in {self.files} file(s):",
        ]
        out += [
            f"  {s.value!r}: {s.occurrences} occurrence(s) ({s.occurrence_share:.0%}), "
            f"{s.files} file(s) ({s.file_share:.0%})"
            for s in self.shares
        ]
        if self.deviating_files:
            out.append("most deviations:")
            out += [f"  {path}: {count}" for path, count in self.deviating_files]
        return out


def explain(
    rule: str,
    name: str,
    value: str,
    context: str,
    status: str,
    score: float,
    decision: tuple[str, str, str] | None,
    auto_threshold: float,
    rows: Iterable[tuple[str, str, int, int]],
    top: int = 5,
) -> Explanation:
    """`rows` are the slot's (value, file, occurrences, age) as learning counts them."""
    occurrences: dict[str, int] = defaultdict(int)
    files_of: dict[str, set[str]] = defaultdict(set)
    deviations: dict[str, int] = defaultdict(int)
    for row_value, path, count, _age in rows:
        occurrences[row_value] += count
        files_of[row_value].add(path)
        if row_value != value:
            deviations[path] += count
    total = sum(occurrences.values()) or 1
    all_files = set().union(*files_of.values()) if files_of else set()
    shares = tuple(
        Share(v, n, n / total, len(files_of[v]), len(files_of[v]) / max(1, len(all_files)))
        for v, n in sorted(occurrences.items(), key=lambda item: -item[1])
    )
    if decision is not None:
        how = f"{decision[0]} by {decision[1]} on {decision[2][:10]}"
    elif status == "approved" and score >= auto_threshold:
        how = f"approved automatically (score {score:.2f} >= {auto_threshold:.2f})"
    elif status == "approved":
        # Learning keeps an automatic approval while the value stays the convention.
        how = (
            f"approved automatically, kept while it is the convention "
            f"(score now {score:.2f}, below {auto_threshold:.2f})"
        )
    else:
        how = f"not enforced (score {score:.2f}; auto-approval needs {auto_threshold:.2f})"
    plain, scope = unscoped(context)
    worst = sorted(deviations.items(), key=lambda item: (-item[1], item[0]))[:top]
    return Explanation(
        rule,
        name,
        value,
        plain,
        describe(scope),
        status,
        how,
        score,
        len(all_files),
        shares,
        tuple(worst),
    )

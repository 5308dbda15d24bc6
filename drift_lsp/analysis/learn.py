"""Learning: which way of doing a thing is the codebase's convention, and how sure we are.

For each slot — a (detector, context) pair — the most common value is the convention when it
has at least 3 occurrences, at least 60 % of them, in at least 2 files: a fact `drift
patterns` shows. It becomes a rule without a person's approval (auto-approval) only on real
evidence, and only in the direction of a practice:
- `learning.autoApprove` is on and the score reaches `learning.autoApproveThreshold`;
- it has `learning.minOccurrences` occurrences in `learning.minFiles` files;
- at least `learning.minFileShare` (75 %) of the files using the slot never deviate from it
  (`any` in a third of the files is no "specific types" convention, however many
  annotations are specific);
- its value is not the absence of a practice (the detector table says which values are):
  "most functions have no docstring" is shown, never enforced against a docstring.

Confidence = 0.4·frequency + 0.3·consistency + 0.15·age + 0.15·spread, each in [0, 1]:
- frequency: the convention's share of the slot's occurrences;
- consistency: the share of files using the slot that never deviate from the convention;
- age: how long the conforming files have been as they are (mean time of their last git
  commit, or mtime outside git), saturating at 90 days;
- spread: how many files follow it, saturating at 10 files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from drift_lsp.analysis.detectors.base import Detector
from drift_lsp.config import LearningConfig

MIN_SHARE = 0.60
MIN_FILES = 2
MIN_OCCURRENCES = 3
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
    # Whether the evidence and the direction let it become a rule without a person.
    auto_approvable: bool = False


def confidence_level(score: float) -> str:
    if score >= 0.85:
        return "high"
    if score >= 0.70:
        return "medium"
    if score >= 0.50:
        return "low"
    return "uncertain"


def learn_convention(
    rows: Iterable[tuple[str, str, int, int]],
    *,
    now_ns: int,
    learning: LearningConfig | None = None,
    detector: Detector | None = None,
) -> Convention | None:
    """`rows` are (value, file, occurrences, file age as a time in ns) for one slot of
    `detector`; `learning` holds the evidence auto-approval needs (defaults if None)."""
    learning = learning or LearningConfig()
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
    if counts[value] < MIN_OCCURRENCES or share < MIN_SHARE or len(conforming) < MIN_FILES:
        return None
    consistency = sum(1 for vals in values_in.values() if vals == {value}) / len(values_in)
    mean_changed = sum(conforming.values()) / len(conforming)
    age = min(1.0, max(0.0, (now_ns - mean_changed) / _NS_PER_DAY / AGE_SATURATION_DAYS))
    spread = min(1.0, len(conforming) / SPREAD_SATURATION_FILES)
    score = round(0.4 * share + 0.3 * consistency + 0.15 * age + 0.15 * spread, 4)
    auto_approvable = (
        learning.auto_approve
        and score >= learning.auto_approve_threshold
        and counts[value] >= learning.min_occurrences
        and len(conforming) >= learning.min_files
        and consistency >= learning.min_file_share
        and (detector is None or detector.may_become_rule(value))
    )
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
        auto_approvable=auto_approvable,
    )

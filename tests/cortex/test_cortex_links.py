"""Relationships, links, and the one query that joins memories to drift.db's patterns."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.cortex import Cortex, Links
from storage.cortex.errors import CortexError
from storage.database import DatabaseManager

PATTERN = "0123456789abcdef"
OTHER_PATTERN = "fedcba9876543210"


PATTERN_ROWS = [
    (PATTERN, "naming", "snake_case functions", "approved", "naming/function",
     "snake_case/declaration", 0.93, "high"),
    (OTHER_PATTERN, "errors", "re-raise in jobs", "discovered", "errors/raise", "reraise/call",
     0.61, "low"),
]  # fmt: skip


def _drift_db_with_patterns(root: Path) -> None:
    with DatabaseManager(root / ".drift" / "drift.db") as db:
        db.write(
            lambda c: c.executemany(
                "INSERT INTO patterns (id, category, name, status, detector_id, convention_key, "
                "confidence_score, confidence_level) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                PATTERN_ROWS,
            )
        )


def test_relationships_both_directions_and_by_type(cortex: Cortex) -> None:
    a = cortex.add("decision", "Adopt structlog")
    b = cortex.add("incident", "Lost logs during the March outage")
    c = cortex.add("goal", "Searchable logs")
    cortex.link(a.id, "derived_from", b.id, 0.8)
    cortex.link(a.id, "supports", c.id)
    cortex.link(b.id, "related", c.id, 0.3)

    assert [(r.source_id, r.type, r.target_id) for r in cortex.relationships(a.id)] == [
        (a.id, "derived_from", b.id),
        (a.id, "supports", c.id),
    ]
    assert [r.source_id for r in cortex.relationships(c.id)] == [a.id, b.id]
    assert [r.target_id for r in cortex.relationships(a.id, "supports")] == [c.id]
    assert cortex.related(a.id, "derived_from") == [b.id]
    # Linking again updates the strength instead of duplicating.
    cortex.link(a.id, "derived_from", b.id, 0.5)
    assert [r.strength for r in cortex.relationships(a.id, "derived_from")] == [0.5]


def test_bad_relationships_are_clear_errors(cortex: Cortex) -> None:
    a = cortex.add("decision", "Adopt structlog")
    with pytest.raises(CortexError, match="unknown relationship 'friends'; use one of: super"):
        cortex.link(a.id, "friends", a.id)
    with pytest.raises(CortexError, match="cannot be related to itself"):
        cortex.link(a.id, "related", a.id)
    with pytest.raises(CortexError, match="no memory with id 999"):
        cortex.link(a.id, "related", 999)
    with pytest.raises(CortexError, match="between 0 and 1"):
        cortex.link(a.id, "related", a.id, strength=2)


def test_links_to_patterns_files_functions_constraints(cortex: Cortex) -> None:
    memory = cortex.add(
        "rationale",
        "Jobs re-raise so the runner retries",
        links=Links(patterns=[OTHER_PATTERN], files=["jobs/runner.py"],
                    functions=[("jobs/runner.py", "run_job")], constraints=["retry-budget"]),
    )  # fmt: skip
    other = cortex.add("rationale", "Functions are snake_case", links=Links(patterns=[PATTERN]))
    links = cortex.links(memory.id)
    assert links.patterns == [OTHER_PATTERN] and links.files == ["jobs/runner.py"]
    assert links.functions == [("jobs/runner.py", "run_job")]
    assert links.constraints == ["retry-budget"]
    assert [m.id for m in cortex.for_pattern(PATTERN)] == [other.id]
    cortex.archive(other.id, "wrong")
    assert cortex.for_pattern(PATTERN) == []
    with pytest.raises(CortexError, match="16-character id"):
        cortex.add("rationale", "x", links=Links(patterns=["short"]))


def test_one_query_returns_memories_with_their_patterns_from_drift_db(
    cortex: Cortex, root: Path
) -> None:
    first = cortex.add("rationale", "snake_case everywhere", links=Links(patterns=[PATTERN]))
    both = cortex.add(
        "decision", "naming and errors", links=Links(patterns=[PATTERN, OTHER_PATTERN])
    )
    unknown = cortex.add("decision", "a pattern drift.db has forgotten",
                         links=Links(patterns=["aaaaaaaaaaaaaaaa"]))  # fmt: skip

    # No drift.db yet: ids only, and no empty drift.db is created by looking.
    assert cortex.with_patterns([first.id])[first.id][0].name is None
    assert not (root / ".drift" / "drift.db").exists()

    _drift_db_with_patterns(root)
    found = cortex.with_patterns([first.id, both.id, unknown.id])
    assert [(p.name, p.status, p.confidence_score) for p in found[first.id]] == [
        ("snake_case functions", "approved", 0.93)
    ]
    assert [(p.pattern_id, p.confidence_level) for p in found[both.id]] == [
        (PATTERN, "high"),
        (OTHER_PATTERN, "low"),
    ]
    assert [(p.pattern_id, p.name) for p in found[unknown.id]] == [("aaaaaaaaaaaaaaaa", None)]
    # Search results carry the same pattern details.
    hit = cortex.search("snake_case everywhere", k=1)[0]
    assert hit.patterns[0].name == "snake_case functions"

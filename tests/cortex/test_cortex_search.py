"""Similarity search: ranking with the default embedder, filters, and the two search paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support.clock import Clock

from storage.cortex import Cortex, SearchFilter
from storage.cortex.embeddings import DIMENSIONS
from storage.cortex.errors import CortexError

# (memory, a differently phrased question that should find it)
LABELLED = [
    ("We re-raise exceptions in job handlers because the job runner retries failed jobs",
     "why do we rethrow errors instead of swallowing them in tasks?"),
    ("print() is fine inside scripts/ since those are one-off maintenance tools",
     "is it ok to use print statements in the scripts directory"),
    ("Function names use snake_case; the linter enforces PEP 8 naming",
     "what naming style do functions follow"),
    ("Database migrations must have a down script so deploys can be rolled back",
     "do migrations need a rollback (down) file?"),
    ("Never log access tokens or passwords; the log pipeline is readable by contractors",
     "can I write secrets like tokens to the logs"),
    ("Tests that hit the network are marked slow and run only in nightly CI",
     "where do network-dependent tests run"),
    ("Public API functions need docstrings with an Examples section",
     "documentation requirements for public functions"),
    ("We pin dependencies in requirements.lock, upgraded weekly by the bot",
     "how are package versions pinned and upgraded"),
    ("Feature flags live in config/flags.toml and are read once at startup",
     "where are feature flags configured"),
    ("Timeouts on outbound HTTP calls default to 10 seconds",
     "what is the default timeout for http requests"),
    ("Use dataclasses with slots for value objects in the domain layer",
     "how should value objects be declared"),
    ("The payments service owns the invoices table; others read through its API",
     "which service owns invoices"),
]  # fmt: skip


def test_a_differently_phrased_question_finds_the_memory_in_the_top_3(cortex: Cortex) -> None:
    ids = [cortex.add("rationale", summary).id for summary, _ in LABELLED]
    misses = []
    for memory_id, (summary, question) in zip(ids, LABELLED, strict=True):
        top = [hit.memory.id for hit in cortex.search(question, k=3)]
        if memory_id not in top:
            misses.append((question, summary))
    assert misses == []


def test_vec0_and_in_memory_paths_return_the_same_ids(cortex: Cortex) -> None:
    rng = np.random.default_rng(7)
    for i in range(60):
        cortex.add(
            ("decision", "warning", "tribal")[i % 3],
            f"memory number {i} about topic {i % 7}",
            tags=["even"] if i % 2 == 0 else ["odd"],
        )
    cortex.archive(3, "obsolete")
    filters = [
        SearchFilter(),
        SearchFilter(types=("warning",)),
        SearchFilter(tags=("even",)),
        SearchFilter(types=("decision", "tribal"), tags=("odd",)),
        SearchFilter(include_archived=True),
    ]
    for _ in range(5):
        query = rng.standard_normal(DIMENSIONS).astype(np.float32)
        query /= np.linalg.norm(query)
        for search_filter in filters:
            by_vec = cortex.search_vector(query, k=10, filters=search_filter, method="vec")
            in_memory = cortex.search_vector(query, k=10, filters=search_filter, method="memory")
            assert [i for i, _ in by_vec] == [i for i, _ in in_memory]
            assert np.allclose([d for _, d in by_vec], [d for _, d in in_memory], atol=1e-5)
    for summary, question in LABELLED:
        cortex.add("rationale", summary)
        in_memory = [h.memory.id for h in cortex.search(question, k=3, method="memory")]
        assert in_memory == [h.memory.id for h in cortex.search(question, k=3, method="vec")]


def test_filters_by_type_tag_validity_and_archived(cortex: Cortex, clock: Clock) -> None:
    clock.set("2026-05-01T00:00:00Z")
    old = cortex.add("decision", "deploy on fridays is forbidden", valid_until="2026-04-01",
                     valid_from="2026-01-01")  # fmt: skip
    tagged = cortex.add("warning", "deploy on fridays needs two approvers", tags=["deploy"])
    archived = cortex.add("decision", "deploy on fridays after 3pm is forbidden")
    cortex.archive(archived.id, "superseded by policy doc")

    def ids(**kwargs: object) -> set[int]:
        return {h.memory.id for h in cortex.search("friday deploys", k=10, **kwargs)}

    assert ids() == {tagged.id}
    assert ids(filters=SearchFilter(valid_at="2026-02-01")) == {old.id}
    assert ids(filters=SearchFilter(include_archived=True)) == {tagged.id, archived.id}
    assert ids(filters=SearchFilter(types=("decision",), include_archived=True)) == {archived.id}
    assert ids(filters=SearchFilter(tags=("deploy",))) == {tagged.id}
    assert ids(filters=SearchFilter(tags=("nope",))) == set()


def test_in_memory_index_follows_own_writes_and_other_processes(
    cortex: Cortex, root: Path, clock: Clock
) -> None:
    first = cortex.add("tribal", "the staging database is reset every night")
    assert [h.memory.id for h in cortex.search("staging reset", k=1, method="memory")] == [first.id]
    epoch = cortex.index.epoch
    second = cortex.add("tribal", "the staging cluster autoscaler is disabled on weekends")
    # Our own write was applied to the matrix directly, no reload.
    assert cortex.index.epoch == epoch + 1 and len(cortex.index) == 2

    with Cortex.open(root, clock=clock) as other:
        third = other.add("tribal", "the staging VPN certificate expires in March")
    hits = cortex.search("staging VPN certificate", k=1, method="memory")
    assert [h.memory.id for h in hits] == [third.id]
    assert len(cortex.index) == 3
    assert second.id in {h.memory.id for h in cortex.search("staging", k=3, method="memory")}


def test_search_records_access_through_the_writer(cortex: Cortex) -> None:
    memory = cortex.add("insight", "flaky tests are usually time-zone dependent")
    assert cortex.get(memory.id, track=False).access_count == 0
    cortex.search("flaky time zone tests", k=1)
    cortex.get(memory.id)
    cortex.db.flush()
    tracked = cortex.get(memory.id, track=False)
    assert tracked.access_count == 2 and tracked.last_accessed is not None
    # Access is bookkeeping, not knowledge: no new version.
    assert tracked.version == 1
    uses = cortex.db.read(
        "t", lambda c: c.execute("SELECT context FROM memory_usage_history ORDER BY id").fetchall()
    )
    assert uses == [("search",), ("show",)]


@pytest.mark.parametrize("k", [1, 3])
def test_search_on_an_empty_store_returns_nothing(cortex: Cortex, k: int) -> None:
    assert cortex.search("anything", k=k) == []
    assert cortex.search("anything", k=k, method="memory") == []


@pytest.mark.parametrize("k", [0, 5000])
def test_an_impossible_k_is_a_clear_error(cortex: Cortex, k: int) -> None:
    with pytest.raises(CortexError, match="k must be between 1 and 4096"):
        cortex.search("anything", k=k)

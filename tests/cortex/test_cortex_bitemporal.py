"""Every change is a new version; queries by recorded time and by valid time."""

from __future__ import annotations

import apsw
import pytest
from support.clock import Clock

from storage.cortex import Cortex, Links
from storage.cortex.errors import CortexError


def test_update_keeps_every_version_and_as_of_returns_the_one_known_then(
    cortex: Cortex, clock: Clock
) -> None:
    clock.set("2026-01-01T10:00:00Z")
    memory = cortex.add("decision", "Use tabs")
    clock.set("2026-02-01T10:00:00Z")
    cortex.update(memory.id, summary="Use four spaces")
    clock.set("2026-03-01T10:00:00Z")
    cortex.update(memory.id, summary="Use four spaces, enforced by ruff format", importance=0.9)

    assert [v.summary for v in cortex.history(memory.id)] == [
        "Use tabs",
        "Use four spaces",
        "Use four spaces, enforced by ruff format",
    ]
    assert cortex.get(memory.id, as_of="2026-01-15").summary == "Use tabs"
    assert cortex.get(memory.id, as_of="2026-02-01T10:00:00Z").summary == "Use four spaces"
    assert cortex.get(memory.id, as_of="2026-02-28T23:59:59Z").version == 2
    latest = cortex.get(memory.id, as_of="2027-01-01")
    assert (latest.version, latest.importance) == (3, 0.9)
    assert cortex.get(memory.id).version == 3
    with pytest.raises(CortexError, match="not recorded yet"):
        cortex.get(memory.id, as_of="2025-12-31")


def test_valid_time_and_recorded_time_are_independent(cortex: Cortex, clock: Clock) -> None:
    # Recorded in March that the rule held from January to June.
    clock.set("2026-03-01T00:00:00Z")
    rule = cortex.add(
        "constraint", "Python 3.10 support", valid_from="2026-01-01", valid_until="2026-06-01"
    )
    always = cortex.add("core", "Tests run in CI", valid_from="2025-01-01")

    assert {m.id for m in cortex.valid_at("2026-02-01")} == {rule.id, always.id}
    assert {m.id for m in cortex.valid_at("2026-07-01")} == {always.id}
    assert {m.id for m in cortex.valid_at("2025-06-01")} == {always.id}
    # In February the database did not know yet, whatever the valid time.
    assert cortex.valid_at("2026-02-01", as_of="2026-02-15") == []
    # The end of validity is later moved; the old knowledge stays queryable.
    clock.set("2026-04-01T00:00:00Z")
    cortex.update(rule.id, valid_until="2026-09-01")
    assert {m.id for m in cortex.valid_at("2026-07-01")} == {rule.id, always.id}
    assert {m.id for m in cortex.valid_at("2026-07-01", as_of="2026-03-15")} == {always.id}
    assert cortex.valid_at("2026-07-01", memory_type="constraint")[0].id == rule.id


def test_supersede_chain_keeps_old_memories_valid_until_the_switch(
    cortex: Cortex, clock: Clock
) -> None:
    clock.set("2026-01-01T00:00:00Z")
    first = cortex.add("decision", "Log with print", tags=["logging"])
    cortex.add_links(first.id, Links(patterns=["aaaaaaaaaaaaaaaa"]))
    clock.set("2026-02-01T00:00:00Z")
    second = cortex.supersede(first.id, "Log with the logging module")
    clock.set("2026-03-01T00:00:00Z")
    third = cortex.supersede(second.id, "Log with structlog")

    assert [m.id for m in cortex.chain(second.id)] == [first.id, second.id, third.id]
    assert [m.id for m in cortex.chain(first.id)] == [first.id, second.id, third.id]
    old = cortex.get(first.id)
    assert (old.superseded_by, old.valid_until) == (second.id, "2026-02-01T00:00:00.000Z")
    assert (third.supersedes, third.tags) == (second.id, ("logging",))
    assert cortex.links(third.id).patterns == ["aaaaaaaaaaaaaaaa"]
    assert [m.summary for m in cortex.valid_at("2026-01-15")] == ["Log with print"]
    assert [m.summary for m in cortex.valid_at("2026-02-15")] == ["Log with the logging module"]
    assert [m.summary for m in cortex.valid_at("2026-03-15")] == ["Log with structlog"]
    assert [(r.source_id, r.target_id) for r in cortex.relationships(second.id)] == [
        (second.id, first.id),
        (third.id, second.id),
    ]
    with pytest.raises(CortexError, match="already superseded by"):
        cortex.supersede(first.id, "A fork of the chain")


def test_archive_hides_but_never_deletes_until_retention(cortex: Cortex, clock: Clock) -> None:
    memory = cortex.add("warning", "Do not call the billing API in tests")
    archived = cortex.archive(memory.id, "billing API has a sandbox now")
    assert archived.archived and archived.archive_reason == "billing API has a sandbox now"
    assert cortex.list().items == []
    assert [m.id for m in cortex.list(include_archived=True).items] == [memory.id]
    assert len(cortex.history(memory.id)) == 2

    kept = cortex.add("core", "Tests run in CI")
    with pytest.raises(apsw.ConstraintError, match="archived, not deleted"):
        cortex.db.write(lambda c: c.execute("DELETE FROM memories WHERE id = ?", (kept.id,)))
    # Retention only removes what was archived before the cutoff, after a safety backup.
    clock.advance(days=10)
    assert cortex.purge_archived(older_than_days=30) == 0
    assert not (cortex.db.path.parent / "backups").exists()
    assert cortex.purge_archived(older_than_days=5) == 1
    assert [m.id for m in cortex.list(include_archived=True).items] == [kept.id]
    assert cortex.history(memory.id) == []
    assert cortex.check() == []
    [backup] = (cortex.db.path.parent / "backups").glob("*.db")
    assert backup.name.startswith("cortex-") and "pre_destructive_operation" in backup.name


def test_list_pages_by_keyset_newest_first(cortex: Cortex) -> None:
    ids = [cortex.add("glossary", f"term {i}").id for i in range(7)]
    cortex.add("goal", "ship 1.0")
    first = cortex.list(memory_type="glossary", limit=3)
    second = cortex.list(memory_type="glossary", limit=3, after=first.next_after)
    third = cortex.list(memory_type="glossary", limit=3, after=second.next_after)
    pages = [m.id for page in (first, second, third) for m in page.items]
    assert pages == list(reversed(ids))
    assert third.next_after is None


def test_an_update_that_changes_the_text_changes_the_vector_and_archive_does_not(
    cortex: Cortex,
) -> None:
    memory = cortex.add("decision", "Use tabs", content={"z": "last", "a": "first"})
    epoch = cortex.db.read("t", lambda c: c.execute("SELECT epoch FROM embedding_epoch").fetchone())
    cortex.archive(memory.id, "style changed")
    assert (
        cortex.db.read("t", lambda c: c.execute("SELECT epoch FROM embedding_epoch").fetchone())
        == epoch
    )
    cortex.update(memory.id, summary="Use four spaces", archived=False, archive_reason=None)
    hits = cortex.search("four spaces indentation", k=1)
    assert [(h.memory.id, h.memory.version) for h in hits] == [(memory.id, 3)]

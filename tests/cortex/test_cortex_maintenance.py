"""cortex.db under the storage engine's backups and `drift doctor`'s checks."""

from __future__ import annotations

from pathlib import Path

import apsw
import pytest
from support.clock import Clock

from drift_lsp.features import memory as memory_feature
from drift_lsp.workspace import TeamMemory
from storage.backup import list_backups, sha256_of
from storage.cortex import Cortex, cortex_db_path, cortex_doctor, open_cortex_db
from storage.cortex.embeddings import HashingEmbedder
from storage.errors import DatabaseCorruptError


def test_backup_copies_memories_and_vectors_and_the_copy_is_searchable(
    cortex: Cortex, tmp_path: Path, clock: Clock
) -> None:
    memory = cortex.add("warning", "Never run migrations by hand on production")
    info = cortex.db.backup()
    assert info.database == "cortex" and info.schema_version == 1
    assert sha256_of(Path(info.path)) == info.sha256
    assert [b.id for b in list_backups(cortex.db.path, "cortex")] == [info.id]

    restored_root = tmp_path / "restored"
    cortex_db_path(restored_root).parent.mkdir(parents=True)
    Path(info.path).rename(cortex_db_path(restored_root))
    with Cortex.open(restored_root, clock=clock) as copy:
        assert copy.check() == []
        hits = copy.search("manual production migrations", k=1, method="memory")
        assert [h.memory.id for h in hits] == [memory.id]


def test_doctor_is_quiet_when_healthy_or_absent_and_names_broken_invariants(
    root: Path, clock: Clock
) -> None:
    assert cortex_doctor(root) == []
    with Cortex.open(root, clock=clock) as cortex:
        first = cortex.add("core", "We ship on Tuesdays")
        cortex.add("core", "Code review needs one approval")
    assert cortex_doctor(root) == []

    # Damage it the way a crashed third-party tool might: a vector vanishes behind our back.
    with open_cortex_db(cortex_db_path(root)) as db:
        db.write(lambda c: c.execute("DELETE FROM memory_embeddings WHERE rowid = ?", (first.id,)))
    assert cortex_doctor(root) == ["1 embedding links without a vector in memory_embeddings"]


def test_doctor_reports_an_old_schema_instead_of_migrating_it(root: Path) -> None:
    path = cortex_db_path(root)
    with open_cortex_db(path) as db:
        db.migrate_to(0)
    assert "run `drift migrate --database cortex`" in cortex_doctor(root)[0]
    plain = apsw.Connection(str(path))
    assert plain.execute("PRAGMA user_version").fetchall() == [(0,)]
    plain.close()


def test_switching_embedder_reembeds_every_memory(root: Path, clock: Clock) -> None:
    with Cortex.open(root, clock=clock) as cortex:
        cortex.add("core", "We ship on Tuesdays")
        cortex.add("core", "Code review needs one approval")
    renamed = HashingEmbedder(model_id="drift-hashing-test")
    with Cortex.open(root, embedder=renamed, clock=clock) as cortex:
        assert cortex.search("shipping day", k=2, method="memory") == []
        assert cortex.reembed_outdated() == 2
        assert [h.memory.id for h in cortex.search("ship Tuesday", k=1)] == [1]
        assert cortex.check() == []


def test_a_garbage_cortex_db_is_reported_and_left_alone(root: Path) -> None:
    path = cortex_db_path(root)
    path.parent.mkdir(parents=True)
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    with pytest.raises(DatabaseCorruptError, match="not a usable Drift database"):
        Cortex.open(root)
    team = TeamMemory(root)
    assert memory_feature.memory_hover_markdown(team, "0123456789abcdef", "names") is None
    team.close()
    assert path.read_bytes() == garbage

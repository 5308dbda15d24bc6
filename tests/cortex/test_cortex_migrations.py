"""Schema 1 of cortex.db goes up and down cleanly and enforces the vocabularies."""

from __future__ import annotations

from pathlib import Path

import apsw
import pytest

from storage.cortex import load_sqlite_vec, open_cortex_db
from storage.cortex.model import MEMORY_TYPES, RELATIONSHIP_TYPES
from storage.migrate import current_version

EXPECTED_TABLES = {
    "memories", "memory_versions", "memory_types", "relationship_types",
    "memory_relationships", "memory_patterns", "memory_constraints", "memory_files",
    "memory_functions", "memory_embeddings", "memory_embedding_link", "embedding_cache",
    "embedding_epoch", "causal_edges", "session_contexts", "memory_validation_history",
    "memory_usage_history", "memory_contradictions", "consolidation_triggers",
    "token_usage_snapshots", "memory_clusters", "backup_history",
}  # fmt: skip


def _tables(conn: apsw.Connection) -> set[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'memory_embeddings_%'"
    )
    return {r[0] for r in rows}


def test_up_creates_every_table_and_both_vocabularies(tmp_path: Path) -> None:
    with open_cortex_db(tmp_path / "cortex.db") as db:
        tables = db.read("t", _tables)
        types = db.read("t", lambda c: {r[0] for r in c.execute("SELECT name FROM memory_types")})
        rels = db.read(
            "t", lambda c: {r[0] for r in c.execute("SELECT name FROM relationship_types")}
        )
    assert tables >= EXPECTED_TABLES
    assert types == set(MEMORY_TYPES) and len(types) == 23
    assert rels == set(RELATIONSHIP_TYPES) and len(rels) == 13


def test_down_removes_everything_and_up_again_restores_it(tmp_path: Path) -> None:
    path = tmp_path / "cortex.db"
    with open_cortex_db(path) as db:
        assert db.migrate_to(0) == ["0001_init.down"]
        assert db.read("t", _tables) == set()
        assert db.read("t", current_version) == 0
        assert db.migrate_to(None) == ["0001_init.up"]
        assert db.read("t", _tables) >= EXPECTED_TABLES
        assert db.read("t", current_version) == 1


def test_schema_rejects_an_unknown_type_and_a_wrong_sized_vector(tmp_path: Path) -> None:
    with open_cortex_db(tmp_path / "cortex.db") as db:
        with pytest.raises(apsw.ConstraintError):
            db.write(
                lambda c: c.execute(
                    "INSERT INTO memories (type, summary, recorded_at, valid_from, created_at, "
                    "updated_at) VALUES ('gossip', 's', 't', 't', 't', 't')"
                )
            )
        with pytest.raises(apsw.SQLError, match="Dimension mismatch"):
            db.write(
                lambda c: c.execute(
                    "INSERT INTO memory_embeddings (rowid, embedding) VALUES (1, ?)", (b"\0" * 12,)
                )
            )


def test_cortex_db_needs_sqlite_vec_and_the_hook_provides_it(tmp_path: Path) -> None:
    path = tmp_path / "cortex.db"
    open_cortex_db(path).close()
    plain = apsw.Connection(str(path))
    with pytest.raises(apsw.SQLError, match="vec0"):
        plain.execute("SELECT count(*) FROM memory_embeddings").fetchall()
    load_sqlite_vec(plain)
    assert plain.execute("SELECT count(*) FROM memory_embeddings").fetchall() == [(0,)]
    plain.close()

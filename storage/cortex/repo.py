"""SQL for cortex.db: memories and their versions, links, relationships, vectors.

Functions take a connection first. Writers run on the DatabaseManager's writer thread
(inside its transaction); readers run on a checked-out read connection. Times are the
'%Y-%m-%dT%H:%M:%fZ' strings of `storage.cortex.time`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import apsw
import numpy as np

from storage.cortex.errors import InvalidContentError, MemoryNotFoundError
from storage.cortex.model import (
    VERSIONED,
    LinkedPattern,
    Links,
    Memory,
    Relationship,
    SearchFilter,
    check_relationship,
    check_type,
    check_unit,
)
from storage.cortex.time import just_after

_VERSION_COLUMNS = (
    "v.memory_id, v.version, v.type, v.summary, v.content, v.tags, v.recorded_at, "
    "v.recorded_until, v.valid_from, v.valid_until, v.confidence, v.importance, m.created_at, "
    "m.updated_at, v.created_by, v.archived, v.archive_reason, v.superseded_by, v.supersedes, "
    "v.last_validated, m.last_accessed, m.access_count"
)
_CURRENT_COLUMNS = (
    "m.id, m.version, m.type, m.summary, m.content, m.tags, m.recorded_at, NULL, m.valid_from, "
    "m.valid_until, m.confidence, m.importance, m.created_at, m.updated_at, m.created_by, "
    "m.archived, m.archive_reason, m.superseded_by, m.supersedes, m.last_validated, "
    "m.last_accessed, m.access_count"
)


# ---- memories ------------------------------------------------------------------------------


def insert_memory(conn: apsw.Connection, values: dict[str, Any], now: str) -> int:
    """Insert version 1 of a new memory; `values` holds VERSIONED columns plus created_by."""
    row = {
        "content": "{}", "tags": "[]", "valid_until": None, "confidence": 1.0,
        "importance": 0.5, "archived": 0, "archive_reason": None, "superseded_by": None,
        "supersedes": None, "last_validated": None, "created_by": "user", "valid_from": now,
        **values,
        "version": 1, "recorded_at": now, "created_at": now, "updated_at": now,
    }  # fmt: skip
    columns = ", ".join(row)
    marks = ", ".join(f":{c}" for c in row)
    conn.execute(f"INSERT INTO memories ({columns}) VALUES ({marks})", row)
    return conn.last_insert_rowid()


def update_memory(conn: apsw.Connection, memory_id: int, changes: dict[str, Any], now: str) -> int:
    """Record a new version with `changes` applied (the trigger closes the old one).

    Two versions never share a recorded instant, so each stays visible to "as of" queries.
    """
    unknown = set(changes) - set(VERSIONED)
    if unknown:
        raise ValueError(f"not versioned columns: {sorted(unknown)}")
    current = require_memory(conn, memory_id)
    sets = ", ".join(f"{c} = :{c}" for c in changes)
    conn.execute(
        f"UPDATE memories SET {sets}, version = version + 1, recorded_at = :now, "
        f"updated_at = :now WHERE id = :id",
        {**changes, "now": max(now, just_after(current.recorded_at)), "id": memory_id},
    )
    return current.version + 1


def get_memory(conn: apsw.Connection, memory_id: int) -> Memory | None:
    row = conn.execute(
        f"SELECT {_CURRENT_COLUMNS} FROM memories m WHERE m.id = ?", (memory_id,)
    ).fetchone()
    return Memory.from_row(row) if row else None


def require_memory(conn: apsw.Connection, memory_id: int) -> Memory:
    memory = get_memory(conn, memory_id)
    if memory is None:
        raise MemoryNotFoundError(memory_id)
    return memory


def memories_by_id(conn: apsw.Connection, ids: Sequence[int]) -> dict[int, Memory]:
    found: dict[int, Memory] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT {_CURRENT_COLUMNS} FROM memories m WHERE m.id IN ({marks})", chunk
        ):
            memory = Memory.from_row(row)
            found[memory.id] = memory
    return found


def memory_as_of(conn: apsw.Connection, memory_id: int, recorded_at: str) -> Memory | None:
    """The version the database held at `recorded_at` (None if not yet recorded then)."""
    row = conn.execute(
        f"SELECT {_VERSION_COLUMNS} FROM memory_versions v JOIN memories m ON m.id = v.memory_id "
        f"WHERE v.memory_id = ? AND v.recorded_at <= ? "
        f"AND (v.recorded_until IS NULL OR v.recorded_until > ?)",
        (memory_id, recorded_at, recorded_at),
    ).fetchone()
    return Memory.from_row(row) if row else None


def history(conn: apsw.Connection, memory_id: int) -> list[Memory]:
    rows = conn.execute(
        f"SELECT {_VERSION_COLUMNS} FROM memory_versions v JOIN memories m ON m.id = v.memory_id "
        f"WHERE v.memory_id = ? ORDER BY v.version",
        (memory_id,),
    )
    return [Memory.from_row(r) for r in rows]


def valid_at(
    conn: apsw.Connection,
    valid_time: str,
    *,
    as_of: str | None = None,
    memory_type: str | None = None,
    include_archived: bool = False,
) -> list[Memory]:
    """Memories true at `valid_time`, as the database knew them at `as_of` (default: now)."""
    if as_of is None:
        known, params = "v.recorded_until IS NULL", []
    else:
        known = "v.recorded_at <= ? AND (v.recorded_until IS NULL OR v.recorded_until > ?)"
        params = [as_of, as_of]
    sql = (
        f"SELECT {_VERSION_COLUMNS} FROM memory_versions v JOIN memories m ON m.id = v.memory_id "
        f"WHERE {known} AND v.valid_from <= ? AND (v.valid_until IS NULL OR v.valid_until > ?)"
    )
    params += [valid_time, valid_time]
    if memory_type is not None:
        sql += " AND v.type = ?"
        params.append(check_type(memory_type))
    if not include_archived:
        sql += " AND v.archived = 0"
    return [Memory.from_row(r) for r in conn.execute(sql + " ORDER BY v.memory_id", params)]


def list_memories(
    conn: apsw.Connection,
    *,
    memory_type: str | None = None,
    before_id: int | None = None,
    limit: int = 20,
    include_archived: bool = False,
) -> list[Memory]:
    """Newest first; keyset pagination: pass the last id of a page as `before_id`."""
    sql = f"SELECT {_CURRENT_COLUMNS} FROM memories m WHERE 1"
    params: list[Any] = []
    if memory_type is not None:
        sql += " AND m.type = ?"
        params.append(check_type(memory_type))
    if before_id is not None:
        sql += " AND m.id < ?"
        params.append(before_id)
    if not include_archived:
        sql += " AND m.archived = 0"
    sql += " ORDER BY m.id DESC LIMIT ?"
    params.append(max(1, limit))
    return [Memory.from_row(r) for r in conn.execute(sql, params)]


def supersede_chain(conn: apsw.Connection, memory_id: int) -> list[int]:
    """Ids of the whole chain `memory_id` belongs to, oldest first."""
    rows = conn.execute(
        """
        WITH RECURSIVE
          back(id, prev, depth) AS (
            SELECT id, supersedes, 0 FROM memories WHERE id = :id
            UNION SELECT m.id, m.supersedes, back.depth - 1 FROM memories m
              JOIN back ON m.id = back.prev),
          fwd(id, next, depth) AS (
            SELECT id, superseded_by, 0 FROM memories WHERE id = :id
            UNION SELECT m.id, m.superseded_by, fwd.depth + 1 FROM memories m
              JOIN fwd ON m.id = fwd.next)
        SELECT id FROM (SELECT id, depth FROM back UNION SELECT id, depth FROM fwd)
        ORDER BY depth
        """,
        {"id": memory_id},
    )
    return [r[0] for r in rows]


# ---- relationships and links ---------------------------------------------------------------


def add_relationship(
    conn: apsw.Connection, source_id: int, rel: str, target_id: int, strength: float, now: str
) -> Relationship:
    check_relationship(rel)
    check_unit(strength, "strength")
    for memory_id in (source_id, target_id):
        require_memory(conn, memory_id)
    if source_id == target_id:
        raise InvalidContentError("a memory cannot be related to itself")
    conn.execute(
        "INSERT INTO memory_relationships (source_id, type, target_id, strength, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (source_id, type, target_id) "
        "DO UPDATE SET strength = excluded.strength",
        (source_id, rel, target_id, strength, now),
    )
    row = conn.execute(
        "SELECT id, source_id, type, target_id, strength, created_at FROM memory_relationships "
        "WHERE source_id = ? AND type = ? AND target_id = ?",
        (source_id, rel, target_id),
    ).fetchone()
    return Relationship(*row)


def relationships_of(
    conn: apsw.Connection, memory_id: int, rel: str | None = None
) -> list[Relationship]:
    """Relationships in which the memory is source or target."""
    sql = (
        "SELECT id, source_id, type, target_id, strength, created_at FROM memory_relationships "
        "WHERE (source_id = :id OR target_id = :id)"
    )
    if rel is not None:
        check_relationship(rel)
        sql += " AND type = :rel"
    rows = conn.execute(sql + " ORDER BY id", {"id": memory_id, "rel": rel})
    return [Relationship(*r) for r in rows]


def related_ids(conn: apsw.Connection, memory_id: int, rel: str) -> list[int]:
    """Targets of `memory_id`'s outgoing `rel` relationships, strongest first."""
    rows = conn.execute(
        "SELECT target_id FROM memory_relationships WHERE source_id = ? AND type = ? "
        "ORDER BY strength DESC, target_id",
        (memory_id, check_relationship(rel)),
    )
    return [r[0] for r in rows]


def add_links(conn: apsw.Connection, memory_id: int, links: Links, now: str) -> None:
    for pattern_id in links.patterns:
        if len(pattern_id) != 16:
            raise InvalidContentError(
                f"pattern id {pattern_id!r} should be the 16-character id `drift patterns` shows"
            )
    conn.executemany(
        "INSERT OR IGNORE INTO memory_patterns (memory_id, pattern_id, created_at) VALUES (?,?,?)",
        [(memory_id, p, now) for p in links.patterns],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO memory_files (memory_id, file_path, created_at) VALUES (?,?,?)",
        [(memory_id, f, now) for f in links.files],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO memory_functions (memory_id, file_path, function_name, created_at) "
        "VALUES (?, ?, ?, ?)",
        [(memory_id, f, n, now) for f, n in links.functions],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO memory_constraints (memory_id, constraint_id, created_at) "
        "VALUES (?, ?, ?)",
        [(memory_id, c, now) for c in links.constraints],
    )


def copy_links(conn: apsw.Connection, from_id: int, to_id: int, now: str) -> None:
    """A superseding memory inherits what the old one was about."""
    for table, columns in (
        ("memory_patterns", "pattern_id"),
        ("memory_files", "file_path"),
        ("memory_functions", "file_path, function_name"),
        ("memory_constraints", "constraint_id"),
    ):
        conn.execute(
            f"INSERT OR IGNORE INTO {table} (memory_id, {columns}, created_at) "
            f"SELECT ?, {columns}, ? FROM {table} WHERE memory_id = ?",
            (to_id, now, from_id),
        )


def links_of(conn: apsw.Connection, memory_id: int) -> Links:
    one = (memory_id,)
    return Links(
        patterns=[r[0] for r in conn.execute(
            "SELECT pattern_id FROM memory_patterns WHERE memory_id = ? ORDER BY pattern_id", one)],
        files=[r[0] for r in conn.execute(
            "SELECT file_path FROM memory_files WHERE memory_id = ? ORDER BY file_path", one)],
        functions=[(r[0], r[1]) for r in conn.execute(
            "SELECT file_path, function_name FROM memory_functions WHERE memory_id = ? "
            "ORDER BY file_path, function_name", one)],
        constraints=[r[0] for r in conn.execute(
            "SELECT constraint_id FROM memory_constraints WHERE memory_id = ? "
            "ORDER BY constraint_id", one)],
    )  # fmt: skip


def memories_for_pattern(
    conn: apsw.Connection, pattern_id: str, *, valid_time: str, limit: int
) -> list[Memory]:
    """Current, unarchived memories linked to a pattern, most important first."""
    rows = conn.execute(
        f"SELECT {_CURRENT_COLUMNS} FROM memory_patterns mp JOIN memories m ON m.id = mp.memory_id "
        f"WHERE mp.pattern_id = ? AND m.archived = 0 AND m.valid_from <= ? "
        f"AND (m.valid_until IS NULL OR m.valid_until > ?) "
        f"ORDER BY m.importance DESC, m.id DESC LIMIT ?",
        (pattern_id, valid_time, valid_time, limit),
    )
    return [Memory.from_row(r) for r in rows]


# ---- cross-database ------------------------------------------------------------------------


def attach_drift(conn: apsw.Connection, drift_db: str) -> bool:
    """ATTACH drift.db as `drift` on this connection if it exists and has patterns.

    Outside a transaction only (SQLite's rule for ATTACH); idempotent.
    """
    attached = {row[1] for row in conn.execute("PRAGMA database_list")}
    if "drift" not in attached:
        # ATTACH creates a missing file: never invent an empty drift.db.
        if not os.path.exists(drift_db):
            return False
        conn.execute("ATTACH DATABASE ? AS drift", (drift_db,))
    row = conn.execute(
        "SELECT 1 FROM drift.sqlite_master WHERE type = 'table' AND name = 'patterns'"
    ).fetchone()
    return row is not None


def patterns_for_memories(
    conn: apsw.Connection, memory_ids: Sequence[int], *, with_drift: bool
) -> dict[int, list[LinkedPattern]]:
    """One query across both files: each memory's linked patterns with name/status/confidence."""
    if not memory_ids:
        return {}
    marks = ",".join("?" * len(memory_ids))
    if with_drift:
        sql = (
            f"SELECT mp.memory_id, mp.pattern_id, p.name, p.status, p.confidence_score, "
            f"p.confidence_level FROM memory_patterns mp LEFT JOIN drift.patterns p "
            f"ON p.id = mp.pattern_id WHERE mp.memory_id IN ({marks}) "
            f"ORDER BY mp.memory_id, mp.pattern_id"
        )
    else:
        sql = (
            f"SELECT mp.memory_id, mp.pattern_id, NULL, NULL, NULL, NULL FROM memory_patterns mp "
            f"WHERE mp.memory_id IN ({marks}) ORDER BY mp.memory_id, mp.pattern_id"
        )
    found: dict[int, list[LinkedPattern]] = {}
    for memory_id, *pattern in conn.execute(sql, list(memory_ids)):
        found.setdefault(memory_id, []).append(LinkedPattern(*pattern))
    return found


# ---- embeddings ----------------------------------------------------------------------------


def store_embedding(
    conn: apsw.Connection, memory_id: int, vector: np.ndarray, model_id: str, text_hash: str,
    now: str,
) -> None:  # fmt: skip
    """Replace the memory's vector; the vec0 rowid is the memory id."""
    conn.execute("DELETE FROM memory_embedding_link WHERE memory_id = ?", (memory_id,))
    conn.execute(
        "INSERT INTO memory_embeddings (rowid, embedding) VALUES (?, ?)",
        (memory_id, vector.astype(np.float32).tobytes()),
    )
    conn.execute(
        "INSERT INTO memory_embedding_link (vec_rowid, memory_id, model_id, content_hash, "
        "embedded_at) VALUES (?, ?, ?, ?, ?)",
        (memory_id, memory_id, model_id, text_hash, now),
    )


def embedding_key(conn: apsw.Connection, memory_id: int) -> tuple[str, str] | None:
    """(content hash, model id) of the memory's stored vector, None if it has none."""
    row = conn.execute(
        "SELECT content_hash, model_id FROM memory_embedding_link WHERE memory_id = ?",
        (memory_id,),
    ).fetchone()
    return (row[0], row[1]) if row else None


def embedding_epoch(conn: apsw.Connection) -> int:
    return int(conn.execute("SELECT epoch FROM embedding_epoch WHERE id = 1").fetchone()[0])


def load_vectors(
    conn: apsw.Connection, model_id: str, dimensions: int
) -> tuple[int, np.ndarray, np.ndarray]:
    """(epoch, ids, matrix) of every vector made by `model_id`, read in one transaction."""
    with conn:
        epoch = embedding_epoch(conn)
        rows = conn.execute(
            "SELECT l.memory_id, e.embedding FROM memory_embedding_link l "
            "JOIN memory_embeddings e ON e.rowid = l.vec_rowid WHERE l.model_id = ? "
            "ORDER BY l.memory_id",
            (model_id,),
        ).fetchall()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
    return epoch, ids, matrix.reshape(len(rows), dimensions)


def outdated_embeddings(conn: apsw.Connection, model_id: str) -> list[int]:
    """Memories without a vector from `model_id` (new model, or never embedded)."""
    rows = conn.execute(
        "SELECT m.id FROM memories m LEFT JOIN memory_embedding_link l ON l.memory_id = m.id "
        "WHERE l.memory_id IS NULL OR l.model_id <> ? ORDER BY m.id",
        (model_id,),
    )
    return [r[0] for r in rows]


def _filter_sql(filters: SearchFilter, now: str) -> tuple[str, list[Any]]:
    valid = filters.valid_at or now
    sql = "m.valid_from <= ? AND (m.valid_until IS NULL OR m.valid_until > ?)"
    params: list[Any] = [valid, valid]
    if not filters.include_archived:
        sql += " AND m.archived = 0"
    if filters.types:
        sql += f" AND m.type IN ({','.join('?' * len(filters.types))})"
        params += [check_type(t) for t in filters.types]
    for tag in filters.tags:
        sql += " AND EXISTS (SELECT 1 FROM json_each(m.tags) WHERE json_each.value = ?)"
        params.append(tag)
    return sql, params


def knn(
    conn: apsw.Connection, query: np.ndarray, k: int, model_id: str, filters: SearchFilter,
    now: str,
) -> list[tuple[int, float]]:  # fmt: skip
    """sqlite-vec KNN restricted to memories passing `filters`: (memory id, cosine distance)."""
    where, params = _filter_sql(filters, now)
    rows = conn.execute(
        f"SELECT l.memory_id, e.distance FROM memory_embeddings e "
        f"JOIN memory_embedding_link l ON l.vec_rowid = e.rowid "
        f"WHERE e.embedding MATCH ? AND e.k = ? AND e.rowid IN ("
        f"  SELECT l2.vec_rowid FROM memory_embedding_link l2 JOIN memories m "
        f"  ON m.id = l2.memory_id WHERE l2.model_id = ? AND {where}) "
        f"ORDER BY e.distance",
        [query.astype(np.float32).tobytes(), k, model_id, *params],
    )
    return [(int(i), float(d)) for i, d in rows]


def filter_ids(
    conn: apsw.Connection, ids: Sequence[int], filters: SearchFilter, now: str
) -> set[int]:
    """Which of `ids` pass `filters`."""
    where, params = _filter_sql(filters, now)
    passing: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT m.id FROM memories m WHERE m.id IN ({marks}) AND {where}", [*chunk, *params]
        )
        passing.update(r[0] for r in rows)
    return passing


# ---- access tracking, retention, invariants ------------------------------------------------


def record_access(conn: apsw.Connection, memory_ids: Sequence[int], now: str, context: str) -> None:
    conn.executemany(
        "UPDATE memories SET last_accessed = ?, access_count = access_count + 1 WHERE id = ?",
        [(now, i) for i in memory_ids],
    )
    conn.executemany(
        "INSERT INTO memory_usage_history (memory_id, used_at, context) "
        "SELECT id, ?, ? FROM memories WHERE id = ?",
        [(now, context, i) for i in memory_ids],
    )


def archived_before(conn: apsw.Connection, cutoff: str) -> list[int]:
    rows = conn.execute(
        "SELECT id FROM memories WHERE archived = 1 AND updated_at < ? ORDER BY id", (cutoff,)
    )
    return [r[0] for r in rows]


def purge_archived(conn: apsw.Connection, cutoff: str) -> int:
    """Retention: physically remove memories archived before the cutoff, with their history."""
    ids = archived_before(conn, cutoff)
    conn.executemany("DELETE FROM memories WHERE id = ?", [(i,) for i in ids])
    return len(ids)


def check_invariants(conn: apsw.Connection) -> list[str]:
    """Problems `drift doctor` should report for cortex.db; empty when healthy."""
    problems = []
    checks = (
        (
            "SELECT count(*) FROM memories m WHERE (SELECT count(*) FROM memory_versions v "
            "WHERE v.memory_id = m.id AND v.recorded_until IS NULL AND v.version = m.version) <> 1",
            "memories whose current version is missing from memory_versions",
        ),
        (
            "SELECT count(*) FROM memory_embedding_link l WHERE NOT EXISTS "
            "(SELECT 1 FROM memory_embeddings e WHERE e.rowid = l.vec_rowid)",
            "embedding links without a vector in memory_embeddings",
        ),
        (
            "SELECT count(*) FROM memory_embeddings e WHERE NOT EXISTS "
            "(SELECT 1 FROM memory_embedding_link l WHERE l.vec_rowid = e.rowid)",
            "vectors in memory_embeddings without a link row",
        ),
        (
            "SELECT count(*) FROM memories a JOIN memories b ON b.id = a.superseded_by "
            "WHERE b.supersedes IS NOT a.id",
            "supersede chains whose two ends disagree",
        ),
        (
            "SELECT count(*) FROM memories m JOIN memory_embedding_link l ON l.memory_id = m.id "
            "WHERE l.vec_rowid <> m.id",
            "vectors stored under another memory's rowid",
        ),
    )
    for sql, message in checks:
        count = conn.execute(sql).fetchone()[0]
        if count:
            problems.append(f"{count} {message}")
    orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    if orphans:
        tables = sorted({row[0] for row in orphans})
        problems.append(f"{len(orphans)} rows point at missing memories in {', '.join(tables)}")
    return problems

"""Cortex: the team's memory in `.drift/cortex.db`, next to the code's patterns.

Memories are bitemporal: `memories` holds the version current now and `memory_versions`
every version with the interval the database held it (recorded time) and the interval it
was true (valid time). Updates make a new version; supersede links two memories and ends
the old one's validity; archive hides a memory. Only retention of archived memories deletes.

Writes go through the DatabaseManager's writer thread; searches read through its readers,
either with sqlite-vec KNN (any filter, always current) or with the in-memory VectorIndex
(interactive paths), and both return the same ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import apsw
import numpy as np
import sqlite_vec

from storage.cortex import model, repo
from storage.cortex.embeddings import (
    MAX_AGE_HOURS,
    Embedder,
    EmbeddingCache,
    check_vector,
    content_hash,
    default_embedder,
)
from storage.cortex.errors import InvalidContentError
from storage.cortex.model import (
    LinkedPattern,
    Links,
    Memory,
    Relationship,
    SearchFilter,
)
from storage.cortex.time import format_time, just_after, parse_time, utc_now
from storage.cortex.vector_index import VectorIndex, top
from storage.database import DatabaseManager
from storage.migrate import current_version, latest_version
from storage.paths import cortex_db_path, db_path, precomputed_path

# Names the writer's cache invalidation uses for each kind of write.
_MEMORY_TABLES = ("memories", "memory_versions")
_LINK_TABLES = ("memory_patterns", "memory_files", "memory_functions", "memory_constraints")
_VECTOR_TABLES = ("memory_embeddings", "memory_embedding_link", "embedding_epoch")
_ACCESS_TABLES = ("memory_usage_history",)

SearchMethod = Literal["vec", "memory"]
# sqlite-vec's largest k for a KNN query.
MAX_K = 4096
# Default search: current, unarchived memories of any type.
NO_FILTER = SearchFilter()


def load_sqlite_vec(conn: apsw.Connection) -> None:
    """DatabaseManager connection hook: every cortex.db connection needs the vec0 module."""
    conn.enable_load_extension(True)
    try:
        conn.load_extension(sqlite_vec.loadable_path())
    finally:
        conn.enable_load_extension(False)


def open_cortex_db(path: Path, **kwargs: Any) -> DatabaseManager:
    """A DatabaseManager for cortex.db (migrated, sqlite-vec loaded) — what `drift backup`,
    `drift restore`, `drift migrate --database cortex` and `drift doctor` should use."""
    return DatabaseManager(path, database="cortex", connection_hook=load_sqlite_vec, **kwargs)


def check_cortex(db: DatabaseManager) -> list[str]:
    """Cortex invariants for `drift doctor`: an empty list when healthy."""
    return db.read("cortex.doctor", repo.check_invariants)


def cortex_doctor(root: Path) -> list[str]:
    """`drift doctor`'s cortex part for a workspace: problems found, [] when healthy or absent.

    Opens without migrating, so an old schema is reported rather than changed.
    """
    path = cortex_db_path(root)
    if not path.exists():
        return []
    with open_cortex_db(path, auto_migrate=False) as db:
        found, supported = db.read("cortex.version", current_version), latest_version("cortex")
        if found < supported:
            return [
                f"{path} has schema {found}, this Drift uses {supported}: "
                f"run `drift migrate --database cortex`"
            ]
        return check_cortex(db)


@dataclass(frozen=True)
class SearchHit:
    memory: Memory
    distance: float
    patterns: tuple[LinkedPattern, ...] = ()

    @property
    def similarity(self) -> float:
        return 1.0 - self.distance

    def to_json(self) -> dict[str, Any]:
        return {
            **self.memory.to_json(),
            "similarity": round(self.similarity, 4),
            "patterns": [p.to_json() for p in self.patterns],
        }


@dataclass(frozen=True)
class MemoryView:
    """A memory with everything `drift memory show` prints."""

    memory: Memory
    links: Links
    patterns: tuple[LinkedPattern, ...]
    relationships: tuple[Relationship, ...]
    chain: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.memory.to_json(),
            "links": self.links.to_json(),
            "patterns": [p.to_json() for p in self.patterns],
            "relationships": [r.to_json() for r in self.relationships],
            "supersede_chain": list(self.chain),
        }


@dataclass
class Page:
    items: list[Memory]
    next_after: int | None = None


class Cortex:
    """The memory store both the CLI and the language server use."""

    def __init__(
        self,
        db: DatabaseManager,
        *,
        embedder: Embedder | None = None,
        drift_db: Path | None = None,
        precomputed: Path | None = None,
        clock: Callable[[], str] = utc_now,
        cache_max_age_hours: float = MAX_AGE_HOURS,
    ) -> None:
        self.db = db
        self.embedder = embedder or default_embedder()
        self.drift_db = drift_db
        self.clock = clock
        self.embeddings = EmbeddingCache(
            self.embedder,
            read=lambda fn: db.read("cortex.embedding_cache", fn),
            submit=lambda fn: db.submit(fn, tables=("embedding_cache",)),
            precomputed=precomputed,
            max_age_hours=cache_max_age_hours,
        )
        self.embeddings.expire()
        self.index = VectorIndex(self.embedder.dimensions)

    @classmethod
    def open(
        cls,
        root: Path,
        *,
        embedder: Embedder | None = None,
        readers: int = 2,
        clock: Callable[[], str] = utc_now,
        app_version: str = "unknown",
        cache_max_age_hours: float = MAX_AGE_HOURS,
    ) -> Cortex:
        """Open (creating and migrating if needed) `<root>/.drift/cortex.db`."""
        db = open_cortex_db(cortex_db_path(root), readers=readers, app_version=app_version)
        try:
            return cls(
                db,
                embedder=embedder,
                drift_db=db_path(root),
                precomputed=precomputed_path(root),
                clock=clock,
                cache_max_age_hours=cache_max_age_hours,
            )
        except BaseException:
            db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Cortex:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---- writes --------------------------------------------------------------------------

    def add(
        self,
        memory_type: str,
        summary: str,
        *,
        content: Any = None,
        tags: Iterable[str] = (),
        links: Links | None = None,
        valid_from: str | None = None,
        valid_until: str | None = None,
        confidence: float = 1.0,
        importance: float = 0.5,
        created_by: str = "user",
    ) -> Memory:
        """Store a new memory with its links and vector; returns version 1."""
        insert = self._insert_work(
            dict(type=memory_type, summary=summary, content=content, tags=tags,
                 valid_from=valid_from, valid_until=valid_until, confidence=confidence,
                 importance=importance, created_by=created_by),
            links or Links(),
        )  # fmt: skip

        def work(conn: apsw.Connection) -> tuple[int, int, int, dict[int, np.ndarray]]:
            before = repo.embedding_epoch(conn)
            memory_id, vectors = insert(conn)
            return memory_id, before, repo.embedding_epoch(conn), vectors

        memory_id, before, after, vectors = self.db.write(
            work, tables=(*_MEMORY_TABLES, *_LINK_TABLES, *_VECTOR_TABLES)
        )
        self._index_applied(before, after, vectors)
        return self.get(memory_id, track=False)

    def _insert_work(
        self, raw: dict[str, Any], links: Links
    ) -> Callable[[apsw.Connection], tuple[int, dict[int, np.ndarray]]]:
        """Validate and embed outside the writer; return the writer-side insert."""
        content = raw.pop("content")
        content = {} if content is None else content
        created_by = raw.pop("created_by")
        values = self._checked_values(content=content, **raw)
        now = self.clock()
        values.setdefault("valid_from", now)
        self._check_validity(values["valid_from"], values.get("valid_until"))
        # The stored (canonical JSON) form, so the hash matches Memory.embedding_text() later.
        text = model.memory_text(
            values["summary"], model.parse_content(values["content"]), values["tags"]
        )
        vector = self.embeddings.embed(text)
        values["tags"] = model.dump_json(values["tags"], "tags")
        values["created_by"] = created_by

        def insert(conn: apsw.Connection) -> tuple[int, dict[int, np.ndarray]]:
            memory_id = repo.insert_memory(conn, values, now)
            repo.add_links(conn, memory_id, links, now)
            repo.store_embedding(conn, memory_id, vector, self.embedder.model_id,
                                 content_hash(text), now)  # fmt: skip
            return memory_id, {memory_id: vector}

        return insert

    def update(self, memory_id: int, **changes: Any) -> Memory:
        """Record a new version with `changes` (any of model.VERSIONED, Python values)."""
        values = self._checked_values(**changes)
        if "tags" in values:
            values["tags"] = model.dump_json(values["tags"], "tags")
        if "archived" in values:
            values["archived"] = int(bool(values["archived"]))
        current = self.db.read("cortex.get", lambda c: repo.require_memory(c, memory_id))
        # Embed outside the writer: the text the new version will have, from what we read.
        expected = model.memory_text(
            values.get("summary", current.summary),
            model.parse_content(values["content"]) if "content" in values else current.content,
            model.parse_content(values["tags"]) if "tags" in values else current.tags,
        )
        vector = self.embeddings.embed(expected)
        now = self.clock()

        def work(conn: apsw.Connection) -> tuple[int, int, dict[int, np.ndarray]]:
            before = repo.embedding_epoch(conn)
            repo.update_memory(conn, memory_id, values, now)
            text = repo.require_memory(conn, memory_id).embedding_text()
            digest = content_hash(text)
            if repo.embedding_key(conn, memory_id) == (digest, self.embedder.model_id):
                return before, before, {}
            # A concurrent update changed the base we embedded from: embed what was written.
            fresh = vector if text == expected else self._embed_now(text)
            repo.store_embedding(conn, memory_id, fresh, self.embedder.model_id, digest, now)
            return before, repo.embedding_epoch(conn), {memory_id: fresh}

        before, after, fresh = self.db.write(work, tables=(*_MEMORY_TABLES, *_VECTOR_TABLES))
        self._index_applied(before, after, fresh)
        return self.get(memory_id, track=False)

    def _embed_now(self, text: str) -> np.ndarray:
        return check_vector(self.embedder.embed([text])[0], self.embedder.dimensions)

    def supersede(
        self,
        old_id: int,
        summary: str,
        *,
        content: Any = None,
        memory_type: str | None = None,
        tags: Iterable[str] | None = None,
        valid_from: str | None = None,
        created_by: str = "user",
    ) -> Memory:
        """A new memory replaces `old_id` from `valid_from` (default now), in one transaction.

        The old one stays, valid until then, linked both ways (`supersedes` /
        `superseded_by` and a `supersedes` relationship); the new one inherits its links.
        """
        old = self.db.read("cortex.get", lambda c: repo.require_memory(c, old_id))
        start = parse_time(valid_from) if valid_from else self.clock()
        insert = self._insert_work(
            dict(type=memory_type or old.type, summary=summary,
                 content=old.content if content is None else content,
                 tags=old.tags if tags is None else tags, valid_from=start, valid_until=None,
                 confidence=old.confidence, importance=old.importance, created_by=created_by,
                 supersedes=old_id),
            Links(),
        )  # fmt: skip
        now = self.clock()

        def work(conn: apsw.Connection) -> tuple[int, int, int, dict[int, np.ndarray]]:
            current = repo.require_memory(conn, old_id)
            if current.superseded_by is not None:
                raise InvalidContentError(
                    f"memory {old_id} is already superseded by {current.superseded_by}; "
                    f"supersede that one instead"
                )
            before = repo.embedding_epoch(conn)
            new_id, vectors = insert(conn)
            old_changes: dict[str, Any] = {"superseded_by": new_id}
            if current.valid_until is None or current.valid_until > start:
                old_changes["valid_until"] = max(start, just_after(current.valid_from))
            repo.update_memory(conn, old_id, old_changes, now)
            repo.copy_links(conn, old_id, new_id, now)
            repo.add_relationship(conn, new_id, "supersedes", old_id, 1.0, now)
            return new_id, before, repo.embedding_epoch(conn), vectors

        new_id, before, after, vectors = self.db.write(
            work,
            tables=(*_MEMORY_TABLES, *_LINK_TABLES, *_VECTOR_TABLES, "memory_relationships"),
        )
        self._index_applied(before, after, vectors)
        return self.get(new_id, track=False)

    def archive(self, memory_id: int, reason: str) -> Memory:
        if not reason.strip():
            raise InvalidContentError("archiving needs a reason (--reason …)")
        return self.update(memory_id, archived=True, archive_reason=reason.strip())

    def link(self, source_id: int, rel: str, target_id: int, strength: float = 1.0) -> Relationship:
        now = self.clock()
        return self.db.write(
            lambda c: repo.add_relationship(c, source_id, rel, target_id, strength, now),
            tables=("memory_relationships",),
        )

    def add_links(self, memory_id: int, links: Links) -> None:
        now = self.clock()

        def work(conn: apsw.Connection) -> None:
            repo.require_memory(conn, memory_id)
            repo.add_links(conn, memory_id, links, now)

        self.db.write(work, tables=_LINK_TABLES)

    def purge_archived(self, older_than_days: float = 90.0) -> int:
        """Retention: delete memories archived more than `older_than_days` ago.

        Takes a `pre_destructive_operation` backup first when there is something to delete.
        """
        now = datetime.fromisoformat(self.clock().replace("Z", "+00:00"))
        cutoff = format_time(now - timedelta(days=older_than_days))
        if not self.db.read("cortex.purgeable", lambda c: repo.archived_before(c, cutoff)):
            return 0
        self.db.backup("pre_destructive_operation")
        return self.db.write(
            lambda c: repo.purge_archived(c, cutoff),
            tables=(*_MEMORY_TABLES, *_LINK_TABLES, *_VECTOR_TABLES, "memory_relationships"),
        )

    def reembed_outdated(self, batch: int = 256) -> int:
        """Give every memory a vector from the current embedder (after switching models).

        Embeds in batches outside the writer, so other writes keep flowing meanwhile.
        """
        model = self.embedder.model_id
        stale = self.db.read(
            "cortex.outdated",
            lambda c: list(repo.memories_by_id(c, repo.outdated_embeddings(c, model)).values()),
        )
        for start in range(0, len(stale), batch):
            chunk = stale[start : start + batch]
            texts = [m.embedding_text() for m in chunk]
            vectors = self.embeddings.embed_many(texts)
            rows = [
                (m.id, v, content_hash(t)) for m, v, t in zip(chunk, vectors, texts, strict=True)
            ]
            now = self.clock()

            def work(conn: apsw.Connection, rows: list = rows, now: str = now) -> None:
                for memory_id, vector, digest in rows:
                    repo.store_embedding(conn, memory_id, vector, model, digest, now)

            self.db.write(work, tables=_VECTOR_TABLES)
        return len(stale)

    def _checked_values(self, **values: Any) -> dict[str, Any]:
        """Validate user-supplied column values; raises CortexError subclasses."""
        checked: dict[str, Any] = {}
        for key, value in values.items():
            if key == "type":
                checked[key] = model.check_type(value)
            elif key == "summary":
                if not str(value).strip():
                    raise InvalidContentError("a memory needs a non-empty summary")
                checked[key] = str(value).strip()
            elif key == "content":
                checked[key] = model.dump_json(value, "content")
            elif key == "tags":
                checked[key] = sorted({str(t).strip() for t in value if str(t).strip()})
            elif key in ("valid_from", "valid_until", "last_validated"):
                if value is not None:
                    checked[key] = parse_time(value)
                elif key != "valid_from":
                    checked[key] = None
            elif key in ("confidence", "importance"):
                checked[key] = model.check_unit(value, key)
            else:
                checked[key] = value
        return checked

    @staticmethod
    def _check_validity(start: str, end: str | None) -> None:
        if end is not None and end <= start:
            raise InvalidContentError(f"valid_until ({end}) must be after valid_from ({start})")

    # ---- reads ---------------------------------------------------------------------------

    def get(self, memory_id: int, *, as_of: str | None = None, track: bool = True) -> Memory:
        """The memory now, or the version the database held at `as_of`."""
        if as_of is None:
            memory = self.db.read("cortex.get", lambda c: repo.require_memory(c, memory_id))
        else:
            when = parse_time(as_of)
            memory = self.db.read("cortex.as_of", lambda c: repo.memory_as_of(c, memory_id, when))
            if memory is None:
                self.db.read("cortex.get", lambda c: repo.require_memory(c, memory_id))
                raise InvalidContentError(f"memory {memory_id} was not recorded yet at {when}")
        if track:
            self.track_access([memory_id], "show")
        return memory

    def view(self, memory_id: int, *, as_of: str | None = None) -> MemoryView:
        memory = self.get(memory_id, as_of=as_of)

        def read(conn: apsw.Connection) -> MemoryView:
            return MemoryView(
                memory=memory,
                links=repo.links_of(conn, memory_id),
                patterns=tuple(self._patterns(conn, [memory_id]).get(memory_id, ())),
                relationships=tuple(repo.relationships_of(conn, memory_id)),
                chain=tuple(repo.supersede_chain(conn, memory_id)),
            )

        return self.db.read("cortex.view", read)

    def history(self, memory_id: int) -> list[Memory]:
        return self.db.read("cortex.history", lambda c: repo.history(c, memory_id))

    def chain(self, memory_id: int) -> list[Memory]:
        """The supersede chain `memory_id` is part of, oldest first, current versions."""

        def read(conn: apsw.Connection) -> list[Memory]:
            repo.require_memory(conn, memory_id)
            ids = repo.supersede_chain(conn, memory_id)
            found = repo.memories_by_id(conn, ids)
            return [found[i] for i in ids]

        return self.db.read("cortex.chain", read)

    def valid_at(
        self, when: str, *, as_of: str | None = None, memory_type: str | None = None
    ) -> list[Memory]:
        """Memories true at `when` ("valid time"), as known at `as_of` ("recorded time")."""
        valid_time = parse_time(when)
        known = parse_time(as_of) if as_of else None
        return self.db.read(
            "cortex.valid_at",
            lambda c: repo.valid_at(c, valid_time, as_of=known, memory_type=memory_type),
        )

    def list(
        self,
        *,
        memory_type: str | None = None,
        after: int | None = None,
        limit: int = 20,
        include_archived: bool = False,
    ) -> Page:
        """Newest first; pass `next_after` of a page as `after` for the next one."""
        items = self.db.read(
            "cortex.list",
            lambda c: repo.list_memories(
                c, memory_type=memory_type, before_id=after, limit=limit + 1,
                include_archived=include_archived,
            ),
        )  # fmt: skip
        more = len(items) > limit
        items = items[:limit]
        return Page(items, items[-1].id if more and items else None)

    def relationships(self, memory_id: int, rel: str | None = None) -> list[Relationship]:
        return self.db.read(
            "cortex.relationships", lambda c: repo.relationships_of(c, memory_id, rel)
        )

    def related(self, memory_id: int, rel: str) -> list[int]:
        return self.db.read("cortex.related", lambda c: repo.related_ids(c, memory_id, rel))

    def links(self, memory_id: int) -> Links:
        return self.db.read("cortex.links", lambda c: repo.links_of(c, memory_id))

    def for_pattern(self, pattern_id: str, *, limit: int = 5) -> list[Memory]:
        now = self.clock()
        return self.db.read(
            "cortex.for_pattern",
            lambda c: repo.memories_for_pattern(c, pattern_id, valid_time=now, limit=limit),
        )

    def with_patterns(self, memory_ids: Sequence[int]) -> dict[int, list[LinkedPattern]]:
        """Each memory's linked patterns with name/status/confidence from drift.db (ATTACHed)."""
        return self.db.read("cortex.with_patterns", lambda c: self._patterns(c, memory_ids))

    def _patterns(
        self, conn: apsw.Connection, memory_ids: Sequence[int]
    ) -> dict[int, list[LinkedPattern]]:
        with_drift = self.drift_db is not None and repo.attach_drift(conn, str(self.drift_db))
        return repo.patterns_for_memories(conn, memory_ids, with_drift=with_drift)

    def check(self) -> list[str]:
        return check_cortex(self.db)

    # ---- search --------------------------------------------------------------------------

    def search(
        self,
        text: str,
        *,
        k: int = 10,
        filters: SearchFilter = NO_FILTER,
        method: SearchMethod = "vec",
        track: bool = True,
    ) -> list[SearchHit]:
        """The `k` memories most similar to `text` that pass `filters`, nearest first."""
        query = self.embeddings.embed(text)
        pairs = self.search_vector(query, k=k, filters=filters, method=method)
        ids = [memory_id for memory_id, _ in pairs]

        def read(conn: apsw.Connection) -> tuple[dict[int, Memory], dict[int, list]]:
            return repo.memories_by_id(conn, ids), self._patterns(conn, ids)

        found, patterns = self.db.read("cortex.search_rows", read)
        if track and ids:
            self.track_access(ids, "search")
        return [SearchHit(found[i], d, tuple(patterns.get(i, ()))) for i, d in pairs if i in found]

    def search_vector(
        self,
        vector: np.ndarray,
        *,
        k: int = 10,
        filters: SearchFilter = NO_FILTER,
        method: SearchMethod = "vec",
    ) -> list[tuple[int, float]]:
        """(memory id, cosine distance) of the `k` nearest vectors passing `filters`."""
        query = check_vector(vector, self.embedder.dimensions)
        if not 1 <= k <= MAX_K:
            raise InvalidContentError(f"k must be between 1 and {MAX_K}, got {k}")
        for memory_type in filters.types:
            model.check_type(memory_type)
        valid = SearchFilter(
            filters.types, filters.tags,
            parse_time(filters.valid_at) if filters.valid_at else None, filters.include_archived,
        )  # fmt: skip
        now = self.clock()
        if method == "vec":
            return self.db.read(
                "cortex.knn",
                lambda c: repo.knn(c, query, k, self.embedder.model_id, valid, now),
            )
        if method != "memory":
            raise ValueError(f"unknown search method {method!r}")
        index = self._fresh_index()
        with index.lock:
            ids, scores = index.scores(query)
        # Widen the candidate list until k of them pass the filters: exact, and for the
        # usual filter (current, unarchived) one small query checks the first few.
        wanted = 4 * k
        while True:
            candidates = top(ids, scores, wanted)
            passing = self.db.read(
                "cortex.filter_ids",
                lambda c, cands=candidates: repo.filter_ids(c, [i for i, _ in cands], valid, now),
            )
            hits = [pair for pair in candidates if pair[0] in passing]
            if len(hits) >= k or wanted >= len(ids):
                return hits[:k]
            wanted *= 8

    def warm(self) -> int:
        """Load the in-memory index now (e.g. at server start); returns how many vectors."""
        return len(self._fresh_index())

    def _fresh_index(self) -> VectorIndex:
        """The in-memory index, reloaded if cortex.db's vectors changed behind its back."""
        epoch = self.db.read("cortex.epoch", repo.embedding_epoch)
        with self.index.lock:
            if self.index.epoch != epoch:
                loaded_epoch, ids, matrix = self.db.read(
                    "cortex.load_vectors",
                    lambda c: repo.load_vectors(c, self.embedder.model_id, self.index.dimensions),
                )
                self.index.replace_all(loaded_epoch, ids, matrix)
        return self.index

    def _index_applied(self, before: int, after: int, vectors: dict[int, np.ndarray]) -> None:
        """Apply our own write to the in-memory index if it was current when we wrote."""
        with self.index.lock:
            if self.index.epoch != before:
                return
            for memory_id, vector in vectors.items():
                self.index.upsert(memory_id, vector)
            self.index.epoch = after

    def track_access(self, memory_ids: Sequence[int], context: str) -> None:
        """Count a use of these memories; queued on the writer, never waited for."""
        now = self.clock()
        ids = list(memory_ids)
        self.db.submit(lambda c: repo.record_access(c, ids, now, context), tables=_ACCESS_TABLES)

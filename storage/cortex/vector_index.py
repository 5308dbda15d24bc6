"""An in-memory copy of cortex.db's vectors for interactive searches (hover).

Exact top-k by dot product over unit vectors (the same order as sqlite-vec's cosine
distance). `epoch` is the `embedding_epoch` value the copy matches; the owner reloads it when
the table's epoch moves on without it.
"""

from __future__ import annotations

import threading

import numpy as np


class VectorIndex:
    def __init__(self, dimensions: int) -> None:
        self.dimensions = dimensions
        self.epoch = -1
        self.lock = threading.Lock()
        self._ids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, dimensions), dtype=np.float32)
        self._size = 0
        self._rows: dict[int, int] = {}

    def __len__(self) -> int:
        return self._size

    def replace_all(self, epoch: int, ids: np.ndarray, matrix: np.ndarray) -> None:
        self._ids = np.array(ids, dtype=np.int64)
        self._matrix = np.array(matrix, dtype=np.float32).reshape(len(ids), self.dimensions)
        self._size = len(ids)
        self._rows = {int(i): row for row, i in enumerate(self._ids)}
        self.epoch = epoch

    def upsert(self, memory_id: int, vector: np.ndarray) -> None:
        row = self._rows.get(memory_id)
        if row is None:
            if self._size == len(self._ids):
                # Grow by doubling so a run of single inserts stays amortised O(1).
                capacity = max(16, 2 * self._size)
                self._ids = np.resize(self._ids, capacity)
                matrix = np.zeros((capacity, self.dimensions), dtype=np.float32)
                matrix[: self._size] = self._matrix[: self._size]
                self._matrix = matrix
            row = self._size
            self._size += 1
            self._rows[memory_id] = row
            self._ids[row] = memory_id
        self._matrix[row] = vector

    def scores(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ids, cosine similarity to `query`) of every vector: a snapshot safe to keep."""
        ids = self._ids[: self._size].copy()
        return ids, self._matrix[: self._size] @ query.astype(np.float32)


def top(ids: np.ndarray, scores: np.ndarray, count: int) -> list[tuple[int, float]]:
    """The `count` best (id, cosine distance), nearest first; ties broken by id."""
    count = min(count, len(ids))
    if count <= 0:
        return []
    best = np.argpartition(-scores, count - 1)[:count]
    best = best[np.lexsort((ids[best], -scores[best]))]
    return [(int(ids[i]), float(1.0 - scores[i])) for i in best]

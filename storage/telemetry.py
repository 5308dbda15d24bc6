"""In-process counters for the storage layer: query timings, cache hits, writer batches."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

# Percentiles come from the most recent samples only, so memory stays bounded in a
# long-running server and the figures describe current behaviour.
_SAMPLES = 2048


def _percentile(samples: list[float], fraction: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return ordered[index]


@dataclass
class _Series:
    count: int = 0
    total: float = 0.0
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=_SAMPLES))

    def add(self, value: float) -> None:
        self.count += 1
        self.total += value
        self.recent.append(value)

    def summary(self, scale: float) -> dict[str, float]:
        recent = list(self.recent)
        return {
            "count": self.count,
            "total": round(self.total * scale, 3),
            "p50": round(_percentile(recent, 0.50) * scale, 3),
            "p99": round(_percentile(recent, 0.99) * scale, 3),
        }


class Telemetry:
    """Thread-safe counters; `snapshot()` is what `drift status --storage` shows."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queries: dict[str, _Series] = {}
        self._batch_sizes = _Series()
        self._commit_seconds = _Series()
        self._cache_hits = 0
        self._cache_misses = 0
        self._failed_items = 0

    def record_query(self, name: str, seconds: float) -> None:
        with self._lock:
            self._queries.setdefault(name, _Series()).add(seconds)

    def record_cache(self, hit: bool) -> None:
        with self._lock:
            if hit:
                self._cache_hits += 1
            else:
                self._cache_misses += 1

    def record_batch(self, size: int, commit_seconds: float, failed: int) -> None:
        with self._lock:
            self._batch_sizes.add(size)
            self._commit_seconds.add(commit_seconds)
            self._failed_items += failed

    def items_written(self) -> int:
        with self._lock:
            return int(self._batch_sizes.total)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            lookups = self._cache_hits + self._cache_misses
            return {
                "queries_ms": {
                    name: series.summary(1000.0) for name, series in sorted(self._queries.items())
                },
                "cache": {
                    "hits": self._cache_hits,
                    "misses": self._cache_misses,
                    "hit_ratio": round(self._cache_hits / lookups, 4) if lookups else 0.0,
                },
                "writer": {
                    "batches": self._batch_sizes.count,
                    "items": int(self._batch_sizes.total),
                    "failed_items": self._failed_items,
                    "batch_size_p50": self._batch_sizes.summary(1.0)["p50"],
                    "batch_size_p99": self._batch_sizes.summary(1.0)["p99"],
                    "commit_ms": self._commit_seconds.summary(1000.0),
                },
            }

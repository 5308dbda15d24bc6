"""Cortex at 100k memories: writer insert rate, top-10 search latency and exactness.

    python benchmarks/cortex_bench.py --json [--memories N] [--queries Q]

Vectors are random unit vectors (numpy), so the figures are about storage and search, not
the embedder. Each path's latency is also printed as a ratio against a floor measured in
the same run: for search, numpy float32 brute force (matmul + argpartition) over the same
matrix with no database, filters or id mapping; for inserts, one bare executemany into a
vec0 table. Exactness is checked against a float64 full sort.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import apsw
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import print_result

from storage.cortex import MEMORY_TYPES, Cortex, load_sqlite_vec, repo

TYPES = MEMORY_TYPES
K = 10


def unit_vectors(rng: np.random.Generator, count: int, dims: int) -> np.ndarray:
    matrix = rng.standard_normal((count, dims)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def insert_through_writer(cortex: Cortex, vectors: np.ndarray) -> float:
    """One submitted work item per memory (row, version, vector, link); returns rows/s."""
    now = cortex.clock()
    model = cortex.embedder.model_id

    def work_for(i: int):
        def work(conn: apsw.Connection) -> int:
            values = {"type": TYPES[i % len(TYPES)], "summary": f"memory {i}"}
            memory_id = repo.insert_memory(conn, values, now)
            repo.store_embedding(conn, memory_id, vectors[i], model, f"{i:064x}", now)
            return memory_id

        return work

    started = time.perf_counter()
    futures = [cortex.db.submit(work_for(i), tables=()) for i in range(len(vectors))]
    for future in futures:
        future.result()
    return len(vectors) / (time.perf_counter() - started)


def insert_floor(vectors: np.ndarray, directory: Path) -> float:
    """The same vectors into a bare vec0 table, one executemany, one transaction."""
    conn = apsw.Connection(str(directory / "floor.db"))
    load_sqlite_vec(conn)
    conn.execute(f"CREATE VIRTUAL TABLE v USING vec0(embedding float[{vectors.shape[1]}])")
    started = time.perf_counter()
    with conn:
        conn.executemany(
            "INSERT INTO v (rowid, embedding) VALUES (?, ?)",
            ((i + 1, vectors[i].tobytes()) for i in range(len(vectors))),
        )
    rate = len(vectors) / (time.perf_counter() - started)
    conn.close()
    return rate


def timed(fn, queries: np.ndarray) -> tuple[float, list[list[int]]]:
    results, samples = [], []
    for query in queries:
        started = time.perf_counter()
        results.append(fn(query))
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), results


def recall(found: list[list[int]], truth: list[list[int]]) -> float:
    hits = sum(len(set(f) & set(t)) for f, t in zip(found, truth, strict=True))
    return round(hits / (K * len(truth)), 4)


def run(memories: int, queries: int) -> dict:
    rng = np.random.default_rng(42)
    with tempfile.TemporaryDirectory(prefix="cortex-bench-") as tmp:
        root = Path(tmp)
        with Cortex.open(root) as cortex:
            dims = cortex.embedder.dimensions
            vectors = unit_vectors(rng, memories, dims)
            insert_rate = insert_through_writer(cortex, vectors)
            floor_insert_rate = insert_floor(vectors, root)
            ids = np.arange(1, memories + 1)
            probes = unit_vectors(rng, queries, dims)

            exact = vectors.astype(np.float64) @ probes.astype(np.float64).T
            truth = [[int(ids[i]) for i in np.argsort(-exact[:, q], kind="stable")[:K]]
                     for q in range(queries)]  # fmt: skip

            def floor(query: np.ndarray) -> list[int]:
                scores = vectors @ query
                return [int(ids[i]) for i in np.argpartition(-scores, K)[:K]]

            floor_ms, _ = timed(floor, probes)

            def by_vec(query: np.ndarray) -> list[int]:
                return [i for i, _ in cortex.search_vector(query, k=K, method="vec")]

            def in_memory(query: np.ndarray) -> list[int]:
                return [i for i, _ in cortex.search_vector(query, k=K, method="memory")]

            started = time.perf_counter()
            in_memory(probes[0])  # first call loads the matrix from cortex.db
            load_ms = (time.perf_counter() - started) * 1000
            vec_ms, vec_found = timed(by_vec, probes)
            mem_ms, mem_found = timed(in_memory, probes)
            same_ids = vec_found == mem_found
    return {
        "memories": memories,
        "dimensions": dims,
        "queries": queries,
        "k": K,
        "insert_per_s": round(insert_rate),
        "insert_floor_per_s": round(floor_insert_rate),
        "insert_ratio_vs_floor": round(insert_rate / floor_insert_rate, 3),
        "sqlite_vec": {
            "knn_p50_ms": round(vec_ms, 2),
            "exact_recall": recall(vec_found, truth),
            "ratio_vs_floor": round(vec_ms / floor_ms, 2),
        },
        "in_memory": {
            "knn_p50_ms": round(mem_ms, 2),
            "exact_recall": recall(mem_found, truth),
            "ratio_vs_floor": round(mem_ms / floor_ms, 2),
            "load_ms": round(load_ms, 1),
        },
        "brute_force_floor": {"knn_p50_ms": round(floor_ms, 2)},
        "paths_return_same_ids": same_ids,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--memories", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()
    result = run(args.memories, args.queries)
    print_result(result, args.json)
    exact = (
        result["sqlite_vec"]["exact_recall"] == 1.0 and result["in_memory"]["exact_recall"] == 1.0
    )
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())

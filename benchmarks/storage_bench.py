"""Writer throughput against raw apsw, rescan transaction latency, cached vs uncached reads.

    python benchmarks/storage_bench.py [--rows N] [--per-submit N] --json

writer_vs_raw_ratio = rows/s of N pattern_locations rows through DatabaseManager.submit()
from 4 producer threads ÷ rows/s of one raw apsw executemany transaction on a fresh database
with the same schema, indexes and pragmas, measured in the same run (target >= 0.70).
rescan_txn_p50_ms / p99_ms: replacing one file's 200 locations in one submit, submit to commit.
cached_read_us / uncached_read_us: patterns-for-a-file through db.cached / db.read.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import apsw
from report import print_result

from storage.database import DatabaseManager
from storage.migrate import migrate
from storage.repositories import patterns as pattern_repo

PRODUCERS = 4
PATTERNS = 50
FILES = 500
INSERT = (
    "INSERT INTO pattern_locations (pattern_id, file_path, line, column, end_line, end_column, "
    "value, is_outlier, outlier_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def pattern_id(n: int) -> str:
    return f"{n:016x}"


def seed_patterns(conn: apsw.Connection) -> None:
    conn.executemany(
        "INSERT INTO patterns (id, category, name, detector_id, convention_key) "
        "VALUES (?, 'naming', ?, 'naming/function', ?)",
        [(pattern_id(n), f"p{n}", f"v{n}/declaration") for n in range(PATTERNS)],
    )
    conn.executemany(
        "INSERT INTO files (path, size, mtime_ns, content_hash) VALUES (?, 1, 1, 'h')",
        [(f"src/f{n}.py",) for n in range(FILES)],
    )
    # What a scan stores per file and value; the patterns-for-a-file read goes through it.
    conn.executemany(
        "INSERT INTO observation_groups (file_path, detector_id, context, value, occurrences, "
        "ranges) VALUES (?, 'naming/function', 'declaration', ?, 2, '[[1,4,1,9],[5,4,5,9]]')",
        [(f"src/f{f}.py", f"v{n}") for f in range(FILES) for n in range(0, PATTERNS, 10)],
    )


def location_rows(start: int, count: int, total: int) -> list[tuple]:
    """Rows numbered start..start+count; like a scan, each file's rows are consecutive."""
    per_file = max(1, total // FILES)
    rows = []
    for n in range(start, start + count):
        line, outlier = n % per_file, n % 10 == 0
        rows.append((
            pattern_id(n % PATTERNS), f"src/f{n // per_file}.py", line, 4, line, 20,
            "snake_case", int(outlier), "differs" if outlier else None,
        ))  # fmt: skip
    return rows


def raw_rows_per_s(path: Path, total: int) -> float:
    conn = apsw.Connection(str(path))
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON",
                   "cache_size = -65536", "temp_store = MEMORY"):  # fmt: skip
        conn.execute(f"PRAGMA {pragma}").fetchall()
    migrate(conn, "drift")
    with conn:
        seed_patterns(conn)
    rows = location_rows(0, total, total)
    started = time.perf_counter()
    with conn:
        conn.executemany(INSERT, rows)
    elapsed = time.perf_counter() - started
    conn.close()
    return total / elapsed


def writer_rows_per_s(db: DatabaseManager, total: int, per_submit: int) -> float:
    db.write(seed_patterns, tables=("patterns", "files", "observation_groups"))
    chunks = [location_rows(start, per_submit, total) for start in range(0, total, per_submit)]
    mine = [chunks[p::PRODUCERS] for p in range(PRODUCERS)]

    def produce(batches: list[list[tuple]]) -> None:
        futures = [
            db.submit(lambda c, b=batch: c.executemany(INSERT, b), tables=("pattern_locations",))
            for batch in batches
        ]
        for future in futures:
            future.result()

    threads = [threading.Thread(target=produce, args=(m,)) for m in mine]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return total / (time.perf_counter() - started)


def rescan_latencies_ms(db: DatabaseManager, rounds: int) -> list[float]:
    def replace_file(conn: apsw.Connection, path: str, base: int) -> None:
        conn.execute("DELETE FROM pattern_locations WHERE file_path = ?", (path,))
        conn.executemany(
            INSERT,
            [(pattern_id(k % PATTERNS), path, k, 0, k, 10, "snake_case", 0, None)
             for k in range(base, base + 200)],
        )  # fmt: skip

    latencies = []
    for r in range(rounds):
        path = f"src/f{r % FILES}.py"
        started = time.perf_counter()
        db.submit(
            lambda c, p=path, b=r: replace_file(c, p, b), tables=("pattern_locations",)
        ).result()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def read_us(db: DatabaseManager, rounds: int, *, cached: bool) -> float:
    samples = []
    for r in range(rounds):
        path = f"src/f{r % 20}.py"

        def query(c: apsw.Connection, p: str = path) -> list:
            return pattern_repo.for_file(c, p)

        started = time.perf_counter()
        if cached:
            db.cached("patterns_for_file", path, ("patterns", "observation_groups"), query)
        else:
            db.read("patterns_for_file", query)
        samples.append((time.perf_counter() - started) * 1e6)
    return statistics.median(samples)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--per-submit", type=int, default=1000)
    parser.add_argument("--rescans", type=int, default=300)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        raw = raw_rows_per_s(Path(tmp) / "raw.db", args.rows)
        with DatabaseManager(Path(tmp) / "writer.db") as db:
            writer = writer_rows_per_s(db, args.rows, args.per_submit)
            writer_stats = db.stats()["writer"]
            rescans = rescan_latencies_ms(db, args.rescans)
            read_us(db, 100, cached=False)  # warm the page cache for both read figures
            uncached = read_us(db, args.reads, cached=False)
            cached = read_us(db, args.reads, cached=True)

    result = {
        "rows": args.rows,
        "rows_per_submit": args.per_submit,
        "producers": PRODUCERS,
        "raw_rows_per_s": round(raw),
        "writer_rows_per_s": round(writer),
        "writer_vs_raw_ratio": round(writer / raw, 3),
        "rescan_txn_p50_ms": round(percentile(rescans, 0.50), 3),
        "rescan_txn_p99_ms": round(percentile(rescans, 0.99), 3),
        "cached_read_us": round(cached, 2),
        "uncached_read_us": round(uncached, 2),
        "writer_batches": writer_stats["batches"],
        "writer_batch_size_p50": writer_stats["batch_size_p50"],
    }
    print_result(result, args.json)


if __name__ == "__main__":
    main()

"""Scanning a workspace: walk, skip what hasn't changed, detect in a process pool, stream the
results to the storage writer in batches, then re-learn what changed and re-pick examples.

A scan that dies after some batches (SIGKILL, Ctrl-C, a full disk) leaves its row in
`scan_history` as 'running' and its files stored with their new stats, so the next scan
would skip them without learning from them. The next scan therefore re-learns every slot
when it finds such a row: learning never stays behind the stored observations.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import apsw

from drift_lsp.analysis.history import last_commit_times
from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.pool import detection_pool
from drift_lsp.analysis.scanner import FileResult, Walker, analyze_file
from drift_lsp.analysis.scope import Packages
from drift_lsp.config import DriftConfig
from drift_lsp.indexing.apply import Touched, apply_results, remove_files
from drift_lsp.indexing.examples import refresh_examples
from drift_lsp.indexing.learning import Learned, relearn
from drift_lsp.indexing.lock import Lock, read_lock
from drift_lsp.indexing.locking import apply_lock, unpin, without_evidence
from storage.database import DatabaseManager
from storage.repositories import files as file_repo
from storage.repositories import patterns as pattern_repo
from storage.repositories import scans as scan_repo

# Below this many files a process pool costs more to start than it saves.
_POOL_MIN_FILES = 64
_WRITE_BATCH = 64

Progress = Callable[[int, int], None]


@dataclass
class ScanSummary:
    kind: str
    scan_id: int = 0
    status: str = "completed"
    files_total: int = 0
    files_scanned: int = 0
    files_skipped: int = 0
    files_unchanged: int = 0
    files_failed: int = 0
    files_deleted: int = 0
    patterns_new: int = 0
    patterns_total: int = 0
    auto_approved: list[str] = field(default_factory=list)
    duration_ms: float = 0.0
    problems: list[str] = field(default_factory=list)
    # Conventions drift.lock decides that the code no longer shows: kept, and said.
    locked_without_evidence: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Scan:
    """One scan run: its counters, and what its batches touched (merged on this thread from
    the writer's results, never mutated by the writer)."""

    def __init__(
        self,
        db: DatabaseManager,
        root: Path,
        config: DriftConfig,
        *,
        full: bool,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.db, self.root, self.config = db, root, config
        self.full = full
        self.progress = progress
        self.cancel = cancel or threading.Event()
        self.summary = ScanSummary(kind="full" if full else "incremental")
        self.learned = Learned()
        self.packages = Packages()
        self.lock: Lock | None = None

    def _tasks(self) -> tuple[list[tuple], set[str]]:
        stats = self.db.read("file_stats", file_repo.stats)
        max_size = self.config.performance.max_file_size
        walker = Walker(self.root, self.config)
        found = [(rel, stat, language_for_path(rel)) for rel, stat in walker]
        self.packages = Packages.of(
            walker.manifest_folders, ((rel, lang.name) for rel, _, lang in found if lang)
        )
        root, tasks = str(self.root), []
        for rel, stat, language in found:
            package = self.packages.package_of(rel, language.name) if language else ""
            old = stats.get(rel)
            # A file whose package starts or stops learning on its own counts elsewhere now.
            moved = old is not None and old.package != package
            self.summary.files_total += 1
            if (
                not self.full
                and old is not None
                and not moved
                and old.size == stat.st_size
                and old.mtime_ns == stat.st_mtime_ns
            ):
                self.summary.files_skipped += 1
                continue
            old_hash = None if self.full or old is None or moved else old.content_hash
            tasks.append((root, rel, stat.st_size, stat.st_mtime_ns, old_hash, max_size, package))
        return tasks, set(stats) - {rel for rel, _, _ in found}

    def _results(self, tasks: list[tuple]) -> Iterator[FileResult]:
        workers = self.config.performance.max_workers or os.cpu_count() or 1
        if workers == 1 or len(tasks) < _POOL_MIN_FILES:
            yield from map(analyze_file, tasks)
            return
        with detection_pool(workers) as pool:
            chunk = max(1, min(32, len(tasks) // (workers * 8)))
            results = pool.map(analyze_file, tasks, chunksize=chunk)
            try:
                yield from results
            finally:
                pool.shutdown(wait=True, cancel_futures=True)

    def run(self) -> ScanSummary:
        """Scan; raises LockError, before anything is written, on a malformed drift.lock."""
        started = time.perf_counter()
        # The team's decisions come first: read before any work, so a broken lock stops
        # the scan rather than letting it learn without them.
        self.lock = read_lock(self.root)
        scan_id, interrupted = self.db.write(self._start)
        self.summary.scan_id = scan_id
        tasks, deleted = self._tasks()
        self.summary.timings["walk_s"] = round(time.perf_counter() - started, 4)
        pending: list[Future[Touched]] = []
        batch: list[FileResult] = []
        for done, result in enumerate(self._results(tasks), start=1):
            self._count(result)
            batch.append(result)
            if len(batch) >= _WRITE_BATCH:
                pending.append(self._submit(batch))
                batch = []
            if self.progress is not None:
                self.progress(done, len(tasks))
            if self.cancel.is_set():
                self.summary.status = "cancelled"
                break
        if batch:
            pending.append(self._submit(batch))
        touched = Touched()
        for future in pending:
            touched.update(future.result())
        self.summary.timings["analyze_s"] = round(time.perf_counter() - started, 4)
        if self.summary.status == "cancelled":
            deleted = set()
        self.summary.files_deleted = len(deleted)
        self.summary.duration_ms = round((time.perf_counter() - started) * 1000, 1)
        # Only files whose content changed get a commit time: a touch alone needs no git.
        commits = last_commit_times(self.root) if self.summary.files_scanned else {}
        everything = self.full or interrupted
        self.learned = self.db.write(
            lambda c: self._close(c, scan_id, touched, deleted, commits, everything)
        )
        self.summary.timings["learn_s"] = round(time.perf_counter() - started, 4)
        examples = refresh_examples(self.db, self.root, self.learned.rebuilt)
        if examples is not None:
            examples.result()
        self.summary.timings["total_s"] = round(time.perf_counter() - started, 4)
        return self.summary

    def _start(self, conn: apsw.Connection) -> tuple[int, bool]:
        """This scan's id, and whether an earlier one died before learning from its files."""
        interrupted = scan_repo.abandon_running_scans(conn)
        return scan_repo.start_scan(conn, self.summary.kind), interrupted

    def _submit(self, batch: list[FileResult]) -> Future[Touched]:
        return self.db.submit(
            lambda c: apply_results(c, batch),
            tables=("files", "observation_groups", "pattern_locations"),
        )

    def _close(
        self,
        conn: apsw.Connection,
        scan_id: int,
        touched: Touched,
        deleted: set[str],
        commits: dict[str, int],
        everything: bool,
    ) -> Learned:
        file_repo.set_commit_times(
            conn, ((path, commits[path]) for path in touched.files if path in commits)
        )
        touched.update(remove_files(conn, deleted))
        file_repo.set_learning_packages(conn, self.packages.learning)
        touched.slots |= unpin(conn) if self.lock is None else apply_lock(conn, self.lock)
        learned = Learned()
        if touched or everything:
            learned = relearn(conn, touched, self.config.learning, everything=everything)
        self.summary.patterns_new = learned.created
        self.summary.auto_approved = learned.auto_approved
        self.summary.patterns_total = pattern_repo.status(conn).get("total_patterns", 0)
        if self.lock is not None:
            missing = without_evidence(conn, self.lock)
            self.summary.locked_without_evidence = [entry.describe() for entry in missing]
        scan_repo.finish_scan(conn, scan_id, self.summary.status, self.summary.to_json(), None)
        return learned

    def _count(self, result: FileResult) -> None:
        if result.unchanged:
            self.summary.files_unchanged += 1
        elif result.status == "ok":
            self.summary.files_scanned += 1
        else:
            self.summary.files_failed += result.status == "parse_error"
            self.summary.files_skipped += result.status != "parse_error"
            self.summary.problems.append(f"{result.path}: {result.error or result.status}")

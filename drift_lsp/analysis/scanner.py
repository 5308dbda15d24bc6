"""Scanning a workspace: walk, skip what hasn't changed, detect in a process pool, stream the
results to the storage writer, and close the scan by re-learning what changed."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import apsw
import pathspec

from drift_lsp.analysis.detect import analyze
from drift_lsp.analysis.history import last_commit_times
from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.learn import update_patterns
from drift_lsp.analysis.model import Observation
from drift_lsp.analysis.pool import detection_pool
from drift_lsp.config import DriftConfig
from storage.database import DatabaseManager
from storage.repositories import files as file_repo
from storage.repositories import patterns as pattern_repo
from storage.repositories import scans as scan_repo

log = logging.getLogger(__name__)

DEFAULT_EXCLUDES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".drift",
        "node_modules",
        ".venv",
        "venv",
        ".env",
        "env",
        "__pycache__",
        "site-packages",
        "build",
        "dist",
        "out",
        "coverage",
        ".next",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".eggs",
    }
)
# Below this many files a process pool costs more to start than it saves.
_POOL_MIN_FILES = 64
_WRITE_BATCH = 64
_SNIFF = 8192

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class FileResult:
    path: str
    size: int
    mtime_ns: int
    content_hash: str
    language: str | None
    status: str = "ok"
    error: str | None = None
    observations: tuple[scan_repo.ObservationGroup, ...] = ()
    unchanged: bool = False


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
    duration_ms: float = 0.0
    problems: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def observation_groups(
    observations: Iterable[Observation],
) -> tuple[scan_repo.ObservationGroup, ...]:
    """A file's observations as stored: one group per value, its ranges JSON-encoded here in
    the worker so the parent process and the writer only pass strings along."""
    ranges: dict[tuple[str, str, str], list[tuple[int, int, int, int]]] = defaultdict(list)
    for o in observations:
        ranges[o.detector_id, o.context, o.value].append(
            (o.line, o.column, o.end_line, o.end_column)
        )
    # Sorted: query captures come in match order, which shifts whenever a query changes.
    return tuple(
        (*key, len(spans), json.dumps(sorted(spans), separators=(",", ":")))
        for key, spans in ranges.items()
    )


def classify_bytes(path: str, data: bytes, max_size: int) -> tuple[str, str | None]:
    """('ok', None) or the reason a file is skipped, with a message for the user."""
    if len(data) > max_size:
        return "too_large", f"{len(data)} bytes is over the {max_size}-byte limit"
    if b"\0" in data[:_SNIFF]:
        return "binary", "binary file"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "non_utf8", f"not UTF-8 (byte {exc.start})"
    return "ok", None


def analyze_file(task: tuple[str, str, int, int, str | None, int]) -> FileResult:
    """Worker: read, hash, and detect one file. Never raises: failures become a status."""
    root, rel, size, mtime_ns, old_hash, max_size = task
    language = language_for_path(rel)
    name = language.name if language else None
    try:
        with open(os.path.join(root, rel), "rb") as handle:
            data = handle.read(max_size + 1)
    except OSError as exc:
        return FileResult(rel, size, mtime_ns, "", name, "parse_error", str(exc))
    if len(data) > max_size:
        return FileResult(rel, size, mtime_ns, "", name, "too_large", f"over {max_size} bytes")
    digest = content_hash(data)
    if digest == old_hash:
        return FileResult(rel, size, mtime_ns, digest, name, unchanged=True)
    status, error = classify_bytes(rel, data, max_size)
    if status != "ok" or language is None:
        return FileResult(rel, size, mtime_ns, digest, name, status, error)
    try:
        observations = observation_groups(analyze(language, data, rel).observations)
    except Exception as exc:  # a grammar or classifier bug must not stop the scan
        return FileResult(rel, size, mtime_ns, digest, name, "parse_error", repr(exc))
    return FileResult(rel, size, mtime_ns, digest, name, observations=observations)


class Walker:
    """Candidate source files under a root, honouring .gitignore, config and default excludes."""

    def __init__(self, root: Path, config: DriftConfig) -> None:
        self.root = root
        lines: list[str] = list(config.ignore)
        gitignore = root / ".gitignore"
        if gitignore.is_file():
            try:
                lines = gitignore.read_text("utf-8", "replace").splitlines() + lines
            except OSError:
                log.warning("cannot read %s", gitignore)
        self._spec = pathspec.GitIgnoreSpec.from_lines(lines)

    def ignored(self, rel: str, is_dir: bool = False) -> bool:
        parts = rel.split("/")
        if any(part in DEFAULT_EXCLUDES for part in (parts if is_dir else parts[:-1])):
            return True
        return self._spec.match_file(rel + "/" if is_dir else rel)

    def __iter__(self) -> Iterator[tuple[str, os.stat_result]]:
        root = str(self.root)
        for directory, dirs, names in os.walk(root):
            base = os.path.relpath(directory, root).replace(os.sep, "/")
            base = "" if base == "." else base + "/"
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in DEFAULT_EXCLUDES and not self.ignored(base + d, is_dir=True)
            )
            for name in sorted(names):
                rel = base + name
                if language_for_path(name) is None or self._spec.match_file(rel):
                    continue
                try:
                    stat = os.stat(os.path.join(directory, name))
                except OSError:
                    continue
                yield rel, stat


class Scan:
    """One scan run: owns its counters and the sets the writer accumulates."""

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
        # Only the writer thread touches these two, inside submitted work.
        self._touched: set[scan_repo.Slot] = set()
        self._changed: set[str] = set()

    def _apply(self, conn: apsw.Connection, results: list[FileResult]) -> None:
        for result in results:
            if result.unchanged:
                file_repo.touch(conn, result.path, result.size, result.mtime_ns)
                continue
            file_repo.upsert(
                conn,
                result.path,
                result.size,
                result.mtime_ns,
                result.content_hash,
                result.language,
                result.status,
                result.error,
            )
            self._touched |= scan_repo.replace_observations(conn, result.path, result.observations)
            self._changed.add(result.path)

    def _close(
        self, conn: apsw.Connection, scan_id: int, deleted: set[str], commits: dict[str, int]
    ) -> None:
        file_repo.set_commit_times(
            conn, ((path, commits[path]) for path in self._changed if path in commits)
        )
        for path in deleted:
            self._touched |= scan_repo.slots_of(conn, path)
        file_repo.delete(conn, deleted)
        self._changed |= deleted
        if self.full:
            self._touched |= scan_repo.all_slots(conn)
        if self._touched:
            learned = update_patterns(
                conn, self.root, self._touched, self._changed, self.config.learning
            )
            self.summary.patterns_new = learned.created
        self.summary.patterns_total = pattern_repo.status(conn).get("total_patterns", 0)
        scan_repo.finish_scan(conn, scan_id, self.summary.status, self.summary.to_json(), None)

    def _tasks(self) -> tuple[list[tuple], set[str]]:
        stats = self.db.read("file_stats", file_repo.stats)
        max_size = self.config.performance.maxFileSize
        root, tasks, seen = str(self.root), [], set()
        for rel, stat in Walker(self.root, self.config):
            seen.add(rel)
            old = stats.get(rel)
            self.summary.files_total += 1
            if (
                not self.full
                and old is not None
                and old.size == stat.st_size
                and old.mtime_ns == stat.st_mtime_ns
            ):
                self.summary.files_skipped += 1
                continue
            old_hash = None if self.full or old is None else old.content_hash
            tasks.append((root, rel, stat.st_size, stat.st_mtime_ns, old_hash, max_size))
        return tasks, set(stats) - seen

    def _results(self, tasks: list[tuple]) -> Iterator[FileResult]:
        workers = self.config.performance.maxWorkers or os.cpu_count() or 1
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
        started = time.perf_counter()
        scan_id = self.db.write(lambda c: scan_repo.start_scan(c, self.summary.kind))
        self.summary.scan_id = scan_id
        tasks, deleted = self._tasks()
        self.summary.timings["walk_s"] = round(time.perf_counter() - started, 4)
        pending: list[Future[None]] = []
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
        for future in pending:
            future.result()
        self.summary.timings["analyze_s"] = round(time.perf_counter() - started, 4)
        if self.summary.status == "cancelled":
            deleted = set()
        self.summary.files_deleted = len(deleted)
        self.summary.duration_ms = round((time.perf_counter() - started) * 1000, 1)
        # Only files whose content changed get a commit time: a touch alone needs no git.
        commits = last_commit_times(self.root) if self.summary.files_scanned else {}
        self.db.write(lambda c: self._close(c, scan_id, deleted, commits))
        self.summary.timings["total_s"] = round(time.perf_counter() - started, 4)
        return self.summary

    def _submit(self, batch: list[FileResult]) -> Future[None]:
        return self.db.submit(
            lambda c: self._apply(c, batch),
            tables=("files", "observation_groups", "pattern_locations"),
        )

    def _count(self, result: FileResult) -> None:
        if result.unchanged:
            self.summary.files_unchanged += 1
        elif result.status == "ok":
            self.summary.files_scanned += 1
        else:
            self.summary.files_failed += result.status == "parse_error"
            self.summary.files_skipped += result.status != "parse_error"
            self.summary.problems.append(f"{result.path}: {result.error or result.status}")

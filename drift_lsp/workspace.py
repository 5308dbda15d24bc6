"""A Drift workspace: the one facade the CLI and the language server both use.

It owns the workspace's DatabaseManager and config, and turns analysis + storage calls into
answers: scan, check a file's text, look up patterns, examples and status, back up, restore.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from drift_lsp import __version__
from drift_lsp.analysis.detect import Analysis, analyze
from drift_lsp.analysis.explain import Explanation, explain
from drift_lsp.analysis.git import git_user
from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.model import ApprovedPattern, Violation
from drift_lsp.analysis.scanner import (
    FileResult,
    Walker,
    classify_bytes,
    content_hash,
    observation_groups,
)
from drift_lsp.analysis.scope import Packages, scope_of, unscoped
from drift_lsp.analysis.violations import find_violations
from drift_lsp.config import DriftConfig, load_config, path_matches
from drift_lsp.indexing.apply import apply_results
from drift_lsp.indexing.examples import refresh_examples
from drift_lsp.indexing.learning import Learned, relearn
from drift_lsp.indexing.lock import (
    LockError,
    LockOverride,
    lock_path,
    read_lock,
    write_lock,
)
from drift_lsp.indexing.locking import (
    decided_entries,
    disagreements,
    override_of,
    override_row,
    pin,
)
from drift_lsp.indexing.scan import Progress, Scan, ScanSummary
from storage import housekeeping, registry
from storage.backup import BackupInfo
from storage.cortex import Cortex, cortex_db_path
from storage.database import DatabaseManager
from storage.errors import StorageError
from storage.migrate import current_version
from storage.paths import DRIFT_DIR, db_path
from storage.repositories import files as file_repo
from storage.repositories import patterns as pattern_repo
from storage.repositories import scans as scan_repo
from storage.repositories import settings as settings_repo
from storage.repositories.patterns import ExampleRow, LocationRow, PatternRow, pattern_id_of
from storage.retention import RetentionPolicy, RetentionSchedule, schedule_retention

log = logging.getLogger(__name__)

_PATTERN_TABLES = ("patterns", "pattern_variants")


@dataclasses.dataclass(frozen=True)
class Saved:
    violations: list[Violation]
    # Resolves once the save is stored and re-learnt from; None when nothing is stored
    # (an unsaved buffer, a file Drift does not check).
    committed: Future[Learned] | None


@dataclasses.dataclass(frozen=True)
class Example:
    file: str
    start_line: int
    end_line: int
    code: str
    language: str
    quality: float


def _resolve_severity(
    pattern: PatternRow,
    rel: str,
    config: DriftConfig,
    variants: list[pattern_repo.VariantRow],
) -> str:
    """Most specific wins: file variant, glob override (the longest glob of those matching),
    directory variant, global variant, config, pattern. "off" means not checked here."""
    best: tuple[tuple[int, int], str] | None = None
    for variant in variants:
        if variant.pattern_id != pattern.id or variant.severity is None:
            continue
        path = variant.scope_path or ""
        if variant.scope == "file" and path == rel:
            rank = (4, 0)
        elif variant.scope == "glob" and path_matches(path, rel):
            rank = (3, len(path))
        elif variant.scope == "directory" and rel.startswith(path.rstrip("/") + "/"):
            rank = (2, 0)
        elif variant.scope == "global":
            rank = (1, 0)
        else:
            continue
        if best is None or rank > best[0]:
            best = (rank, variant.severity)
    if best is not None:
        return best[1]
    for key in (pattern.id, pattern.detector_id, pattern.name, pattern.category):
        if key in config.severity:
            return config.severity[key]
    return pattern.severity


class TeamMemory:
    """The workspace's cortex.db: opened on first use (never created by a mere read) and
    closed with the workspace, so a folder removed from the editor lets go of it."""

    def __init__(self, root: Path, *, readers: int = 2, cache_max_age_hours: float = 24.0) -> None:
        self.root = root
        self._readers = readers
        self._cache_max_age_hours = cache_max_age_hours
        self._cortex: Cortex | None = None
        self._lock = threading.Lock()

    def get(self, *, create: bool) -> Cortex | None:
        with self._lock:
            if self._cortex is None and (create or cortex_db_path(self.root).exists()):
                self._cortex = Cortex.open(
                    self.root,
                    readers=self._readers,
                    app_version=__version__,
                    cache_max_age_hours=self._cache_max_age_hours,
                )
            return self._cortex

    def close(self) -> None:
        with self._lock:
            cortex, self._cortex = self._cortex, None
        if cortex is not None:
            cortex.close()


class Workspace:
    def __init__(self, root: Path, config: DriftConfig, db: DatabaseManager) -> None:
        self.root = root
        self.config = config
        self.db = db
        self._walker = Walker(root, config)
        self._scan_lock = threading.Lock()
        self._retention = self._schedule_retention()
        self.memory = TeamMemory(
            root,
            readers=config.performance.readers,
            cache_max_age_hours=config.memory.cache_entries_max_age_hours,
        )
        self._background = ThreadPoolExecutor(1, thread_name_prefix="drift-examples")

    @classmethod
    def open(cls, root: Path) -> Workspace:
        """Open (creating if needed) the workspace's database. Raises ConfigError for an
        invalid drift.config.json and StorageError for a database that can't be used."""
        root = root.resolve()
        config = load_config(root)
        db = DatabaseManager(
            db_path(root), readers=config.performance.readers, app_version=__version__
        )
        workspace = cls(root, config, db)
        workspace._mirror_config()
        workspace._housekeeping(housekeeping.note_version, name=root.name, root=str(root))
        return workspace

    def _housekeeping(self, task: Any, *args: Any, **kwargs: Any) -> None:
        """An automatic backup: when it can't be taken the user hears why, and the work
        that asked for it goes on."""
        try:
            task(self.db, *args, **kwargs)
        except StorageError as exc:
            log.warning("drift: automatic backup of %s skipped: %s", self.db.path, exc)

    def _schedule_retention(self) -> RetentionSchedule:
        return schedule_retention(self.db, RetentionPolicy.from_mapping(self.config.retention))

    def _mirror_config(self) -> None:
        values = self.config.to_json()
        self.db.submit(lambda c: settings_repo.replace(c, values), tables=("config",))

    def reload_config(self) -> DriftConfig:
        """Re-read drift.config.json; on ConfigError the previous config stays in force."""
        config = load_config(self.root)
        self.config = config
        self._walker = Walker(self.root, config)
        self._retention.stop()
        self._retention = self._schedule_retention()
        self._mirror_config()
        return config

    def relative(self, path: Path) -> str | None:
        try:
            rel = path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None
        return None if self._walker.ignored(rel) else rel

    # ---- scanning ----------------------------------------------------------------------

    def has_been_scanned(self) -> bool:
        return self.db.read("last_scan", scan_repo.last_scan) is not None

    def scan(
        self,
        *,
        full: bool = False,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> ScanSummary:
        full = full or not self.config.performance.incremental_analysis
        with self._scan_lock:
            self._housekeeping(housekeeping.scheduled_backup, self.config.backup.schedule_hours)
            summary = Scan(
                self.db, self.root, self.config, full=full, progress=progress, cancel=cancel
            ).run()
        self._retention.scan_finished(summary.scan_id)
        self.register()
        return summary

    def register(self) -> None:
        """Record this workspace in the per-user project registry (`drift projects`). The
        registry is a convenience: when it can't be written the user is told, and the scan
        or the server goes on without it."""
        try:
            status = self.status()
            info = registry.ProjectInfo(
                name=self.root.name,
                root=str(self.root),
                drift_version=__version__,
                schema_version=self.db.read("version", current_version),
                last_scan_at=status.get("last_scan_at"),
                health_score=status.get("health_score"),
                languages=self.db.read("languages", file_repo.languages),
            )
            registry.register(info)
        except StorageError as exc:
            log.warning("drift: %s; going on without it (`drift projects` won't list it)", exc)

    # ---- checking ----------------------------------------------------------------------

    def approved_patterns(self, rel: str) -> list[ApprovedPattern]:
        rows, variants = self.db.cached(
            "approved_patterns",
            "all",
            _PATTERN_TABLES,
            lambda c: (pattern_repo.approved(c), pattern_repo.variants(c)),
        )
        language = language_for_path(rel)
        if language is None:
            return []
        package = self.packages().package_of(rel, language.name)
        approved = []
        for row in rows:
            context, scope = unscoped(row.context)
            # Only the conventions of this file's language, role and package apply to it.
            if scope != scope_of(rel, language.name, row.category, package):
                continue
            severity = _resolve_severity(row, rel, self.config, variants)
            if severity == "off":
                continue
            approved.append(
                ApprovedPattern(
                    id=row.id,
                    detector_id=row.detector_id,
                    context=context,
                    value=row.value,
                    name=row.name,
                    category=row.category,
                    severity=severity,
                )
            )
        return approved

    def packages(self) -> Packages:
        """The packages that learn on their own, as the last scan found them."""
        return self.db.cached(
            "packages",
            "all",
            ("packages",),
            lambda c: Packages(file_repo.learning_packages(c)),
        )

    def _analyse(self, path: Path, text: str) -> tuple[str, Analysis, bytes] | None:
        rel = self.relative(path)
        language = language_for_path(path)
        if rel is None or language is None:
            return None
        data = text.encode("utf-8", "surrogatepass")
        status, problem = classify_bytes(rel, data, self.config.performance.max_file_size)
        if status != "ok":
            log.info("not checking %s: %s", rel, problem)
            return None
        try:
            return rel, analyze(language, data, rel), data
        except Exception:
            log.exception("analysis of %s failed", rel)
            return None

    def _violations(self, rel: str, text: str, analysis: Analysis) -> list[Violation]:
        approved = self.approved_patterns(rel)
        return find_violations(rel, text, analysis.observations, approved, analysis=analysis)

    def check_text(self, path: Path, text: str) -> list[Violation]:
        """Violations of approved patterns in `text`; nothing is stored."""
        analysed = self._analyse(path, text)
        return [] if analysed is None else self._violations(analysed[0], text, analysed[1])

    def save_text(self, path: Path, text: str) -> Saved:
        """A saved file: its violations, and its observations sent to the writer (when
        `text` is what is on disk) to be stored and re-learnt from.

        The violations are found without waiting for that commit, against the patterns it
        starts from. They are the ones as of the commit unless the commit changes what is
        enforced, which `Saved.committed` tells: the caller then checks again."""
        analysed = self._analyse(path, text)
        if analysed is None:
            return Saved([], None)
        rel, analysis, data = analysed
        committed = self._store(path, rel, analysis, data)
        return Saved(self._violations(rel, text, analysis), committed)

    def _store(
        self, path: Path, rel: str, analysis: Analysis, data: bytes
    ) -> Future[Learned] | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        if stat.st_size != len(data):
            return None  # an unsaved buffer: the database describes files as on disk
        digest = content_hash(data)
        language = analysis.source.language.name
        package = self.packages().package_of(rel, language)
        result = FileResult(
            rel,
            stat.st_size,
            stat.st_mtime_ns,
            digest,
            language,
            observations=observation_groups(rel, language, package, analysis.observations),
            package=package,
        )
        learning = self.config.learning

        def write(conn) -> Learned:
            if file_repo.content_hash(conn, rel) == digest:
                file_repo.touch(conn, rel, stat.st_size, stat.st_mtime_ns)
                return Learned()
            return relearn(conn, apply_results(conn, [result]), learning)

        try:
            committed = self.db.submit(write, tables=None)
        except StorageError as exc:
            log.warning("could not save the analysis of %s: %s", rel, exc)
            return None
        committed.add_done_callback(self._after_save)
        return committed

    def _after_save(self, committed: Future[Learned]) -> None:
        """On the writer thread: hand the example refresh to another thread, since it reads
        files and must not hold up the writer."""
        if committed.exception() is not None:
            log.warning("could not save an analysis: %s", committed.exception())
        elif committed.result().rebuilt:
            rebuilt = committed.result().rebuilt
            with contextlib.suppress(RuntimeError):  # closing: the next scan picks them
                self._background.submit(self._refresh_examples, rebuilt)

    def _refresh_examples(self, pattern_ids: set[str]) -> None:
        try:
            future = refresh_examples(self.db, self.root, pattern_ids)
            if future is not None:
                future.result()
        except StorageError as exc:
            log.warning("could not store examples: %s", exc)

    # ---- patterns ----------------------------------------------------------------------

    def pattern(self, pattern_id: str) -> PatternRow | None:
        return self.db.cached(
            "pattern", pattern_id, ("patterns",), lambda c: pattern_repo.get(c, pattern_id)
        )

    def patterns_named(self, name: str) -> list[PatternRow]:
        """The pattern a 16-hex id names, or every pattern of a rule code (naming/function),
        one per scope it was learned in."""
        pattern = self.pattern(name)
        if pattern is not None:
            return [pattern]
        return self.patterns(pattern_repo.PatternFilter(detector_id=name), after=None, limit=100)

    def patterns(self, where: pattern_repo.PatternFilter, *, after: str | None, limit: int):
        return self.db.read(
            "patterns", lambda c: pattern_repo.search(c, where, after=after, limit=limit)
        )

    def patterns_at(self, rel: str, line: int) -> list[tuple[PatternRow, LocationRow]]:
        locations = self.db.cached(
            "locations_at",
            (rel, line),
            ("patterns", "pattern_locations", "observation_groups"),
            lambda c: pattern_repo.locations_at(c, rel, line),
        )
        found = []
        for location in locations:
            pattern = self.pattern(location.pattern_id)
            if pattern is not None:
                found.append((pattern, location))
        return found

    def examples(self, pattern_id: str, limit: int = 5, *, positive: bool = True) -> list[Example]:
        rows: list[ExampleRow] = self.db.cached(
            "examples",
            (pattern_id, limit, positive),
            ("pattern_examples",),
            lambda c: pattern_repo.examples(c, pattern_id, limit, positive=positive),
        )
        return [
            Example(
                row.file_path,
                row.start_line,
                row.end_line,
                row.code,
                _fence(row.file_path),
                row.quality,
            )
            for row in rows
        ]

    def conforming_location(self, pattern_id: str) -> LocationRow | None:
        return self.db.cached(
            "conforming_location",
            pattern_id,
            ("patterns", "observation_groups"),
            lambda c: pattern_repo.conforming_location(c, pattern_id),
        )

    def explain(self, pattern_id: str) -> Explanation | None:
        """Why the pattern was learned: shares per occurrence and per file, scope, approval."""
        pattern = self.pattern(pattern_id)
        if pattern is None:
            return None
        slot = (pattern.detector_id, pattern.context)

        def read(conn):
            return scan_repo.slot_rows(conn, slot), pattern_repo.decision(conn, pattern_id)

        # Cached: hover explains the same few conventions over and over between saves.
        tables = ("patterns", "learned_patterns", "observation_groups", "files")
        rows, decision = self.db.cached("explain", pattern_id, tables, read)
        return explain(
            pattern.detector_id,
            pattern.name,
            pattern.value,
            pattern.context,
            pattern.status,
            pattern.confidence_score,
            decision,
            self.config.learning.auto_approve_threshold,
            rows,
        )

    def decider(self, by: str | None = None) -> str:
        """Who a decision is recorded as made by: `by`, else git's user.name, else "user"."""
        return by or git_user(self.root) or "user"

    def set_status(self, pattern_ids: list[str], status: str, *, by: str | None = None) -> int:
        """A person's decision; when the workspace has a drift.lock it goes there too (a
        change to commit, as a lint config change is). Raises LockError, before deciding
        anything, when that lock is malformed."""
        lock = read_lock(self.root)
        actor = self.decider(by)

        def decide(conn) -> tuple[int, list]:
            changed = pattern_repo.set_status(conn, pattern_ids, status, actor)
            return changed, decided_entries(conn, set(pattern_ids)) if lock else []

        changed, entries = self.db.write(
            decide, tables=("patterns", "learned_patterns", "pattern_history")
        )
        if lock is not None:
            write_lock(self.root, lock.with_entries(entries))
        return changed

    def overrides(self) -> list[pattern_repo.OverrideRow]:
        return self.db.read("overrides", pattern_repo.overrides)

    def set_override(
        self,
        patterns: list[PatternRow],
        glob: str,
        severity: str,
        *,
        expires: dt.date | None = None,
        by: str | None = None,
    ) -> None:
        """Check `patterns` with `severity` ("off": not at all) in the files `glob` matches,
        until `expires`; recorded in drift.lock too when the workspace has one."""
        today = dt.datetime.now(dt.UTC).date()
        decider = self.decider(by)
        changes = {
            (p.detector_id, p.convention_key, glob): LockOverride(
                p.detector_id, p.convention_key, glob, severity, expires, decider, today
            )
            for p in patterns
        }
        self._change_overrides(changes)

    def remove_override(self, name: str, glob: str) -> int:
        """Remove the overrides for `glob` of the pattern id or rule code `name`; how many."""
        changes: dict[tuple[str, str, str], LockOverride | None] = {
            override_of(row).key: None
            for row in self.overrides()
            if name in (row.pattern_id, row.detector_id) and row.glob == glob
        }
        self._change_overrides(changes)
        return len(changes)

    def _change_overrides(self, changes: dict[tuple[str, str, str], LockOverride | None]) -> None:
        """Set (or, for None, remove) overrides by (rule, pattern, glob), in the database and
        in drift.lock when there is one (read first: a malformed lock changes nothing)."""
        lock = read_lock(self.root)

        def write(conn) -> None:
            for (rule, pattern, glob), override in changes.items():
                if override is None:
                    pattern_repo.delete_override(conn, pattern_id_of(rule, pattern), glob)
                else:
                    pattern_repo.put_override(conn, override_row(override))

        self.db.write(write, tables=("pattern_variants",))
        if lock is not None:
            for key, override in changes.items():
                lock = lock.with_overrides(key, override)
            write_lock(self.root, lock)

    # ---- drift.lock --------------------------------------------------------------------

    def write_lock(self, *, prune: bool = False) -> tuple[Path, int, bool]:
        """Pin the database's decisions into drift.lock: (its path, how many conventions it
        decides, whether its content changed). A scan comes first, and it applies the lock
        on disk: a lock just pulled is never overwritten with the older decisions of this
        database."""
        self.scan()
        today = dt.datetime.now(dt.UTC).date()
        lock = self.db.write(
            lambda c: pin(c, prune=prune, today=today), tables=("learned_patterns",)
        )
        changed = write_lock(self.root, lock)
        return lock_path(self.root), len(lock.entries), changed

    def validate_lock(self) -> list[str]:
        """Scan (the lock is read first), then list where drift.lock and the code disagree.
        Raises LockError when the lock is missing or malformed."""
        lock = read_lock(self.root)
        if lock is None:
            raise LockError("no such file; write one with `drift lock`")
        self.scan()
        return self.db.read("lock_disagreements", lambda c: disagreements(c, lock))

    def status(self) -> dict[str, Any]:
        return self.db.cached("status", "status", ("patterns", "scan_history"), pattern_repo.status)

    # ---- backups -----------------------------------------------------------------------

    def backup(self, reason: str = "user_requested") -> BackupInfo:
        return self.db.backup(reason)

    def close(self) -> None:
        self._retention.stop()
        self._background.shutdown(wait=True, cancel_futures=True)
        self.memory.close()
        self.db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _fence(path: str) -> str:
    language = language_for_path(path)
    return language.fence if language else ""


PROJECT_MARKERS = (DRIFT_DIR, "drift.config.json")
VCS_MARKERS = (".git", ".hg", ".svn", ".jj")


def find_root(start: Path) -> Path:
    """The workspace a path belongs to, found as ruff and eslint find their config: the nearest
    folder with .drift/ or drift.config.json, else the nearest repository root, else the
    folder itself. A `.drift` in the home folder is Drift's per-user folder, not a workspace."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    home = Path.home()
    for markers in (PROJECT_MARKERS, VCS_MARKERS):
        for candidate in (folder, *folder.parents):
            found = [m for m in markers if (candidate / m).exists()]
            if found and not (candidate == home and found == [DRIFT_DIR]):
                return candidate
    return folder

"""What a scan does to each file, with no database: walk the workspace, read, classify and
detect one file (in a pool worker). `indexing.scan` drives it and stores the results."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat as stat_module
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from drift_lsp.analysis.detect import analyze
from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.model import Observation
from drift_lsp.analysis.scope import MANIFESTS, scope_of, scoped
from drift_lsp.config import DriftConfig, ignore_pattern_problem

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
_SNIFF = 8192
# (detector_id, context, value, occurrences, ranges): one file's observations of one value,
# `ranges` being the JSON text of [[line, column, end_line, end_column], ...].
ObservationGroup = tuple[str, str, str, int, str]


@dataclass(frozen=True, slots=True)
class FileResult:
    path: str
    size: int
    mtime_ns: int
    content_hash: str
    language: str | None
    status: str = "ok"
    error: str | None = None
    observations: tuple[ObservationGroup, ...] = ()
    unchanged: bool = False
    # The package whose conventions the file's observations count for ("" for the
    # workspace's): part of their scope.
    package: str = ""


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def observation_groups(
    rel_path: str, language: str, package: str, observations: Iterable[Observation]
) -> tuple[ObservationGroup, ...]:
    """A file's observations as stored: one group per value in the slot of the file's scope
    (analysis.scope), its ranges JSON-encoded here in the worker so the parent process and
    the writer only pass strings along."""
    ranges: dict[tuple[str, str, str], list[tuple[int, int, int, int]]] = defaultdict(list)
    contexts: dict[tuple[str, str], str] = {}
    for o in observations:
        context = contexts.get((o.detector_id, o.context))
        if context is None:
            scope = scope_of(rel_path, language, DETECTORS[o.detector_id].category, package)
            context = contexts[o.detector_id, o.context] = scoped(o.context, scope)
        ranges[o.detector_id, context, o.value].append((o.line, o.column, o.end_line, o.end_column))
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


def _read_regular(path: str, limit: int) -> bytes | str:
    """Up to `limit` bytes of a regular file, or why it was not read. Opened non-blocking
    and checked after opening: a FIFO swapped in since the walk must not hang the worker."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return str(exc)
    with open(fd, "rb") as handle:
        if not stat_module.S_ISREG(os.fstat(fd).st_mode):
            return "not a regular file"
        try:
            return handle.read(limit)
        except OSError as exc:
            return str(exc)


def analyze_file(task: tuple[str, str, int, int, str | None, int, str]) -> FileResult:
    """Worker: read, hash, and detect one file. Never raises: failures become a status."""
    root, rel, size, mtime_ns, old_hash, max_size, package = task
    language = language_for_path(rel)
    name = language.name if language else None
    if size > max_size:  # by its stat: a huge file is not even opened
        return FileResult(rel, size, mtime_ns, "", name, "too_large", f"over {max_size} bytes")
    data = _read_regular(os.path.join(root, rel), max_size + 1)
    if isinstance(data, str):
        return FileResult(rel, size, mtime_ns, "", name, "parse_error", data)
    if len(data) > max_size:
        return FileResult(rel, size, mtime_ns, "", name, "too_large", f"over {max_size} bytes")
    digest = content_hash(data)
    if digest == old_hash:
        return FileResult(rel, size, mtime_ns, digest, name, unchanged=True)
    status, error = classify_bytes(rel, data, max_size)
    if status != "ok" or language is None:
        return FileResult(rel, size, mtime_ns, digest, name, status, error)
    try:
        found = analyze(language, data, rel).observations
        observations = observation_groups(rel, name, package, found)
    except Exception as exc:  # a grammar or classifier bug must not stop the scan
        return FileResult(rel, size, mtime_ns, digest, name, "parse_error", repr(exc))
    return FileResult(rel, size, mtime_ns, digest, name, observations=observations, package=package)


class Walker:
    """Candidate source files under a root, honouring .gitignore, config and default excludes."""

    def __init__(self, root: Path, config: DriftConfig) -> None:
        self.root = root
        # Folders below the root holding a project manifest, found by the last walk.
        self.manifest_folders: set[str] = set()
        lines: list[str] = list(config.ignore)
        gitignore = root / ".gitignore"
        if gitignore.is_file():
            try:
                lines = gitignore.read_text("utf-8", "replace").splitlines() + lines
            except OSError:
                log.warning("cannot read %s", gitignore)
        self._spec = pathspec.GitIgnoreSpec.from_lines(_usable_patterns(lines))

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
                if d not in DEFAULT_EXCLUDES
                and _nameable(base + d)
                and not self.ignored(base + d, is_dir=True)
            )
            if base and not MANIFESTS.isdisjoint(names):
                self.manifest_folders.add(base[:-1])
            for name in sorted(names):
                rel = base + name
                if (
                    language_for_path(name) is None
                    or not _nameable(rel)
                    or self._spec.match_file(rel)
                ):
                    continue
                try:
                    stat = os.stat(os.path.join(directory, name))
                except OSError:
                    continue
                # A FIFO or device named *.py would block the reader forever.
                if stat_module.S_ISREG(stat.st_mode):
                    yield rel, stat


def _usable_patterns(lines: list[str]) -> list[str]:
    """Ignore lines pathspec can compile in bounded time; others are skipped, as git skips
    the lines it can't parse (config `ignore` is validated when it is loaded)."""
    usable = []
    for line in lines:
        problem = ignore_pattern_problem(line)
        if problem is None:
            usable.append(line)
        else:
            log.warning("ignoring the .gitignore line %.60r: %s", line, problem)
    return usable


def _nameable(rel: str) -> bool:
    """A name that is not valid UTF-8 can't be stored or shown; it is skipped, once logged."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        log.warning("skipping %r: its name is not valid UTF-8", rel)
        return False
    return True

"""Finding and reading a Drift v1 `.drift/` folder, and verifying each file's checksum.

v1 kept JSON in two layouts over its life (both read here; a folder can hold both when its
`migrate-storage` stopped half way):
- per-status shards `patterns/{discovered,approved,ignored}/{category}.json`, a `PatternFile`
  (version 1.x) whose `checksum` is the first 16 hex of SHA-256 over `JSON.stringify` of its
  `patterns` array (status and category come from the path);
- unified `patterns/{category}.json` (version 2.x), each entry carrying its status, whose
  checksum is over `JSON.stringify` of the sorted pattern ids.
Quality-gate runs, health snapshots and constraints are read by `records`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.v1 import records

STATUSES = ("discovered", "approved", "ignored")
# What v1 wrote under .drift/, moved aside together once imported.
V1_ENTRIES = ("patterns", "quality-gates", "constraints", "config.json")
BACKUP_DIR = "v1-backup"


def _js_json(value: Any) -> str:
    """`JSON.stringify(value)` for parsed JSON: compact, key order kept, no ASCII escaping."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class V1Pattern:
    data: dict[str, Any]
    category: str
    status: str
    source: Path  # the file it came from, for messages


@dataclass
class V1Folder:
    drift_dir: Path
    files: list[Path] = field(default_factory=list)  # pattern files that verified
    patterns: list[V1Pattern] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one per file skipped
    skipped: list[Path] = field(default_factory=list)
    # table -> rows of gate runs, snapshots and constraints; label -> how many rows
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    record_counts: dict[str, int] = field(default_factory=dict)
    version: str | None = None

    @property
    def found(self) -> bool:
        return bool(self.files or self.skipped or self.record_counts)


def _pattern_files(patterns_dir: Path) -> list[tuple[Path, str | None]]:
    """(file, status from its folder or None for a unified file), shards first."""
    found: list[tuple[Path, str | None]] = []
    for status in STATUSES:
        folder = patterns_dir / status
        if folder.is_dir():
            found += [(p, status) for p in sorted(folder.glob("*.json")) if p.is_file()]
    found += [(p, None) for p in sorted(patterns_dir.glob("*.json")) if p.is_file()]
    return found


def _read(path: Path, status: str | None, force: bool) -> tuple[list[V1Pattern], str | None]:
    """The file's patterns, or why it is skipped."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [], f"not readable JSON ({exc})"
    if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
        return [], "not a Drift v1 pattern file (no `patterns` list)"
    patterns = data["patterns"]
    if not all(isinstance(p, dict) and isinstance(p.get("id"), str) for p in patterns):
        return [], "a pattern without a string `id`"
    unified = status is None
    if unified and not str(data.get("version", "")).startswith("2."):
        return [], f"unknown version {data.get('version')!r} for a file outside a status folder"
    expected = data.get("checksum")
    if expected is not None and not force:
        text = _js_json(sorted(p["id"] for p in patterns)) if unified else _js_json(patterns)
        if _checksum(text) != expected:
            return [], (
                f"checksum mismatch (file says {expected}, content gives {_checksum(text)}); "
                f"it was edited or damaged: skipped, `drift upgrade --force` imports it anyway"
            )
    category = str(data.get("category") or path.stem)
    found = []
    for pattern in patterns:
        pattern_status = pattern.get("status") if unified else status
        if pattern_status not in STATUSES:
            return [], f"pattern {pattern['id']}: unknown status {pattern_status!r}"
        found.append(V1Pattern(pattern, category, pattern_status, path))
    return found, None


def inspect(drift_dir: Path, *, force: bool = False) -> V1Folder:
    """Everything v1 left in `drift_dir`; nothing is changed."""
    folder = V1Folder(drift_dir)
    try:
        config = json.loads((drift_dir / "config.json").read_text("utf-8"))
        folder.version = str(config.get("version")) if isinstance(config, dict) else None
    except (OSError, ValueError):
        pass
    seen: dict[str, V1Pattern] = {}
    for path, status in _pattern_files(drift_dir / "patterns"):
        patterns, problem = _read(path, status, force)
        if problem is not None:
            folder.problems.append(f"{path.relative_to(drift_dir)}: {problem}")
            folder.skipped.append(path)
            continue
        folder.files.append(path)
        # A half-finished migrate-storage leaves both layouts: the unified file (read last)
        # is the newer copy of a pattern.
        seen.update((p.data["id"], p) for p in patterns)
    folder.patterns = list(seen.values())
    for kind in records.KINDS:
        rows = folder.records.setdefault(kind.table, [])
        for path in sorted(p for p in drift_dir.glob(kind.glob) if p.is_file()):
            try:
                rows += records.read(kind, path)
            except records.RecordError as exc:
                folder.problems.append(f"{path.relative_to(drift_dir)}: {exc}")
                folder.skipped.append(path)
        if rows:
            folder.record_counts[kind.label] = len(rows)
    return folder


def present(drift_dir: Path) -> bool:
    """A quick look (no file is read): does `drift_dir` hold anything v1 wrote?"""
    patterns = drift_dir / "patterns"
    return (
        any((patterns / s).is_dir() for s in STATUSES)
        or any(patterns.glob("*.json"))
        or (drift_dir / "quality-gates").is_dir()
        or (drift_dir / "constraints").is_dir()
    )

"""`drift.config.json`: one fully defaulted model, validated with messages that name the key."""

from __future__ import annotations

import functools
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pathspec

from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.json_model import (
    Invalid,
    boolean,
    collection,
    dump,
    int_between,
    number_between,
    one_of,
    parse,
    section,
    setting,
)
from storage.retention import RetentionPolicy

log = logging.getLogger(__name__)

CONFIG_FILE = "drift.config.json"
SEVERITIES = ("error", "warning", "info", "hint")
_ENV = {"DRIFT_CI_FAIL_ON": ("ci", "failOn")}


class ConfigError(ValueError):
    """An invalid drift.config.json; the message names the key and what was expected."""


# Ignore patterns become regular expressions, and a pattern with many `*` runs backtracks
# exponentially on a long name that almost matches: a hostile .gitignore could hang a scan.
MAX_PATTERN_LENGTH = 1024
MAX_PATTERN_STARS = 3
_STAR_RUN = re.compile(r"\*+")


@functools.lru_cache(maxsize=1024)
def _spec(pattern: str) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines([pattern])


def path_matches(pattern: str, rel_path: str) -> bool:
    """Whether a gitignore-style pattern (checked by `ignore_pattern_problem`) covers the
    workspace-relative path."""
    return _spec(pattern).match_file(rel_path)


def ignore_pattern_problem(pattern: str) -> str | None:
    """Why Drift will not use a gitignore-style pattern, or None if it can."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"longer than {MAX_PATTERN_LENGTH} characters"
    if len(_STAR_RUN.findall(pattern)) > MAX_PATTERN_STARS:
        return f"more than {MAX_PATTERN_STARS} wildcard runs (`*`, `**`)"
    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except (ValueError, re.error) as exc:
        return f"not a valid pattern ({exc})"
    return None


def _severities(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise Invalid("expected an object mapping names to a severity")
    level = one_of(*SEVERITIES)
    for name, value in raw.items():
        try:
            level(value)
        except Invalid as exc:
            raise Invalid(exc.message, at=f".{name}") from None
    return dict(raw)


def _ignore_patterns(raw: Any) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise Invalid("expected a list of strings")
    for index, pattern in enumerate(raw):
        if (problem := ignore_pattern_problem(pattern)) is not None:
            raise Invalid(f"{problem}; fix or remove it", at=f"[{index}]")
    return list(raw)


def _retention(raw: Any) -> dict[str, dict[str, float]]:
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise Invalid("expected an object of tables, each an object of limits")
    try:
        RetentionPolicy.from_mapping(raw)
    except ValueError as exc:
        # Its messages name the table and limit already ("retention.scan_history: …").
        where, _, message = str(exc).partition(": ")
        raise Invalid(message, at=where.removeprefix("retention")) from exc
    return {table: dict(limits) for table, limits in raw.items()}


def _workers(value: Any) -> int:
    # More processes than cores only adds start-up and memory; 0 already means "all".
    return min(int_between(0, 1024)(value), os.cpu_count() or 1)


def _min_health(value: Any) -> float | None:
    return None if value is None else number_between(0.0, 100.0)(value)


_MAX_NEW = int_between(0, 1_000_000)


def _categories(raw: Any) -> dict[str, dict[str, int]]:
    """Per-category gates, e.g. {"naming": {"maxNew": 0}}: a category names detectors' family,
    so a typo would be a gate that never counts anything and is refused instead."""
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise Invalid('expected an object of categories, each like {"maxNew": 0}')
    known = sorted({detector.category for detector in DETECTORS.values()})
    for category, limits in raw.items():
        if category not in known:
            raise Invalid(f"unknown category; use one of {', '.join(known)}", at=f".{category}")
        for key, value in limits.items():
            if key != "maxNew":
                raise Invalid("the only per-category limit is maxNew", at=f".{category}.{key}")
            try:
                _MAX_NEW(value)
            except Invalid as exc:
                raise Invalid(exc.message, at=f".{category}.{key}") from None
    return {category: dict(limits) for category, limits in raw.items()}


@dataclass(frozen=True)
class CiConfig:
    """`drift check`'s exit code and `drift gate`'s policy."""

    # Lowest severity that fails `drift check`, and that `drift gate` counts.
    fail_on: str = setting("error", "failOn", one_of(*SEVERITIES))
    report_format: str = setting("text", "reportFormat", one_of("text", "json", "sarif"))
    # New violations (at failOn or worse) since the baseline that `drift gate` lets through.
    max_new: int = setting(0, "maxNew", _MAX_NEW)
    # Lowest health score `drift gate` accepts; None: health is reported, never gated.
    min_health: float | None = setting(None, "minHealth", _min_health)
    categories: dict[str, dict[str, int]] = collection(dict, "categories", _categories)


@dataclass(frozen=True)
class LearningConfig:
    """When a learned convention becomes a rule without a person approving it."""

    auto_approve: bool = setting(True, "autoApprove", boolean)
    auto_approve_threshold: float = setting(0.85, "autoApproveThreshold", number_between(0.0, 1.0))
    # Evidence auto-approval needs: so many occurrences of the convention, in so many files
    # (a handful of lines, say five prints, is no convention).
    min_occurrences: int = setting(10, "minOccurrences", int_between(1, 1_000_000))
    min_files: int = setting(3, "minFiles", int_between(1, 1_000_000))
    # Share of the files doing the thing that never deviate: `any` in a third of the files
    # is no "specific types" convention, however many annotations are specific.
    min_file_share: float = setting(0.75, "minFileShare", number_between(0.0, 1.0))


@dataclass(frozen=True)
class PerformanceConfig:
    max_workers: int = setting(0, "maxWorkers", _workers)
    incremental_analysis: bool = setting(True, "incrementalAnalysis", boolean)
    max_file_size: int = setting(1_000_000, "maxFileSize", int_between(1, 1 << 34))
    # Read connections to drift.db (hover, status, checks run on them while the writer
    # commits); taken when the workspace opens.
    readers: int = setting(2, "readers", int_between(1, 64))


@dataclass(frozen=True)
class BackupConfig:
    # Hours between the automatic `scheduled` backups taken before a scan; 0 turns them off.
    schedule_hours: float = setting(24.0, "scheduleHours", number_between(0.0, 24.0 * 366))


@dataclass(frozen=True)
class MemoryConfig:
    # How long a computed embedding is reused before it is computed again.
    cache_entries_max_age_hours: float = setting(
        24.0, "cacheEntriesMaxAgeHours", number_between(0.0, 24.0 * 366)
    )


@dataclass(frozen=True)
class DriftConfig:
    severity: dict[str, str] = collection(dict, "severity", _severities)
    ignore: list[str] = collection(list, "ignore", _ignore_patterns)
    ci: CiConfig = section(CiConfig, "ci")
    learning: LearningConfig = section(LearningConfig, "learning")
    performance: PerformanceConfig = section(PerformanceConfig, "performance")
    backup: BackupConfig = section(BackupConfig, "backup")
    memory: MemoryConfig = section(MemoryConfig, "memory")
    # Per history table, e.g. {"scan_history": {"max_age_days": 30, "max_rows": 100}}.
    retention: dict[str, dict[str, float]] = collection(dict, "retention", _retention)

    def to_json(self) -> dict[str, Any]:
        return dump(self)


def parse_config(data: Any, environ: dict[str, str] | None = None) -> DriftConfig:
    """Validate raw JSON data (and the DRIFT_* environment overrides) into a DriftConfig.
    Keys Drift does not know (typos, or settings older versions had) are logged and ignored,
    so an old config still loads."""
    merged = json.loads(json.dumps(data)) if data is not None else {}
    if not isinstance(merged, dict):
        raise ConfigError(f"{CONFIG_FILE}: expected an object")
    env = os.environ if environ is None else environ
    for variable, (name, key) in _ENV.items():
        if env.get(variable) and isinstance(part := merged.setdefault(name, {}), dict):
            part[key] = env[variable]
    merged.pop("$schema", None)  # editors add it for completion; it is not a setting
    parsed = parse(DriftConfig, merged)
    if parsed.problems:
        raise ConfigError("; ".join(parsed.problems))
    for key in parsed.unknown:
        log.warning("%s: %s is not a Drift setting; ignored", CONFIG_FILE, key)
    return parsed.value


def load_config(root: Path, environ: dict[str, str] | None = None) -> DriftConfig:
    path = root / CONFIG_FILE
    if not path.exists():
        return parse_config({}, environ)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{CONFIG_FILE} is not valid JSON: {exc}; fix the file") from exc
    except RecursionError as exc:
        raise ConfigError(f"{CONFIG_FILE} is nested too deeply to be a Drift config") from exc
    except OSError as exc:
        raise ConfigError(f"{CONFIG_FILE} cannot be read: {exc.strerror}") from exc
    return parse_config(data, environ)

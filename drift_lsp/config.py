"""`drift.config.json`: one fully defaulted model, validated with messages that name the key."""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_type_hints

import pathspec

from storage.retention import RetentionPolicy

CONFIG_FILE = "drift.config.json"
SEVERITIES = ("error", "warning", "info", "hint")
_ENV = {
    "DRIFT_AI_PROVIDER": ("ai", "provider"),
    "DRIFT_AI_MODEL": ("ai", "model"),
    "DRIFT_CI_FAIL_ON": ("ci", "failOn"),
}


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


@dataclass(frozen=True)
class AiConfig:
    provider: str = "none"
    model: str = ""


@dataclass(frozen=True)
class CiConfig:
    failOn: str = "error"
    reportFormat: str = "text"


@dataclass(frozen=True)
class LearningConfig:
    """When a learned convention becomes a rule without a person approving it."""

    autoApprove: bool = True
    autoApproveThreshold: float = 0.85
    # Evidence auto-approval needs: so many occurrences of the convention, in so many files
    # (a handful of lines, say five prints, is no convention).
    minOccurrences: int = 10
    minFiles: int = 3
    # Share of the files doing the thing that never deviate: `any` in a third of the files
    # is no "specific types" convention, however many annotations are specific.
    minFileShare: float = 0.75


@dataclass(frozen=True)
class PerformanceConfig:
    maxWorkers: int = 0
    cacheEnabled: bool = True
    incrementalAnalysis: bool = True
    maxFileSize: int = 1_000_000


@dataclass(frozen=True)
class DriftConfig:
    severity: dict[str, str] = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)
    ai: AiConfig = field(default_factory=AiConfig)
    ci: CiConfig = field(default_factory=CiConfig)
    learning: LearningConfig = field(default_factory=LearningConfig)
    performance: PerformanceConfig = field(default_factory=PerformanceConfig)
    # Per history table, e.g. {"scan_history": {"max_age_days": 30, "max_rows": 100}}.
    retention: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_CHOICES = {
    "ci.failOn": SEVERITIES,
    "ci.reportFormat": ("text", "json", "sarif"),
}
_RANGES = {
    "learning.autoApproveThreshold": (0.0, 1.0),
    "learning.minOccurrences": (1, 1_000_000),
    "learning.minFiles": (1, 1_000_000),
    "learning.minFileShare": (0.0, 1.0),
    "performance.maxWorkers": (0, 1024),
    "performance.maxFileSize": (1, 1 << 34),
}


def _type_name(kind: Any) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
    if kind in names:
        return names[kind]
    origin = getattr(kind, "__origin__", None)
    return {list: "a list of strings", dict: "an object of strings"}.get(origin, "an object")


def _check_scalar(key: str, kind: Any, value: Any) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if (kind in (int, float) and isinstance(value, bool)) or not isinstance(value, kind):
        raise ConfigError(f"{key}: expected {_type_name(kind)}, got {json.dumps(value)}")
    if key in _CHOICES and value not in _CHOICES[key]:
        raise ConfigError(f"{key}: expected one of {', '.join(_CHOICES[key])}, got {value!r}")
    if key in _RANGES and not _RANGES[key][0] <= value <= _RANGES[key][1]:
        low, high = _RANGES[key]
        raise ConfigError(f"{key}: expected a value from {low} to {high}, got {value}")
    return value


def _severities(key: str, raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{key}: expected an object mapping names to a severity")
    for sub, level in raw.items():
        if level not in SEVERITIES:
            raise ConfigError(
                f"{key}.{sub}: expected one of {', '.join(SEVERITIES)}, got {level!r}"
            )
    return dict(raw)


def _retention(key: str, raw: Any) -> dict[str, dict[str, float]]:
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ConfigError(f"{key}: expected an object of tables, each an object of limits")
    try:
        RetentionPolicy.from_mapping(raw)
    except ValueError as exc:  # its messages name the table and key already
        raise ConfigError(str(exc)) from exc
    return {table: dict(limits) for table, limits in raw.items()}


# Validators of the settings that are objects of user-chosen keys.
_MAPPINGS = {"severity": _severities, "retention": _retention}


def _build(model: type, data: Any, prefix: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{prefix or 'drift.config.json'}: expected an object")
    if not prefix:
        # Editors add "$schema" for completion; it is not a setting.
        data = {k: v for k, v in data.items() if k != "$schema"}
    hints = get_type_hints(model)
    known = {f.name for f in fields(model)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{prefix}{unknown[0]}: unknown key (known: {', '.join(sorted(known))})")
    values = {}
    for name, raw in data.items():
        key, kind = f"{prefix}{name}", hints[name]
        if is_dataclass(kind):
            values[name] = _build(kind, raw, f"{key}.")
        elif getattr(kind, "__origin__", None) is list:
            if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
                raise ConfigError(f"{key}: expected a list of strings")
            for index, pattern in enumerate(raw):
                if (problem := ignore_pattern_problem(pattern)) is not None:
                    raise ConfigError(f"{key}[{index}]: {problem}; fix or remove it")
            values[name] = list(raw)
        elif getattr(kind, "__origin__", None) is dict:
            values[name] = _MAPPINGS[key](key, raw)
        else:
            values[name] = _check_scalar(key, kind, raw)
    if model is PerformanceConfig and "maxWorkers" in values:
        # More processes than cores only adds start-up and memory; 0 already means "all".
        values["maxWorkers"] = min(values["maxWorkers"], os.cpu_count() or 1)
    return model(**values)


def parse_config(data: Any, environ: dict[str, str] | None = None) -> DriftConfig:
    """Validate raw JSON data (and the DRIFT_* environment overrides) into a DriftConfig."""
    merged = json.loads(json.dumps(data)) if data is not None else {}
    env = os.environ if environ is None else environ
    for variable, (section, key) in _ENV.items():
        if env.get(variable) and isinstance(merged, dict):
            part = merged.setdefault(section, {})
            if isinstance(part, dict):
                part[key] = env[variable]
    return _build(DriftConfig, merged, "")


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

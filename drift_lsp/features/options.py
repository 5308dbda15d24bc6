"""Client settings: one fully defaulted model, camelCase on the wire.

Sources, later ones winning: `initializationOptions`, then the `drift` section pulled with
`workspace/configuration` (when the client supports it) or pushed with
`workspace/didChangeConfiguration`. An invalid value is reported once with
`window/showMessage` naming the key, and that field keeps its default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

SECTION = "drift"
LOG_LEVELS = ("error", "warning", "info", "debug")


def _setting(default: Any, alias: str, check: Callable[[Any], bool], expected: str) -> Any:
    return field(default=default, metadata={"alias": alias, "check": check, "expected": expected})


def _one_of(*choices: str) -> Callable[[Any], bool]:
    return lambda value: value in choices


def _int_between(low: int, high: int) -> Callable[[Any], bool]:
    return lambda value: type(value) is int and low <= value <= high


@dataclass(frozen=True)
class DiagnosticsSettings:
    on: str = _setting("save", "on", _one_of("save", "change"), '"save" or "change"')
    debounce_ms: int = _setting(300, "debounceMs", _int_between(0, 60_000), "0..60000")


@dataclass(frozen=True)
class HoverSettings:
    max_examples: int = _setting(3, "maxExamples", _int_between(0, 20), "0..20")


@dataclass(frozen=True)
class LogSettings:
    level: str = _setting("info", "level", _one_of(*LOG_LEVELS), " | ".join(LOG_LEVELS))


@dataclass(frozen=True)
class Settings:
    diagnostics: DiagnosticsSettings = field(
        default_factory=DiagnosticsSettings, metadata={"alias": "diagnostics"}
    )
    hover: HoverSettings = field(default_factory=HoverSettings, metadata={"alias": "hover"})
    log: LogSettings = field(default_factory=LogSettings, metadata={"alias": "log"})


def _build(model: type, raw: dict[str, Any], prefix: str, problems: list[str]) -> Any:
    values = {}
    for spec in fields(model):
        alias = spec.metadata["alias"]
        key = f"{prefix}.{alias}"
        if alias not in raw:
            continue
        value = raw[alias]
        if spec.default is MISSING:  # a nested section
            if isinstance(value, dict):
                values[spec.name] = _build(spec.default_factory, value, key, problems)
            else:
                problems.append(f"{key}: expected an object, got {value!r}")
        elif spec.metadata["check"](value):
            values[spec.name] = value
        else:
            problems.append(f"{key}: expected {spec.metadata['expected']}, got {value!r}")
    return model(**values)


def parse_settings(raw: Any) -> tuple[Settings, list[str]]:
    """The settings in `raw` (the `drift` section, or an object holding one) and, for each
    invalid value, a problem naming its key. Unknown keys are ignored: newer clients may
    send settings this server doesn't know yet."""
    if raw is None:
        return Settings(), []
    if not isinstance(raw, dict):
        return Settings(), [f"{SECTION}: expected an object, got {raw!r}"]
    if isinstance(raw.get(SECTION), dict):
        raw = raw[SECTION]
    problems: list[str] = []
    return _build(Settings, raw, SECTION, problems), problems

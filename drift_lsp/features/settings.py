"""Client settings: one fully defaulted model, camelCase on the wire.

Invalid values are reported (once, by the caller) with the key named; defaults stay in force.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DIAGNOSTICS_ON = ("save", "change")
LOG_LEVELS = ("error", "warning", "info", "debug")


@dataclass(frozen=True)
class DiagnosticsSettings:
    on: str = "save"
    debounce_ms: int = 300


@dataclass(frozen=True)
class HoverSettings:
    max_examples: int = 3


@dataclass(frozen=True)
class Settings:
    diagnostics: DiagnosticsSettings = field(default_factory=DiagnosticsSettings)
    hover: HoverSettings = field(default_factory=HoverSettings)
    log_level: str = "info"


def _section(raw: dict[str, Any], key: str, problems: list[str]) -> dict[str, Any]:
    value = raw.get(key, {})
    if isinstance(value, dict):
        return value
    problems.append(f"drift.{key}: expected an object")
    return {}


def _pick(
    section: dict[str, Any],
    key: str,
    wire: str,
    default: Any,
    valid: Any,
    expected: str,
    problems: list[str],
) -> Any:
    if wire not in section:
        return default
    value = section[wire]
    if valid(value):
        return value
    problems.append(f"drift.{key}.{wire}: expected {expected}, got {value!r}")
    return default


def parse_settings(raw: Any) -> tuple[Settings, list[str]]:
    """Settings from initializationOptions / workspace/configuration, plus what was wrong."""
    problems: list[str] = []
    if raw is None:
        return Settings(), problems
    if not isinstance(raw, dict):
        return Settings(), [f"drift settings: expected an object, got {raw!r}"]
    if isinstance(raw.get("drift"), dict):
        raw = raw["drift"]
    diagnostics = _section(raw, "diagnostics", problems)
    hover = _section(raw, "hover", problems)
    log = _section(raw, "log", problems)

    def is_int(low: int, high: int):
        return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high

    settings = Settings(
        diagnostics=DiagnosticsSettings(
            on=_pick(diagnostics, "diagnostics", "on", "save", DIAGNOSTICS_ON.__contains__,
                     "save or change", problems),
            debounce_ms=_pick(diagnostics, "diagnostics", "debounceMs", 300, is_int(0, 60_000),
                              "an integer from 0 to 60000", problems),
        ),
        hover=HoverSettings(
            max_examples=_pick(hover, "hover", "maxExamples", 3, is_int(0, 20),
                               "an integer from 0 to 20", problems),
        ),
        log_level=_pick(log, "log", "level", "info", LOG_LEVELS.__contains__,
                        "one of " + ", ".join(LOG_LEVELS), problems),
    )  # fmt: skip
    return settings, problems

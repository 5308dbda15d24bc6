"""Client settings: one fully defaulted model, camelCase on the wire.

Sources, later ones winning: `initializationOptions`, then the `drift` section pulled with
`workspace/configuration` (when the client supports it) or pushed with
`workspace/didChangeConfiguration`. An invalid value is reported once with
`window/showMessage` naming the key, and that field keeps its default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drift_lsp.json_model import int_between, one_of, parse, section, setting

SECTION = "drift"
LOG_LEVELS = ("error", "warning", "info", "debug")


@dataclass(frozen=True)
class DiagnosticsSettings:
    on: str = setting("save", "on", one_of("save", "change"))
    debounce_ms: int = setting(300, "debounceMs", int_between(0, 60_000))


@dataclass(frozen=True)
class HoverSettings:
    max_examples: int = setting(3, "maxExamples", int_between(0, 20))


@dataclass(frozen=True)
class LogSettings:
    level: str = setting("info", "level", one_of(*LOG_LEVELS))


@dataclass(frozen=True)
class Settings:
    diagnostics: DiagnosticsSettings = section(DiagnosticsSettings, "diagnostics")
    hover: HoverSettings = section(HoverSettings, "hover")
    log: LogSettings = section(LogSettings, "log")


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
    parsed = parse(Settings, raw, SECTION)
    return parsed.value, parsed.problems

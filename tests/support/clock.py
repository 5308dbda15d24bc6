"""A clock for Cortex tests that only moves when the test says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.cortex.time import format_time


class Clock:
    """A clock that only moves when the test says so."""

    def __init__(self, start: str = "2026-01-01T00:00:00Z") -> None:
        self.moment = datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(UTC)

    def __call__(self) -> str:
        return format_time(self.moment)

    def set(self, moment: str) -> str:
        self.moment = datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC)
        return self()

    def advance(self, **delta: float) -> str:
        self.moment += timedelta(**delta)
        return self()

"""Fixtures for Cortex tests: a workspace root and a store whose clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.cortex import Cortex
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


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def cortex(root: Path, clock: Clock) -> Iterator[Cortex]:
    with Cortex.open(root, clock=clock) as store:
        yield store

"""Fixtures for Cortex tests: a workspace root and a store whose clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.clock import Clock

from storage.cortex import Cortex


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

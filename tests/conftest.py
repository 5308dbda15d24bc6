"""Shared fixtures; the helpers they use are in `support`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import python_repo


@pytest.fixture(scope="session", autouse=True)
def drift_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every scan and server start writes the per-user project registry: point it at a
    temporary folder for the whole session (servers and subprocesses inherit it), so no
    test ever touches the real ~/.drift."""
    home = tmp_path_factory.mktemp("drift-home")
    previous = os.environ.get("DRIFT_HOME")
    os.environ["DRIFT_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("DRIFT_HOME", None)
    else:
        os.environ["DRIFT_HOME"] = previous


@pytest.fixture
def py_repo(tmp_path: Path) -> Path:
    return python_repo(tmp_path / "repo")

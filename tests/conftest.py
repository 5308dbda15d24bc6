"""Shared fixtures; the helpers they use are in `support`."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import python_repo


@pytest.fixture
def py_repo(tmp_path: Path) -> Path:
    return python_repo(tmp_path / "repo")

"""Faults as a user or a hostile repository causes them: each test drives the real `drift`
command in a subprocess and asserts on what the user sees and on what is left on disk."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import Drift, Run, seed
from .stdio_server import Server


@pytest.fixture
def drift() -> Drift:
    """`drift(root, *args)` runs the CLI as its own process; no run may print a traceback."""

    def run(
        root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300, **kwargs
    ) -> Run:
        # `timeout` only turns a hang into a failure; no test asserts on how long a run takes.
        completed = subprocess.run(
            [sys.executable, "-m", "drift_lsp.cli", "--root", str(root), *args],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            env={**os.environ, **(env or {})},
            **kwargs,
        )
        assert "Traceback" not in completed.stderr, completed.stderr
        return Run(completed.returncode, completed.stdout, completed.stderr)

    return run


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    seed(tmp_path)
    return tmp_path


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """The real language server over raw stdio, killed if a test leaves it running."""
    started = Server(tmp_path)
    yield started
    started.process.kill()
    started.process.wait()

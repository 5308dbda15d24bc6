"""Faults as a user or a hostile repository causes them (issue 15)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from storage.database import DatabaseManager


@dataclass
class Run:
    code: int
    out: str
    err: str


Drift = Callable[..., Run]


def seed(root: Path, rows: int = 5) -> Path:
    """A workspace database with `rows` config rows; returns its path."""
    path = root / ".drift/drift.db"
    with DatabaseManager(path) as db:
        db.write(
            lambda c: c.executemany(
                "INSERT INTO config (key, value) VALUES (?, '1')", ((f"k{n}",) for n in range(rows))
            )
        )
    return path

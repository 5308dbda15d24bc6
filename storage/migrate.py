"""Numbered SQL migrations per database, applied one transaction per step.

`PRAGMA user_version` is the schema version. Files live in the `migrations` package as
`<database>/NNNN_<name>.up.sql` and `.down.sql`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import apsw

from storage.errors import MigrationError

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    up: str
    down: str

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"


@cache
def load_migrations(database: str) -> tuple[Migration, ...]:
    """All migrations of one database, in version order, checked for gaps and pairs."""
    scripts: dict[tuple[int, str], dict[str, str]] = {}
    for entry in resources.files("migrations").joinpath(database).iterdir():
        match = _FILE.match(entry.name)
        if match:
            version, name, direction = int(match[1]), match[2], match[3]
            scripts.setdefault((version, name), {})[direction] = entry.read_text("utf-8")
    migrations = []
    for expected, ((version, name), pair) in enumerate(sorted(scripts.items()), start=1):
        if version != expected:
            raise MigrationError(f"{version:04d}_{name}", f"expected version {expected} next")
        if set(pair) != {"up", "down"}:
            raise MigrationError(f"{version:04d}_{name}", "needs both .up.sql and .down.sql")
        migrations.append(Migration(version, name, pair["up"], pair["down"]))
    return tuple(migrations)


def latest_version(database: str) -> int:
    migrations = load_migrations(database)
    return migrations[-1].version if migrations else 0


def current_version(conn: apsw.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchall()[0][0])


def _apply(conn: apsw.Connection, migration: Migration, script: str, version_after: int) -> None:
    direction = "up" if version_after == migration.version else "down"
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(script)
        conn.execute(f"PRAGMA user_version = {int(version_after)}")
    except apsw.Error as exc:
        conn.execute("ROLLBACK")
        raise MigrationError(f"{migration.label}.{direction}.sql", str(exc)) from exc
    conn.execute("COMMIT")


def migrate(
    conn: apsw.Connection,
    database: str,
    target: int | None = None,
    *,
    before_change: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Move the schema to `target` (default: latest), up or down; return the steps applied.

    `before_change(current, target)` runs once before the first step, e.g. to take a backup.
    A failing step rolls back and raises MigrationError naming the file; earlier steps stay.
    """
    migrations = load_migrations(database)
    latest = latest_version(database)
    goal = latest if target is None else target
    if not 0 <= goal <= latest:
        raise MigrationError(f"--to {goal}", f"known versions are 0..{latest}")
    current = current_version(conn)
    if current == goal:
        return []
    if before_change is not None:
        before_change(current, goal)
    applied = []
    if goal > current:
        for migration in migrations[current:goal]:
            _apply(conn, migration, migration.up, migration.version)
            applied.append(f"{migration.label}.up")
    else:
        for migration in reversed(migrations[goal:current]):
            _apply(conn, migration, migration.down, migration.version - 1)
            applied.append(f"{migration.label}.down")
    return applied

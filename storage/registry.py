"""The per-user project registry: `global.db` in `drift_home()`, one row per workspace.

Many processes (scans, editors' servers) write it at once, so each call opens its own
connection in WAL mode, does one short transaction and closes it; nothing holds the file
between calls. It is a convenience: callers treat a failure as a warning, never as a reason
to stop a scan (see `RegistryError`).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import apsw

from storage.errors import MigrationError, StorageError
from storage.migrate import current_version, latest_version, migrate
from storage.paths import global_db_path

_BUSY_MS = 5000


class RegistryError(StorageError):
    """global.db cannot be opened or written (no home, read-only, damaged)."""


@dataclass(frozen=True)
class ProjectInfo:
    """What a workspace tells the registry about itself."""

    name: str
    root: str
    drift_version: str
    schema_version: int
    last_scan_at: str | None
    health_score: float | None
    languages: list[str]


@dataclass(frozen=True)
class Project(ProjectInfo):
    id: int
    registered_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_INFO = tuple(f.name for f in fields(ProjectInfo))
_COLUMNS = ", ".join(f.name for f in fields(Project))


def _open(path: Path) -> apsw.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = apsw.Connection(str(path))
    conn.set_busy_timeout(_BUSY_MS)
    conn.execute("PRAGMA journal_mode = WAL").fetchall()
    conn.execute("PRAGMA synchronous = NORMAL")
    try:
        migrate(conn, "global")
    except MigrationError:
        # Another process migrated between our version check and our step: fine if it's done.
        if current_version(conn) != latest_version("global"):
            raise
    return conn


@contextlib.contextmanager
def _connection(path: Path | None) -> Iterator[apsw.Connection]:
    path = path or global_db_path()
    try:
        conn = _open(path)
    except (OSError, apsw.Error, StorageError) as exc:
        raise RegistryError(f"project registry {path} is not usable: {exc}") from exc
    try:
        yield conn
    except apsw.Error as exc:
        raise RegistryError(f"project registry {path} could not be written: {exc}") from exc
    finally:
        conn.close()


def register(info: ProjectInfo, path: Path | None = None) -> None:
    """Add the workspace, or bring its row up to date (a missing scan time or health keeps
    the one recorded before)."""
    row = {**asdict(info), "languages": json.dumps(sorted(info.languages))}
    names = ", ".join(_INFO)
    with _connection(path) as conn, conn:
        conn.execute(
            f"INSERT INTO project_registry ({names}) VALUES ({', '.join(f':{n}' for n in _INFO)}) "
            "ON CONFLICT (root) DO UPDATE SET name = excluded.name, "
            "drift_version = excluded.drift_version, schema_version = excluded.schema_version, "
            "last_scan_at = coalesce(excluded.last_scan_at, last_scan_at), "
            "health_score = coalesce(excluded.health_score, health_score), "
            "languages = excluded.languages, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            row,
        )


def _row(values: tuple[Any, ...]) -> Project:
    data = dict(zip((f.name for f in fields(Project)), values, strict=True))
    return Project(**{**data, "languages": json.loads(data["languages"])})


def projects(path: Path | None = None) -> list[Project]:
    """Every registered workspace, by root."""
    with _connection(path) as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM project_registry ORDER BY root").fetchall()
    return [_row(r) for r in rows]


def prune(path: Path | None = None) -> list[Project]:
    """Forget the workspaces whose root folder is gone; return them."""
    with _connection(path) as conn, conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM project_registry ORDER BY root").fetchall()
        gone = [p for p in map(_row, rows) if not os.path.isdir(p.root)]
        conn.executemany("DELETE FROM project_registry WHERE id = ?", [(p.id,) for p in gone])
    return gone

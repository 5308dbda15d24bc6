"""Telemetry snapshots persisted by long-lived processes, read by `drift status --storage`."""

from __future__ import annotations

import json
from typing import Any

import apsw


def has_table(conn: apsw.Connection) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'telemetry_snapshots'"
        ).fetchone()
        is not None
    )


def save(conn: apsw.Connection, process: str, data: dict[str, Any]) -> int:
    conn.execute(
        "INSERT INTO telemetry_snapshots (process, data) VALUES (?, ?)",
        (process, json.dumps(data, default=str)),
    )
    return conn.last_insert_rowid()


def latest(conn: apsw.Connection) -> dict[str, Any] | None:
    """The newest snapshot as {id, recorded_at, process, data}, or None."""
    row = conn.execute(
        "SELECT id, recorded_at, process, data FROM telemetry_snapshots ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    snapshot_id, recorded_at, process, data = row
    return {
        "id": snapshot_id,
        "recorded_at": recorded_at,
        "process": process,
        "data": json.loads(data),
    }

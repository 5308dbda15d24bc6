"""The `config` table: the workspace's effective drift.config.json, one row per top-level key."""

from __future__ import annotations

import json
from typing import Any

import apsw


def replace(conn: apsw.Connection, values: dict[str, Any]) -> None:
    conn.execute(
        "DELETE FROM config WHERE key NOT IN (SELECT value FROM json_each(?))",
        (json.dumps(list(values)),),
    )
    conn.executemany(
        "INSERT INTO config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
        "value = excluded.value, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
        "WHERE config.value != excluded.value",
        ((key, json.dumps(value, sort_keys=True)) for key, value in values.items()),
    )


def load(conn: apsw.Connection) -> dict[str, Any]:
    return {key: json.loads(value) for key, value in conn.execute("SELECT key, value FROM config")}

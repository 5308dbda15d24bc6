"""The two SQL shapes every export section uses: rows out as dicts, dicts in as rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apsw


def select_rows(
    conn: apsw.Connection, sql: str, names: tuple[str, ...], *params: Any
) -> Iterator[dict[str, Any]]:
    return (dict(zip(names, row, strict=True)) for row in conn.execute(sql, params))


def insert_row(conn: apsw.Connection, table: str, row: dict[str, Any], conflict: str = "") -> None:
    """Insert `row` (column -> value); `conflict` is an optional ON CONFLICT clause."""
    names = ", ".join(row)
    marks = ", ".join(f":{k}" for k in row)
    conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}", row)

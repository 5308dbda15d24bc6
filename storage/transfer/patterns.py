"""drift.db rows to and from the export document: patterns with their decisions, locations,
variants, examples and history, and decisions on patterns the database no longer holds.

Related rows travel without their own ids (import gives them new ones) and in id order, so
exporting what was imported gives the same document.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apsw

from storage.transfer.document import PATTERN_PARTS, columns
from storage.transfer.rows import insert_row, select_rows

# Document key -> (table, schema definition) of the rows that hang off one pattern.
_CHILDREN = {
    "locations": ("pattern_locations", "location"),
    "variants": ("pattern_variants", "variant"),
    "examples": ("pattern_examples", "example"),
    "history": ("pattern_history", "history"),
}
_DECISION_COLUMNS = columns("orphan_decision")


def iter_patterns(conn: apsw.Connection) -> Iterator[dict[str, Any]]:
    """Every pattern with its related rows, in id order, one at a time."""
    own = columns("pattern", without=PATTERN_PARTS)
    decision = columns("decision")
    for pattern in select_rows(conn, f"SELECT {', '.join(own)} FROM patterns ORDER BY id", own):
        key = pattern["id"]
        pattern["decision"] = next(
            select_rows(
                conn,
                f"SELECT {', '.join(decision)} FROM learned_patterns WHERE pattern_id = ?",
                decision,
                key,
            ),
            None,
        )
        for part, (table, definition) in _CHILDREN.items():
            names = columns(definition)
            pattern[part] = list(
                select_rows(
                    conn,
                    f"SELECT {', '.join(names)} FROM {table} WHERE pattern_id = ? ORDER BY id",
                    names,
                    key,
                )
            )
        yield pattern


def iter_orphan_decisions(conn: apsw.Connection) -> Iterator[dict[str, Any]]:
    """Decisions on patterns not in the database now: they apply when it learns them again."""
    yield from select_rows(
        conn,
        f"SELECT {', '.join(_DECISION_COLUMNS)} FROM learned_patterns d "
        "WHERE NOT EXISTS (SELECT 1 FROM patterns p WHERE p.id = d.pattern_id) "
        "ORDER BY pattern_id",
        _DECISION_COLUMNS,
    )


def decide(conn: apsw.Connection, decision: dict[str, Any]) -> None:
    insert_row(
        conn,
        "learned_patterns",
        decision,
        "ON CONFLICT (pattern_id) DO UPDATE SET decision = excluded.decision, "
        "decided_by = excluded.decided_by, decided_at = excluded.decided_at",
    )


def _add_history(conn: apsw.Connection, pattern_id: str, rows: list[dict[str, Any]]) -> None:
    """Histories are combined: an entry both sides already have is kept once."""
    names = columns("history")
    for row in rows:
        conn.execute(
            f"INSERT INTO pattern_history (pattern_id, {', '.join(names)}) "
            f"SELECT :pattern_id, {', '.join(f':{n}' for n in names)} WHERE NOT EXISTS ("
            "SELECT 1 FROM pattern_history WHERE pattern_id = :pattern_id AND "
            + " AND ".join(f"{n} IS :{n}" for n in names)
            + ")",
            {"pattern_id": pattern_id, **row},
        )


def apply_patterns(conn: apsw.Connection, document: dict[str, Any], *, replace: bool) -> int:
    """Write the document's patterns (on the writer connection, inside its transaction).

    replace: the database's patterns, histories and decisions are dropped first.
    merge: a pattern in the document replaces the one with its id, with its related rows;
    histories are combined; the document's decisions win; everything else stays.
    """
    if replace:
        conn.execute("DELETE FROM patterns")
        conn.execute("DELETE FROM pattern_history")
        conn.execute("DELETE FROM learned_patterns")
    for pattern in document["patterns"]:
        key = pattern["id"]
        conn.execute("DELETE FROM patterns WHERE id = ?", (key,))
        insert_row(conn, "patterns", {k: v for k, v in pattern.items() if k not in PATTERN_PARTS})
        for part, (table, _definition) in _CHILDREN.items():
            if part != "history":
                for row in pattern[part]:
                    insert_row(conn, table, {"pattern_id": key, **row})
        _add_history(conn, key, pattern["history"])
        if pattern["decision"] is not None:
            decide(conn, {"pattern_id": key, **pattern["decision"]})
    for decision in document["decisions"]:
        decide(conn, decision)
    return len(document["patterns"])

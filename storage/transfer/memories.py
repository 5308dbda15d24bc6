"""cortex.db rows to and from the export document: memories with every recorded version,
their links (patterns, files, functions, constraints) and the relationships between them.

Vectors are not exported: they are derived from the text, and the importer re-embeds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apsw

from storage.transfer.document import MEMORY_PARTS, columns
from storage.transfer.rows import insert_row, select_rows

# Document key -> (table, schema definition, order) of the rows that hang off one memory.
_PARTS = {
    "versions": ("memory_versions", "memory_version", "version"),
    "patterns": ("memory_patterns", "memory_pattern", "pattern_id"),
    "files": ("memory_files", "memory_file", "file_path"),
    "functions": ("memory_functions", "memory_function", "file_path, function_name"),
    "constraints": ("memory_constraints", "memory_constraint", "constraint_id"),
}
_NO_DELETE = "memories_no_delete"


def iter_memories(conn: apsw.Connection) -> Iterator[dict[str, Any]]:
    own = columns("memory", without=MEMORY_PARTS)
    for memory in select_rows(conn, f"SELECT {', '.join(own)} FROM memories ORDER BY id", own):
        for part, (table, definition, order) in _PARTS.items():
            names = columns(definition)
            memory[part] = list(
                select_rows(
                    conn,
                    f"SELECT {', '.join(names)} FROM {table} WHERE memory_id = ? ORDER BY {order}",
                    names,
                    memory["id"],
                )
            )
        yield memory


def iter_relationships(conn: apsw.Connection) -> Iterator[dict[str, Any]]:
    names = columns("relationship")
    yield from select_rows(
        conn, f"SELECT {', '.join(names)} FROM memory_relationships ORDER BY id", names
    )


def _delete_memories(conn: apsw.Connection, where: str, *params: Any) -> None:
    """Remove memories outright. The schema forbids it (knowledge is archived, not deleted)
    for every other writer; an import that replaces them lifts that rule inside its own
    transaction only, with the trigger's own definition put back."""
    (definition,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_NO_DELETE,)
    ).fetchone()
    conn.execute(f"DROP TRIGGER {_NO_DELETE}")
    conn.execute(f"DELETE FROM memories {where}", params)
    conn.execute(definition)


def apply_memories(conn: apsw.Connection, document: dict[str, Any], *, replace: bool) -> int:
    """Write the document's memories (on cortex.db's writer connection, in its transaction).

    replace: every memory here is removed first. merge: a memory in the document replaces the
    one with the same id; the others stay.
    """
    memories = document.get("memories", [])
    if replace:
        _delete_memories(conn, "")
    for memory in memories:
        _delete_memories(conn, "WHERE id = ?", memory["id"])
        insert_row(conn, "memories", {k: v for k, v in memory.items() if k not in MEMORY_PARTS})
        # The insert trigger recorded the current version; the document has every version.
        conn.execute("DELETE FROM memory_versions WHERE memory_id = ?", (memory["id"],))
        for part, (table, _definition, _order) in _PARTS.items():
            for row in memory[part]:
                insert_row(conn, table, {"memory_id": memory["id"], **row})
    for relationship in document.get("relationships", []):
        insert_row(
            conn,
            "memory_relationships",
            relationship,
            "ON CONFLICT (source_id, type, target_id) DO UPDATE SET strength = excluded.strength",
        )
    return len(memories)

"""Migration 0007 renames the "value/context@scope" columns to convention_key (patterns
and learned_patterns), both ways, keeping the data and a person's decisions."""

from __future__ import annotations

import json
from pathlib import Path

import apsw
from support import SMALL_REPO_LEARNING

from drift_lsp.config import CONFIG_FILE
from drift_lsp.workspace import Workspace, db_path
from storage.migrate import migrate

RENAMED = 7


def _columns(conn: apsw.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def test_convention_keys_go_back_to_their_old_names_and_forth(py_repo: Path) -> None:
    (py_repo / CONFIG_FILE).write_text(json.dumps({"learning": SMALL_REPO_LEARNING}))
    with Workspace.open(py_repo) as workspace:
        workspace.scan()
        ignored = workspace.db.read(
            "one", lambda c: c.execute("SELECT id FROM patterns ORDER BY id").fetchone()[0]
        )
        workspace.set_status([ignored], "ignored")
    conn = apsw.Connection(str(db_path(py_repo)))
    patterns = conn.execute("SELECT id, convention_key FROM patterns ORDER BY id").fetchall()
    decisions = conn.execute("SELECT pattern_id, convention_key FROM learned_patterns").fetchall()
    assert patterns and all("/" in key for _, key in patterns)
    assert decisions == [(ignored, dict(patterns)[ignored])]

    migrate(conn, "drift", RENAMED - 1)
    assert "pattern_id" in _columns(conn, "patterns")
    assert "pattern_key" in _columns(conn, "learned_patterns")
    assert conn.execute("SELECT id, pattern_id FROM patterns ORDER BY id").fetchall() == patterns
    assert conn.execute("SELECT pattern_id, pattern_key FROM learned_patterns").fetchall() == (
        decisions
    )

    migrate(conn, "drift", RENAMED)
    assert conn.execute("SELECT id, convention_key FROM patterns ORDER BY id").fetchall() == (
        patterns
    )
    assert "pattern_id" not in _columns(conn, "patterns")
    assert "pattern_key" not in _columns(conn, "learned_patterns")
    conn.close()
    with Workspace.open(py_repo) as workspace:
        workspace.scan(full=True)
        assert workspace.pattern(ignored).status == "ignored", "the decision survives"

"""`drift export` / `drift import` as a user moves a workspace: the round trip, a bad
document (exit 2, nothing written), and --merge against --replace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import apsw
import pytest
from support import SMALL_REPO_LEARNING, python_repo

from drift_lsp.cli import main
from storage.repositories.patterns import pattern_id_of

FUNCTION_NAMING = pattern_id_of("naming/function", "snake_case/declaration@python")


def drift(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


def exported(root: Path, tmp_path: Path, name: str, *extra: str) -> dict[str, Any]:
    target = tmp_path / name
    assert drift(root, "export", "--output", str(target), *extra) == 0
    return json.loads(target.read_text("utf-8"))


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "created_at"}


@pytest.fixture
def repo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = python_repo(tmp_path / "repo")
    (root / "drift.config.json").write_text(
        json.dumps({"learning": {"autoApproveThreshold": 0.8, **SMALL_REPO_LEARNING}})
    )
    assert drift(root, "scan") == 0
    capsys.readouterr()
    return root


def test_round_trip_into_an_empty_workspace_gives_the_same_document(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patterns = json.loads(_out(capsys, drift(repo, "patterns", "--json", "--limit", "100")))
    ignored = next(p["id"] for p in patterns if p["id"] != FUNCTION_NAMING)
    assert drift(repo, "ignore", ignored) == 0
    assert drift(repo, "memory", "add", "--type", "rationale", "--summary",
                 "functions are snake_case", "--pattern", FUNCTION_NAMING,
                 "--file", "pkg/mod_1.py") == 0  # fmt: skip
    assert drift(repo, "memory", "add", "--type", "tribal", "--summary", "old wisdom") == 0
    assert drift(repo, "memory", "supersede", "2", "--summary", "new wisdom") == 0
    assert drift(repo, "memory", "link", "1", "supports", "3") == 0
    capsys.readouterr()
    conn = apsw.Connection(str(repo / ".drift" / "drift.db"))
    with conn:
        conn.execute(
            "INSERT INTO gate_runs (id, ran_at, branch, passed, score, data) VALUES "
            "('run-1', '2025-06-01T10:00:00.000Z', 'main', 1, 91.5, '{\"ci\": true}')"
        )
        conn.execute(
            "INSERT INTO gate_snapshots (id, branch, taken_at, health_score, data) "
            "VALUES ('snap-1', 'main', '2025-06-01T10:00:00.000Z', 88, '{}')"
        )
        conn.execute(
            "INSERT INTO constraints (id, name, category, status, language, data) "
            "VALUES ('c-1', 'Routes validate input', 'api', 'approved', 'python', '{}')"
        )
    conn.close()  # fmt: skip

    first = exported(repo, tmp_path, "first.json", "--include", "memories")
    assert (first["format"], first["schema_version"]) == ("drift-export", 1)
    by_id = {p["id"]: p for p in first["patterns"]}
    assert by_id[ignored]["status"] == "ignored"
    assert by_id[ignored]["decision"]["decision"] == "ignored"
    assert by_id[FUNCTION_NAMING]["examples"] and by_id[FUNCTION_NAMING]["history"]
    assert by_id[FUNCTION_NAMING]["locations"]  # the deviation in pkg/deviant.py
    assert [m["summary"] for m in first["memories"]] == [
        "functions are snake_case", "old wisdom", "new wisdom"]  # fmt: skip
    assert len(first["memories"][1]["versions"]) == 2  # archived when superseded
    assert first["memories"][0]["patterns"][0]["pattern_id"] == FUNCTION_NAMING
    assert {r["type"] for r in first["relationships"]} == {"supersedes", "supports"}
    assert [r["id"] for r in first["gate_runs"]] == ["run-1"]
    assert first["gate_snapshots"][0]["health_score"] == 88
    assert first["constraints"][0]["name"] == "Routes validate input"

    empty = tmp_path / "elsewhere"
    empty.mkdir()
    assert drift(empty, "import", str(tmp_path / "first.json")) == 0
    told = capsys.readouterr().out
    assert "imported" in told and "next: `drift scan`" in told
    second = exported(empty, tmp_path, "second.json", "--include", "memories")
    assert without_time(second) == without_time(first)

    # What a user sees in the new workspace is what they decided in the old one.
    shown = json.loads(_out(capsys, drift(empty, "show", ignored, "--json")))
    assert shown["status"] == "ignored"
    found = _out(capsys, drift(empty, "memory", "search", "snake_case functions"))
    assert "functions are snake_case" in found


def test_a_bad_document_names_its_first_bad_field_and_writes_nothing(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = exported(repo, tmp_path, "good.json")
    before = json.loads(json.dumps(without_time(document)))
    document["patterns"][1]["confidence_score"] = 1.5
    document["patterns"][2]["status"] = "maybe"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))

    assert drift(repo, "import", str(bad), "--replace") == 2
    err = capsys.readouterr().err
    assert "patterns[1].confidence_score" in err and "nothing was imported" in err
    assert "Traceback" not in err
    assert without_time(exported(repo, tmp_path, "after.json")) == before
    assert not (repo / ".drift" / "backups").exists()

    empty = tmp_path / "empty"
    empty.mkdir()
    for text, expected in (
        ("{not json", "not JSON (line 1"),
        (json.dumps({**document, "schema_version": 9}), "schema_version: 9 is not a Drift export"),
        (json.dumps({**document, "patterns": [{**before["patterns"][0], "id": "0" * 16}]}),
         "patterns[0].id: does not match"),
        (json.dumps({k: v for k, v in document.items() if k != "patterns"}), "'patterns' is a required"),
    ):  # fmt: skip
        bad.write_text(text)
        assert drift(empty, "import", str(bad)) == 2
        assert expected in capsys.readouterr().err
    assert drift(empty, "import", str(tmp_path / "missing.json")) == 2
    assert "no such file" in capsys.readouterr().err
    assert list(empty.iterdir()) == []  # not even a .drift folder


def test_merge_keeps_what_the_file_does_not_name_and_replace_drops_it(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = exported(repo, tmp_path, "all.json")
    others = {p["id"] for p in document["patterns"]} - {FUNCTION_NAMING}
    # A file that holds one pattern, decided the other way round.
    (pattern,) = [p for p in document["patterns"] if p["id"] == FUNCTION_NAMING]
    assert pattern["status"] == "approved"
    pattern["status"] = "ignored"
    pattern["decision"] = {"detector_id": "naming/function", "convention_key": pattern["convention_key"],
                           "decision": "ignored", "decided_by": "alice",
                           "decided_at": "2026-01-01T00:00:00.000Z"}  # fmt: skip
    one = tmp_path / "one.json"
    one.write_text(json.dumps({**document, "patterns": [pattern]}))

    assert drift(repo, "import", str(one), "--merge") == 0
    assert "backup 1" in capsys.readouterr().out
    merged = {p["id"]: p for p in exported(repo, tmp_path, "merged.json")["patterns"]}
    assert set(merged) == others | {FUNCTION_NAMING}
    assert merged[FUNCTION_NAMING]["decision"]["decided_by"] == "alice"
    assert merged[FUNCTION_NAMING]["status"] == "ignored"
    # Histories are combined, not duplicated, when the same file comes in twice.
    assert drift(repo, "import", str(one)) == 0
    again = {p["id"]: p for p in exported(repo, tmp_path, "again.json")["patterns"]}
    assert again[FUNCTION_NAMING]["history"] == merged[FUNCTION_NAMING]["history"]

    conn = apsw.Connection(str(repo / ".drift" / "drift.db"))
    with conn:
        conn.execute("INSERT INTO gate_runs (id, ran_at, passed, data) VALUES "
                     "('local', '2025-06-01T10:00:00.000Z', 1, '{}')")  # fmt: skip
    conn.close()
    assert drift(repo, "import", str(one)) == 0
    assert [r["id"] for r in exported(repo, tmp_path, "kept.json")["gate_runs"]] == ["local"]

    assert drift(repo, "import", str(one), "--replace") == 0
    capsys.readouterr()
    replaced = exported(repo, tmp_path, "replaced.json")
    assert replaced["gate_runs"] == []
    assert [p["id"] for p in replaced["patterns"]] == [FUNCTION_NAMING]
    assert replaced["decisions"] == []
    status = json.loads(_out(capsys, drift(repo, "status", "--json")))
    assert (status["total_patterns"], status["ignored"]) == (1, 1)

    backups = json.loads(_out(capsys, drift(repo, "backups", "--json")))
    assert {b["reason"] for b in backups} == {"pre_destructive_operation"}
    assert len([b for b in backups if b["database"] == "drift"]) == 4
    # The backup brings back what --replace dropped.
    first = min(b["id"] for b in backups if b["database"] == "drift")
    assert drift(repo, "restore", str(first)) == 0
    restored = exported(repo, tmp_path, "restored.json")
    assert {p["id"] for p in restored["patterns"]} == others | {FUNCTION_NAMING}


def _out(capsys: pytest.CaptureFixture[str], code: int) -> str:
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


@pytest.mark.parametrize(
    ("database", "definition", "table", "own_keys"),
    [
        ("drift", "pattern", "patterns", ()),
        ("drift", "location", "pattern_locations", ("id", "pattern_id")),
        ("drift", "variant", "pattern_variants", ("id", "pattern_id")),
        ("drift", "example", "pattern_examples", ("id", "pattern_id")),
        ("drift", "history", "pattern_history", ("id", "pattern_id")),
        ("drift", "orphan_decision", "learned_patterns", ()),
        ("cortex", "memory", "memories", ()),
        ("cortex", "memory_version", "memory_versions", ("memory_id",)),
        ("cortex", "memory_function", "memory_functions", ("memory_id",)),
        ("cortex", "relationship", "memory_relationships", ("id",)),
        ("drift", "gate_run", "gate_runs", ()),
        ("drift", "gate_snapshot", "gate_snapshots", ()),
        ("drift", "constraint", "constraints", ()),
    ],
)
def test_the_document_carries_every_column_of_the_latest_schema(
    tmp_path: Path, database: str, definition: str, table: str, own_keys: tuple[str, ...]
) -> None:
    """A migration that adds a column must add it to schema.json too, or exports lose it."""
    from storage.cortex import open_cortex_db
    from storage.database import DatabaseManager
    from storage.transfer.document import MEMORY_PARTS, PATTERN_PARTS, columns

    opener = open_cortex_db if database == "cortex" else DatabaseManager
    with opener(tmp_path / f"{database}.db") as db:
        table_columns = db.read("columns", lambda c: [r[1] for r in c.execute(
            f"SELECT * FROM pragma_table_info('{table}')")])  # fmt: skip
    expected = [c for c in table_columns if c not in own_keys]
    parts = {"pattern": PATTERN_PARTS, "memory": MEMORY_PARTS}.get(definition, ())
    assert list(columns(definition, without=parts)) == expected

"""`drift upgrade` on Drift v1 folders as users have them: the per-status shards, the unified
files of `migrate-storage`, a damaged file, a half-migrated folder, an upgraded one."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import apsw
import pytest
from support import python_repo

from drift_lsp.cli import main
from storage.database import DatabaseManager
from storage.migrate import migrate
from storage.repositories.patterns import pattern_id_of

from .v1_fixtures import stored_pattern, unified_entry, write_extras, write_shard, write_unified

FILE_NAMING = pattern_id_of("naming/file", "snake_case/unknown@python")


def drift(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


def out(capsys: pytest.CaptureFixture[str], code: int, expected: int = 0) -> str:
    captured = capsys.readouterr()
    assert code == expected, captured.err
    return captured.out


def sql(root: Path, statement: str) -> list[tuple]:
    conn = apsw.Connection(str(root / ".drift" / "drift.db"))
    try:
        return conn.execute(statement).fetchall()
    finally:
        conn.close()


def patterns(root: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    listing = out(capsys, drift(root, "patterns", "--json", "--limit", "500"))
    return {p["name"]: p for p in json.loads(listing)}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return python_repo(tmp_path / "repo")


def snake_files(approved: bool = True) -> dict:
    return stored_pattern("structural/file-naming", "file-naming-snake_case",
                          "naming-conventions", "File naming: snake_case",
                          files=("pkg/mod_1.py", "pkg/mod_2.py"), approved=approved)  # fmt: skip


def test_shards_come_in_with_their_decisions_and_the_v1_files_move_aside(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drift_dir = repo / ".drift"
    write_shard(drift_dir, "approved", "structural", [snake_files()])
    write_shard(drift_dir, "discovered", "errors", [
        stored_pattern("errors/try-catch", "try-catch-logged", "handling", "Caught errors are logged",
                       outliers=2)])  # fmt: skip
    write_shard(
        drift_dir,
        "ignored",
        "styling",
        [stored_pattern("styling/class-naming", "class-naming-bem", "class-naming", "BEM classes")],
    )
    write_extras(drift_dir)

    assert drift(repo, "scan") == 0
    assert "`drift upgrade` brings it into drift.db" in capsys.readouterr().err
    assert patterns(repo, capsys)["File naming"]["status"] == "discovered"

    dry = out(capsys, drift(repo, "upgrade", "--dry-run"))
    assert ("would import 3 pattern(s) (1 discovered, 1 approved, 1 ignored) in 3 file(s), "
            "1 quality-gate runs, 1 quality-gate snapshots, 1 constraints") in dry  # fmt: skip
    assert (drift_dir / "patterns" / "approved" / "structural.json").exists()
    assert "File naming: snake_case" not in patterns(repo, capsys)

    done = out(capsys, drift(repo, "upgrade"))
    assert "imported 3 pattern(s)" in done and "1 learned pattern(s) took a v1 decision" in done
    found = patterns(repo, capsys)
    # The approved v1 convention is one this Drift learns: it stays approved.
    assert found["File naming"]["status"] == "approved"
    imported = found["File naming: snake_case"]
    assert (imported["category"], imported["status"], imported["source"]) == (
        "naming", "approved", "imported")  # fmt: skip
    assert imported["confidence_spread"] == 1.0  # v1's file count, clamped to a share
    errors = found["Caught errors are logged"]
    assert (errors["category"], errors["status"], errors["outlier_count"]) == (
        "errors",
        "discovered",
        2,
    )
    assert found["BEM classes"]["status"] == "ignored"
    assert found["BEM classes"]["category"] == "style"

    shown = json.loads(out(capsys, drift(repo, "show", imported["id"], "--json")))
    assert shown["value"] == snake_files()["id"]

    kept = drift_dir / "v1-backup"
    assert (kept / "patterns" / "approved" / "structural.json").is_file()
    assert (kept / "quality-gates" / "history" / "runs" / "run-1.json").is_file()
    assert (kept / "constraints" / "approved" / "api.json").is_file()
    assert (kept / "config.json").is_file()
    assert not (drift_dir / "patterns").exists() and not (drift_dir / "config.json").exists()
    assert sql(repo, "SELECT id, branch, passed, score, violation_count FROM gate_runs") == [
        ("run-1", "main", 0, 72.5, 4)]  # fmt: skip
    assert sql(repo, "SELECT id, branch, health_score FROM gate_snapshots") == [
        ("snap-1", "main", 81.0)]  # fmt: skip
    ((constraint, status, data),) = sql(repo, "SELECT id, status, data FROM constraints")
    assert (constraint, status) == ("api-routes-validate-input", "approved")
    assert json.loads(data)["invariant"] == {"type": "must_have", "condition": "validate(body)"}
    backups = json.loads(out(capsys, drift(repo, "backups", "--json")))
    assert "version_upgrade" in {b["reason"] for b in backups}

    assert "all pass" in out(capsys, drift(repo, "doctor"))

    again = out(capsys, drift(repo, "upgrade"))
    assert again.startswith("nothing to do")
    assert found == patterns(repo, capsys)
    assert drift(repo, "scan") == 0
    assert "drift upgrade" not in capsys.readouterr().err
    assert patterns(repo, capsys)["File naming"]["status"] == "approved"


def test_a_bad_checksum_skips_that_file_until_forced(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drift_dir = repo / ".drift"
    write_unified(drift_dir, "structural", [unified_entry(snake_files(), "approved")])
    damaged = write_unified(
        drift_dir,
        "logging",
        [
            unified_entry(
                stored_pattern("logging/logger", "logger-module", "loggers", "Module loggers"),
                "discovered",
            )
        ],
    )
    # Someone edited the file by hand after v1 wrote it: a pattern more, same checksum.
    data = json.loads(damaged.read_text())
    data["patterns"].append({**data["patterns"][0], "id": "f" * 16, "name": "Added by hand"})
    damaged.write_text(json.dumps(data, indent=2))

    captured_code = drift(repo, "upgrade")
    captured = capsys.readouterr()
    assert captured_code == 1
    assert "skipped patterns/logging.json: checksum mismatch" in captured.err
    assert "imported 1 pattern(s) (1 approved)" in captured.out
    assert damaged.is_file()  # left for a later --force
    assert (drift_dir / "v1-backup" / "patterns" / "structural.json").is_file()
    assert "Module loggers" not in patterns(repo, capsys)

    forced = out(capsys, drift(repo, "upgrade", "--force"))
    assert "imported 2 pattern(s) (2 discovered)" in forced
    names = patterns(repo, capsys)
    assert {"Module loggers", "Added by hand", "File naming: snake_case"} <= set(names)
    assert not damaged.exists()
    assert out(capsys, drift(repo, "upgrade")).startswith("nothing to do")


def test_a_half_migrated_folder_takes_each_pattern_once_from_the_newer_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drift_dir = repo / ".drift"
    # migrate-storage stopped after writing the unified file, before removing the shards.
    write_shard(drift_dir, "discovered", "structural", [snake_files(approved=False)])
    write_unified(drift_dir, "structural", [unified_entry(snake_files(), "approved")])
    done = out(capsys, drift(repo, "upgrade"))
    assert "imported 1 pattern(s) (1 approved) in 2 file(s)" in done
    assert patterns(repo, capsys)["File naming: snake_case"]["status"] == "approved"


def test_partial_and_unreadable_layouts(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drift_dir = repo / ".drift"
    runs = drift_dir / "quality-gates" / "history" / "runs"
    runs.mkdir(parents=True)
    (runs / "run-2.json").write_text(json.dumps({"id": "run-2", "passed": True}))
    # Only an approved shard, no config.json, and a file that is not JSON at all.
    write_shard(
        drift_dir,
        "approved",
        "testing",
        [stored_pattern("testing/describe-it", "describe-it", "structure", "describe/it blocks")],
    )
    (drift_dir / "patterns" / "ignored").mkdir(parents=True)
    (drift_dir / "patterns" / "ignored" / "api.json").write_text("{ truncated")
    assert drift(repo, "upgrade") == 1
    captured = capsys.readouterr()
    assert "skipped patterns/ignored/api.json: not readable JSON" in captured.err
    assert "skipped quality-gates/history/runs/run-2.json: no `timestamp`" in captured.err
    assert (runs / "run-2.json").is_file()
    assert "Traceback" not in captured.err
    assert patterns(repo, capsys)["describe/it blocks"]["category"] == "tests"


def test_an_upgraded_or_plain_folder_has_nothing_to_do(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert drift(repo, "upgrade", "--dry-run") == 0
    assert capsys.readouterr().out.startswith("nothing to do")
    assert not (repo / ".drift").exists()
    (repo / ".drift" / "v1-backup" / "patterns").mkdir(parents=True)
    assert out(capsys, drift(repo, "upgrade")).startswith("nothing to do")


GATES = 8  # migrations/drift/0008_gates_and_constraints


def test_the_gate_and_constraint_tables_go_down_and_up(tmp_path: Path) -> None:
    DatabaseManager(tmp_path / "drift.db").close()
    conn = apsw.Connection(str(tmp_path / "drift.db"))
    try:
        tables = "SELECT name FROM sqlite_master WHERE name IN ('gate_runs', 'gate_snapshots', 'constraints')"
        assert len(conn.execute(tables).fetchall()) == 3
        assert migrate(conn, "drift", GATES - 1)[-1] == "0008_gates_and_constraints.down"
        assert conn.execute(tables).fetchall() == []
        assert migrate(conn, "drift", GATES) == ["0008_gates_and_constraints.up"]
        assert len(conn.execute(tables).fetchall()) == 3
    finally:
        conn.close()


_NODE_WRITER = """
const fs = require("fs"), crypto = require("crypto");
const patterns = JSON.parse(fs.readFileSync(0, "utf-8"));
const sum = (text) => crypto.createHash("sha256").update(text).digest("hex").slice(0, 16);
fs.mkdirSync(".drift/patterns/approved", {recursive: true});
fs.writeFileSync(".drift/patterns/approved/structural.json", JSON.stringify({version: "1.0.0",
  category: "structural", patterns, lastUpdated: new Date().toISOString(),
  checksum: sum(JSON.stringify(patterns))}, null, 2));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to write as v1 did")
def test_checksums_agree_with_what_node_wrote(repo: Path, capsys) -> None:
    """v1 ran on Node: a shard its JSON.stringify wrote (non-ASCII text, fractions) verifies."""
    pattern = stored_pattern("structural/file-naming", "file-naming-snake_case",
                             "naming-conventions", "Nommage — “fichiers” ✓", score=0.7333333333333333,
                             outliers=2, approved=True)  # fmt: skip
    subprocess.run(["node", "-e", _NODE_WRITER], cwd=repo, input=json.dumps([pattern]), text=True,
                   check=True, timeout=60)  # fmt: skip
    assert drift(repo, "upgrade", "--dry-run") == 0
    captured = capsys.readouterr()
    assert "would import 1 pattern(s) (1 approved)" in captured.out
    assert "skipped" not in captured.err

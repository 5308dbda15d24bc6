"""`drift gate`: the ci policy of drift.config.json against a baseline — passes on a clean
tree, fails on one new violation over maxNew, a category's limit or minHealth, exits 2 on a
bad policy — and every run a gate_runs row and a gate_snapshots row, read back, pruned by
retention, migrated both ways; `drift trends` and `drift show RULE --history` over them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import apsw
import pytest
from support import SMALL_REPO_LEARNING, python_repo, write_tree
from support.cli import commit_all, drift, git, init_repo

from drift_lsp.cli import main
from drift_lsp.commands.history import sparkline
from storage.migrate import migrate
from storage.paths import db_path
from storage.repositories import gates as gates_repo
from storage.repositories.patterns import pattern_id_of
from storage.retention import RetentionPolicy, prune

FUNCTION_ID = pattern_id_of("naming/function", "snake_case/declaration@python")
NEW_CAMEL = 'def brandNew():\n    """New."""\n    return 5\n'
GATE_RUNS = 10  # migrations/drift/0010_gate_runs


def configure(root: Path, **ci: object) -> None:
    (root / "drift.config.json").write_text(
        json.dumps({
            "learning": {"autoApproveThreshold": 0.8, **SMALL_REPO_LEARNING},
            "ci": {"failOn": "warning", **ci},
        })
    )  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed workspace with one old camelCase function; function naming approved."""
    monkeypatch.delenv("CI", raising=False)
    root = python_repo(tmp_path / "repo")
    configure(root)
    init_repo(root)
    commit_all(root, "conventional code and one deviant module")
    drift(root, "scan")
    drift(root, "approve", "naming/function")
    return root


def add_new_violation(root: Path) -> None:
    write_tree(root, {"pkg/fresh.py": NEW_CAMEL})
    commit_all(root, "one new camelCase function")


def gate(root: Path, *args: str, expect: int) -> dict:
    return json.loads(drift(root, "gate", "--json", *args, expect=expect).stdout)


def runs(root: Path) -> list[dict]:
    conn = apsw.Connection(str(db_path(root)), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        return gates_repo.runs(conn)
    finally:
        conn.close()


def test_the_gate_passes_on_a_clean_tree(repo: Path) -> None:
    done = drift(repo, "gate", expect=0)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("drift gate passed: 0 new violation(s) since merge-base with main")
    assert lines[1] == "  pass  new-violations: 0 (at most 0)"


def test_one_new_violation_over_max_new_fails_and_is_listed(repo: Path) -> None:
    add_new_violation(repo)
    done = drift(repo, "gate", "--baseline", "HEAD~1", expect=1)
    assert done.stdout.startswith("drift gate FAILED: 1 new violation(s) since HEAD~1 (")
    assert "  FAIL  new-violations: 1 (at most 0)" in done.stdout
    assert "pkg/fresh.py:1:5: warning: Function naming" in done.stdout

    configure(repo, maxNew=1)
    assert gate(repo, "--baseline", "HEAD~1", expect=0)["passed"] is True
    # The old violation in pkg/deviant.py is no more "new" against the commit before.
    configure(repo, maxNew=1, categories={"naming": {"maxNew": 0}})
    result = gate(repo, "--baseline", "HEAD~1", expect=1)
    assert [(g["name"], g["passed"], g["actual"]) for g in result["gates"]] == [
        ("new-violations", True, 1),
        ("category:naming", False, 1),
    ]
    assert [v["file"] for v in result["newViolations"]] == ["pkg/fresh.py"]


def test_severities_below_fail_on_do_not_count(repo: Path) -> None:
    add_new_violation(repo)
    configure(repo, failOn="error")
    result = gate(repo, "--baseline", "HEAD~1", expect=0)
    assert result["gates"][0]["actual"] == 0
    assert len(result["newViolations"]) == 1


def test_min_health_is_a_gate_of_its_own(repo: Path) -> None:
    configure(repo, minHealth=100)
    result = gate(repo, expect=1)
    assert result["gates"][1]["name"] == "health"
    assert result["gates"][1]["passed"] is False
    assert result["health"] < 100
    configure(repo, minHealth=result["health"])
    assert gate(repo, expect=0)["passed"] is True


@pytest.mark.parametrize(
    ("ci", "args", "message"),
    [
        ({"maxNew": -1}, (), "ci.maxNew: expected an integer from 0"),
        ({"minHealth": "high"}, (), "ci.minHealth: expected a number from 0"),
        ({"categories": {"namng": {"maxNew": 0}}}, (), "ci.categories.namng: unknown category"),
        ({"categories": {"naming": {"most": 0}}}, (), "ci.categories.naming.most: the only"),
        ({}, ("--baseline", "no-such-ref"), "'no-such-ref' is not a commit"),
    ],
)
def test_a_bad_policy_or_baseline_exits_2(repo: Path, ci: dict, args: tuple, message: str) -> None:
    configure(repo, **ci)
    assert message in drift(repo, "gate", *args, expect=2).stderr
    assert runs(repo) == []


def test_a_workspace_never_scanned_is_bad_input_not_a_failed_gate(tmp_path: Path) -> None:
    root = python_repo(tmp_path / "fresh")
    init_repo(root)
    commit_all(root, "code")
    assert "run `drift scan` first" in drift(root, "gate", expect=2).stderr


def test_every_run_is_a_row_with_its_snapshot(repo: Path, monkeypatch) -> None:
    drift(repo, "gate", expect=0)
    add_new_violation(repo)
    monkeypatch.setenv("CI", "true")
    failed = gate(repo, "--baseline", "HEAD~1", expect=1)

    first, second = runs(repo)
    head = git(repo, "rev-parse", "HEAD").strip()
    assert (first["passed"], first["ci"], first["violation_count"]) == (1, 0, 0)
    assert (second["id"], second["passed"], second["ci"]) == (failed["runId"], 0, 1)
    assert (second["branch"], second["commit_sha"], second["source"]) == ("main", head, "drift")
    assert second["violation_count"] == 1
    assert second["score"] == failed["health"]
    assert second["gates"] == failed["gates"]
    assert second["data"]["policy"] == {
        "failOn": "warning", "maxNew": 0, "minHealth": None, "categories": {}
    }  # fmt: skip
    assert second["data"]["baseline"]["ref"] == "HEAD~1"
    assert first["policy_id"] == second["policy_id"]  # the same policy, the same id

    conn = apsw.Connection(str(db_path(repo)))
    snapshot = gates_repo.snapshot_of(conn, second["id"])
    conn.close()
    assert snapshot is not None and snapshot["health_score"] == failed["health"]
    (function,) = [p for p in snapshot["data"]["patterns"] if p["id"] == FUNCTION_ID]
    assert function["rule"] == "naming/function"
    assert function["status"] == "approved"
    assert function["outliers"] == 1  # fetchRemote, in the database as the last scan left it
    assert 0 < function["compliance"] < 1


def test_a_fall_in_compliance_since_the_last_run_is_reported(repo: Path) -> None:
    assert gate(repo, expect=0)["regressions"] == []
    add_new_violation(repo)
    drift(repo, "scan")
    configure(repo, maxNew=1)
    done = drift(repo, "gate", "--baseline", "HEAD~1", expect=0)
    assert "compliance fell since the last gate run on main:" in done.stdout
    assert f"  naming/function ({FUNCTION_ID}): compliance 88.9% -> " in done.stdout
    (regression,) = runs(repo)[-1]["data"]["regressions"]
    assert regression["rule"] == "naming/function"
    assert regression["after"] < regression["before"]
    # Compared with the run before it, this one is no news.
    assert gate(repo, "--baseline", "HEAD~1", expect=0)["regressions"] == []


def test_retention_prunes_gate_rows(repo: Path) -> None:
    for _ in range(3):
        drift(repo, "gate", expect=0)
    conn = apsw.Connection(str(db_path(repo)))
    # A run imported from Drift v1: a text id that sorts after ours, two years old.
    conn.execute(
        "INSERT INTO gate_runs (id, ran_at, passed, data) VALUES ('zz-v1', "
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-730 days'), 1, '{}')"
    )
    newest = gates_repo.runs(conn)[-1]["id"]
    deleted = prune(conn, RetentionPolicy.from_mapping({"gate_runs": {"max_rows": 1}}))
    assert deleted["gate_runs"] == 3
    assert deleted["gate_snapshots"] == 0  # within their own limits
    assert [r["id"] for r in gates_repo.runs(conn)] == [newest]
    deleted = prune(conn, RetentionPolicy.from_mapping({"gate_snapshots": {"max_age_days": 0}}))
    # The newest row of a table always survives.
    assert deleted["gate_snapshots"] == 2
    assert gates_repo.snapshot_of(conn, newest) is not None
    conn.close()


def test_retention_of_gate_rows_is_configurable(repo: Path) -> None:
    config = json.loads((repo / "drift.config.json").read_text())
    config["retention"] = {"gate_runs": {"max_rows": "all"}}
    (repo / "drift.config.json").write_text(json.dumps(config))
    assert "retention.gate_runs.max_rows" in drift(repo, "gate", expect=2).stderr


def test_the_gate_runs_migration_goes_down_and_up(repo: Path) -> None:
    drift(repo, "gate", expect=0)
    conn = apsw.Connection(str(db_path(repo)))
    migrate(conn, "drift", GATE_RUNS - 1)
    names = {row[1] for row in conn.execute("PRAGMA table_info(gate_runs)")}
    assert "ci" not in names and "gates" not in names
    assert conn.execute("SELECT count(*) FROM gate_runs").fetchone() == (1,)
    migrate(conn, "drift", GATE_RUNS)
    (run,) = gates_repo.runs(conn)
    assert (run["ci"], run["gates"]) == (0, [])  # what the run said is gone with its columns
    conn.close()
    drift(repo, "gate", expect=0)
    assert len(runs(repo)) == 2


def test_trends_show_health_and_gate_runs(repo: Path, capsys, monkeypatch) -> None:
    drift(repo, "scan")
    drift(repo, "gate", expect=0)
    data = json.loads(drift(repo, "trends", "--json").stdout)
    assert len(data["health"]) == 2  # one row per completed scan
    assert [r["passed"] for r in data["gateRuns"]] == [1]

    text = drift(repo, "trends").stdout.splitlines()
    assert text[0].startswith("health over the last 2 scan(s): ")
    assert not any(set(line.strip()) <= set("▁▂▃▄▅▆▇█") for line in text if line.strip())
    assert "gate runs: 1, 0 failed" in text
    assert any(" pass  score " in line and line.endswith("main " + line.split()[-1]) for line in
               text)  # fmt: skip

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["--root", str(repo), "trends"]) == 0
    plotted = capsys.readouterr().out.splitlines()
    assert plotted[1].strip() and set(plotted[1].strip()) <= set("▁▂▃▄▅▆▇█")


def test_sparkline_scales_between_lowest_and_highest() -> None:
    assert sparkline([0, 50, 100]) == "▁▅█"
    assert sparkline([90, 91]) == "▁█"
    assert sparkline([70, 70, 70]) == "▅▅▅"
    assert sparkline([]) == ""


def test_show_history_tells_when_learned_approved_and_by_whom(repo: Path) -> None:
    drift(repo, "gate", expect=0)
    text = drift(repo, "show", "naming/function", "--history").stdout
    events = text.split("history:\n", 1)[1].splitlines()
    assert "learned (" in events[0]
    assert any(line.endswith("approved by Ann") for line in events)
    assert "compliance at 1 gate run(s): " in text

    data = json.loads(drift(repo, "show", FUNCTION_ID, "--history", "--json").stdout)
    actions = [(e["action"], e["by"]) for e in data["history"]["events"]]
    assert actions[0][0] == "created"
    assert ("approved", "Ann") in actions
    assert len(data["history"]["compliance"]) == 1

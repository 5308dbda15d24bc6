"""`drift override`: a rule's severity, or "off", under a path — honoured by `drift check` in
every format, written into drift.lock, read back from it — and its migration both ways."""

from __future__ import annotations

import json
from pathlib import Path

import apsw
import pytest
from support import SMALL_REPO_LEARNING, python_repo
from support.cli import drift

from drift_lsp.workspace import Workspace
from storage.migrate import migrate
from storage.paths import db_path
from storage.repositories.patterns import pattern_id_of

FUNCTION_ID = pattern_id_of("naming/function", "snake_case/declaration@python")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = python_repo(tmp_path / "repo")
    (root / "drift.config.json").write_text(
        json.dumps({"learning": {"autoApproveThreshold": 0.8, **SMALL_REPO_LEARNING}})
    )
    drift(root, "scan")
    return root


def rules(root: Path, *extra: str) -> dict[str, str]:
    """{rule: severity} of the violations `drift check pkg` reports as JSON."""
    done = drift(root, "check", "pkg", "--format", "json", "--fail-on", "hint", *extra, expect=1)
    return {v["message"].split(":")[0]: v["severity"] for v in json.loads(done.stdout)}


def sarif_rules(root: Path) -> set[str]:
    done = drift(root, "check", "pkg", "--format", "sarif", "--fail-on", "hint", expect=1)
    return {r["ruleId"] for run in json.loads(done.stdout)["runs"] for r in run["results"]}


def test_an_override_changes_what_check_reports_everywhere(repo: Path) -> None:
    before = rules(repo)
    assert before["Function naming"] == before["Logging output"] == "warning"
    assert "naming/function" in sarif_rules(repo)

    drift(repo, "override", "naming/function", "--path", "pkg/dev*.py", "--by", "Ann")
    drift(repo, "override", "logging/output", "--path", "pkg/", "--severity", "error")
    after = rules(repo)
    assert "Function naming" not in after and after["Logging output"] == "error"
    assert "naming/function" not in sarif_rules(repo)
    assert drift(repo, "check", "pkg", expect=1).stdout.count("error: Logging output") == 1
    listed = drift(repo, "override", "--list").stdout.splitlines()
    assert listed[1] == (
        "naming/function snake_case/declaration@python in pkg/dev*.py: off  [Ann, "
        f"{listed[1].rpartition(', ')[2]}"
    )
    # A glob that matches other files leaves this one checked.
    drift(repo, "override", "--remove", "naming/function", "--path", "pkg/dev*.py")
    drift(repo, "override", "naming/function", "--path", "tests/")
    assert "Function naming" in rules(repo)


def test_overrides_go_into_the_lock_and_come_back_from_it(repo: Path) -> None:
    drift(repo, "lock")
    drift(repo, "override", FUNCTION_ID, "--path", "pkg/", "--expires", "2999-01-31", "--by", "Ann")
    text = (repo / "drift.lock").read_text()
    table = '[overrides."naming/function"."snake_case/declaration@python"."pkg/"]\n'
    assert table + 'severity = "off"\nexpires = 2999-01-31\nby = "Ann"\n' in text
    assert "Function naming" not in rules(repo)
    drift(repo, "lock", "validate")

    # Someone edits the lock: the override expired; the next scan takes the lock's word.
    (repo / "drift.lock").write_text(text.replace("2999-01-31", "2020-01-31"))
    drift(repo, "scan")
    assert "Function naming" in rules(repo)
    assert drift(repo, "override", "--list").stdout.endswith(
        "(expired)  [Ann, " + text[-11:-1] + "]\n"
    )

    # Someone removes it from the lock: gone from the database too.
    (repo / "drift.lock").write_text(text[: text.index("[overrides.")])
    drift(repo, "scan")
    assert drift(repo, "override", "--list").stdout == "no overrides\n"

    drift(repo, "override", "naming/function", "--path", "gone/")
    done = drift(repo, "lock", "validate", expect=1)
    assert done.stdout.splitlines() == [
        "override naming/function snake_case/declaration@python in gone/: off: "
        "no file matches gone/"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("naming/function",), "name a RULE and a --path GLOB"),
        (("naming/nothing", "--path", "pkg/"), "no pattern or rule naming/nothing"),
        (("naming/function", "--path", "a/**/**/**/**/b"), "more than 3 wildcard runs"),
        (("naming/function", "--path", "pkg/", "--expires", "soon"), "expected a date"),
        (("naming/function", "--path", "pkg/", "--expires", "2001-01-01"), "not in the future"),
        (("--remove", "naming/function", "--path", "pkg/"), "no override of naming/function"),
        (("naming/function", "--path", "pkg/", "--severity", "loud"), "invalid choice"),
    ],
)
def test_bad_override_input_exits_2(repo: Path, args: tuple[str, ...], message: str) -> None:
    assert message in drift(repo, "override", *args, expect=2).stderr


OVERRIDES = 9  # migrations/drift/0009_scoped_overrides


def test_the_overrides_migration_goes_down_and_up(repo: Path) -> None:
    conn = apsw.Connection(str(db_path(repo)))
    migrate(conn, "drift", OVERRIDES - 1)
    conn.execute(
        "INSERT INTO pattern_variants (pattern_id, scope, scope_path, severity) "
        "VALUES (?, 'directory', 'pkg', 'error')",
        (FUNCTION_ID,),
    )
    migrate(conn, "drift", OVERRIDES)
    assert conn.execute(
        "SELECT detector_id, convention_key, scope, scope_path, severity FROM pattern_variants"
    ).fetchall() == [
        ("naming/function", "snake_case/declaration@python", "directory", "pkg", "error")
    ]
    conn.close()
    with Workspace.open(repo) as workspace:
        assert {v.severity for v in workspace.check_text(repo / "pkg/deviant.py", (
            repo / "pkg/deviant.py").read_text()) if v.detector_id == "naming/function"} == {
            "error"}  # fmt: skip
        pattern = workspace.pattern(FUNCTION_ID)
        workspace.set_override([pattern], "pkg/", "off", by="Ann")
    conn = apsw.Connection(str(db_path(repo)))
    migrate(conn, "drift", OVERRIDES - 1)  # the glob override has no place in the old table
    assert conn.execute("SELECT scope, scope_path FROM pattern_variants").fetchall() == [
        ("directory", "pkg")
    ]
    migrate(conn, "drift")
    conn.close()

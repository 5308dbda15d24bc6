"""drift.lock end to end, in real git repositories: decisions and overrides travel through
git to a teammate's clone, branches deciding different rules merge cleanly, and `drift lock
validate` answers CI with 0, 1 or 2."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from support import SMALL_REPO_LEARNING, python_repo
from support.cli import commit_all, drift, git

FUNCTION = ("naming/function", "snake_case/declaration@python")
PARAMETER = ("naming/parameter", "snake_case/declaration@python")
BREADTH = ("errors/breadth", "specific/conditional@python")


def clone(origin: Path, target: Path, user: str) -> Path:
    git(origin.parent, "clone", "-q", str(origin), str(target))
    git(target, "config", "user.name", user)
    git(target, "config", "user.email", f"{user.lower()}@example.com")
    return target


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare repository holding a small Python project with known conventions."""
    work = python_repo(tmp_path / "work")
    (work / "drift.config.json").write_text(
        json.dumps({"learning": {"autoApproveThreshold": 0.8, **SMALL_REPO_LEARNING}})
    )
    (work / ".gitignore").write_text(".drift/\n")
    git(work, "init", "-q", "-b", "main")
    git(work, "config", "user.name", "Setup")
    git(work, "config", "user.email", "setup@example.com")
    commit_all(work, "project")
    git(tmp_path, "clone", "-q", "--bare", str(work), str(tmp_path / "origin.git"))
    return tmp_path / "origin.git"


def check(root: Path) -> list[dict]:
    done = drift(root, "check", "pkg", "--format", "json", "--fail-on", "hint", expect=1)
    return json.loads(done.stdout)


def locked(root: Path) -> dict[tuple[str, str], dict]:
    data = tomllib.loads((root / "drift.lock").read_text())
    return {
        (rule, pattern): fields
        for rule, patterns in data["conventions"].items()
        for pattern, fields in patterns.items()
    }


def test_a_teammate_pulls_the_lock_and_sees_the_same_conventions(origin: Path) -> None:
    ann = clone(origin, origin.parent / "ann", "Ann")
    bob = clone(origin, origin.parent / "bob", "Bob")
    drift(bob, "scan")
    before = check(bob)
    assert any(v["actual"] == "camelCase" for v in before)

    drift(ann, "scan")
    drift(ann, "lock")
    drift(ann, "ignore", FUNCTION[0])  # who: git's user.name
    drift(ann, "approve", BREADTH[0], "--by", "Ann Lee")
    drift(ann, "override", "naming/variable", "--path", "pkg/deviant.py", "--severity", "error")
    entries = locked(ann)
    assert entries[FUNCTION] | {"at": None} == {"status": "ignored", "by": "Ann", "at": None}
    assert entries[BREADTH]["status"] == "approved" and entries[BREADTH]["by"] == "Ann Lee"
    assert entries[PARAMETER]["by"] == "drift"  # learning approved it; the lock pins it
    commit_all(ann, "Drift: ignore function naming, approve specific excepts")
    git(ann, "push", "-q", "origin", "main")
    expected = check(ann)
    assert expected != before
    variables = [v for v in expected if v["message"].startswith("Local variable naming")]
    assert [v["severity"] for v in variables] == ["error"]

    git(bob, "pull", "-q", "--ff-only")
    # Writing the lock first takes in the pulled one: Bob's older decisions don't win.
    assert drift(bob, "lock").stdout.startswith("unchanged: drift.lock")
    assert git(bob, "status", "--porcelain") == ""
    scanned = drift(bob, "scan")
    assert "no longer shown" not in scanned.stdout
    assert check(bob) == expected


def test_branches_deciding_different_rules_merge_without_conflict(origin: Path) -> None:
    ann = clone(origin, origin.parent / "ann", "Ann")
    drift(ann, "scan")
    drift(ann, "lock")
    commit_all(ann, "lock")
    git(ann, "checkout", "-q", "-b", "names")
    drift(ann, "ignore", FUNCTION[0])
    commit_all(ann, "ignore function naming")
    git(ann, "checkout", "-q", "main")
    drift(ann, "scan")  # the lock on main again: function naming is approved once more
    # The tables next to the other branch's: parameter naming's, and a new one for breadth.
    drift(ann, "ignore", PARAMETER[0])
    drift(ann, "approve", BREADTH[0])
    commit_all(ann, "ignore parameter naming, approve specific excepts")

    git(ann, "merge", "-q", "--no-edit", "names")

    entries = locked(ann)
    assert [entries[key]["status"] for key in (FUNCTION, PARAMETER, BREADTH)] == [
        "ignored", "ignored", "approved"]  # fmt: skip
    drift(ann, "scan")
    assert drift(ann, "lock", "validate").returncode == 0
    actual = {v["actual"] for v in check(ann)}
    assert "camelCase" in actual  # variable naming: still approved
    names = {v["message"].split(":")[0] for v in check(ann)}
    assert not names & {"Function naming", "Parameter naming"}


def test_validate_agrees_then_lists_each_disagreement(origin: Path) -> None:
    ann = clone(origin, origin.parent / "ann", "Ann")
    drift(ann, "scan")
    drift(ann, "ignore", FUNCTION[0])
    drift(ann, "lock")
    assert drift(ann, "lock", "validate").stdout.strip() == "drift.lock agrees with the code"

    # A convention learning approves that the lock does not decide (someone edited it out).
    text = (ann / "drift.lock").read_text()
    table = '[conventions."logging/logger_name"."dunder_name/call@python"]\n'
    start = text.index(table)
    (ann / "drift.lock").write_text(text[:start] + text[text.index("\n\n", start) + 2 :])
    done = drift(ann, "lock", "validate", expect=1)
    assert done.stdout.splitlines() == [
        "logging/logger_name dunder_name/call@python: learned with high confidence (0.93) and "
        "enforced, but the lock does not decide it"
    ]
    drift(ann, "lock")

    # The code changes: one module is left, too little to learn any convention from.
    for name in ("mod_2", "mod_3", "mod_4", "deviant"):
        (ann / f"pkg/{name}.py").unlink()
    scanned = drift(ann, "scan")
    assert "naming/function snake_case/declaration@python" in scanned.stdout
    done = drift(ann, "lock", "validate", expect=1)
    lines = done.stdout.splitlines()
    assert (
        "naming/function snake_case/declaration@python: ignored in the lock, but the code no "
        "longer shows it"
    ) in lines
    assert len(lines) == len(locked(ann))
    # A person's decision stays until pruned; learning's own approvals are re-pinned.
    drift(ann, "lock", "--prune")
    assert locked(ann) == {}
    drift(ann, "lock", "validate")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('status = "ignored"', 'status = "maybe"'),
         'drift.lock:4: conventions."naming/function"."snake_case/declaration@python".status: '
         "expected one of approved, ignored, found 'maybe'"),
        (lambda t: t.replace('by = "Ann"', 'by = "Ann'), "drift.lock:5: not valid TOML"),
        (lambda t: t.replace("version = 1", "version = 7"),
         "drift.lock:1: version: expected version = 1, found 7"),
        (lambda t: t.replace('by = "Ann"', 'by = "Ann"\ncolour = "red"'),
         'drift.lock:6: conventions."naming/function"."snake_case/declaration@python".colour: '
         "unknown key"),
    ],
)  # fmt: skip
def test_a_malformed_lock_exits_2_naming_line_and_key(origin: Path, edit, message: str) -> None:
    ann = clone(origin, origin.parent / "ann", "Ann")
    drift(ann, "scan")
    (ann / "drift.lock").write_text("version = 1\n")
    drift(ann, "ignore", FUNCTION[0])
    assert list(locked(ann)) == [FUNCTION]  # an existing lock takes the decision only
    lock = ann / "drift.lock"
    lock.write_text(edit(lock.read_text()))
    for command in (("lock", "validate"), ("scan",), ("approve", PARAMETER[0])):
        done = drift(ann, *command, expect=2)
        assert done.stderr.startswith(f"drift: {message}"), done.stderr
    lock.unlink()
    done = drift(ann, "lock", "validate", expect=2)
    assert done.stderr == "drift: drift.lock: no such file; write one with `drift lock`\n"


def test_without_a_lock_learning_decides_its_own_approvals_again(origin: Path) -> None:
    ann = clone(origin, origin.parent / "ann", "Ann")
    drift(ann, "scan")
    drift(ann, "ignore", FUNCTION[0])
    drift(ann, "lock")
    assert "approved by drift on" in drift(ann, "show", PARAMETER[0]).stdout
    (ann / "drift.lock").unlink()
    drift(ann, "scan")
    assert "approved automatically" in drift(ann, "show", PARAMETER[0]).stdout
    assert "ignored by Ann on" in drift(ann, "show", FUNCTION[0]).stdout  # a person's stays

"""`drift check --baseline REF`: in a repository with 100 old violations, a change that adds
one reports exactly that one — across a rename and a line shift — and SARIF marks every
result new, unchanged or absent (fixed, or in a file deleted since) with a fingerprint of the
code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import SMALL_REPO_LEARNING, python_repo, write_tree
from support.cli import commit_all, drift, git, init_repo

LEGACY = '''def load_{n}():
    """Old."""
    return 1


def oldThing{n}():
    """Old."""
    return 2


def save_{n}():
    """Old."""
    return 3


def otherThing{n}():
    """Old."""
    return 4


def keep_{n}():
    """Old."""
    return 5


def drop_{n}():
    """Old."""
    return 6
'''
NEW_FUNCTION = '\n\ndef brandNew():\n    """New."""\n    return 5\n'


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Conventional modules and 50 legacy ones with two camelCase functions (of six) each,
    committed;
    function naming approved."""
    root = python_repo(tmp_path / "repo")
    write_tree(root, {f"legacy/old_{n}.py": LEGACY.format(n=n) for n in range(50)})
    (root / "drift.config.json").write_text(
        json.dumps({"learning": {"autoApproveThreshold": 0.8, **SMALL_REPO_LEARNING}})
    )
    init_repo(root)
    commit_all(root, "legacy code")
    drift(root, "scan")
    drift(root, "approve", "naming/function")
    return root


def check(root: Path, *args: str, expect: int = 1) -> list[dict]:
    done = drift(root, "check", *args, "--format", "json", "--fail-on", "hint", expect=expect)
    return json.loads(done.stdout)


def names(violations: list[dict]) -> list[str]:
    return [v["message"].rpartition(" ")[2] for v in violations]


def test_only_the_new_violation_is_reported_across_a_rename_and_a_shift(repo: Path) -> None:
    old = [v for v in check(repo, "legacy") if v["message"].startswith("Function naming")]
    assert len(old) == 100

    git(repo, "mv", "legacy/old_7.py", "legacy/renamed_7.py")
    shifted = repo / "legacy/old_3.py"
    shifted.write_text("# moved down\n" * 5 + shifted.read_text() + NEW_FUNCTION)
    fixed = repo / "legacy/old_9.py"
    fixed.write_text(fixed.read_text().replace("otherThing9", "other_thing_9"))
    (repo / "legacy/old_11.py").unlink()
    commit_all(repo, "rename, shift, one new camelCase function, one fixed, a file deleted")

    assert names(check(repo, "--baseline", "HEAD~1")) == ["'brandNew'"]
    text = drift(repo, "check", "--baseline", "HEAD~1", expect=0).stdout.splitlines()
    assert text[0].startswith("legacy/old_3.py:36:5: warning: Function naming")
    assert text[-1].startswith("new since HEAD~1 (")
    assert text[-1].endswith("; 5 unchanged, 3 fixed since")
    # Nothing changed since HEAD: nothing is new.
    assert check(repo, "--baseline", "HEAD", expect=0) == []

    done = drift(repo, "check", "--baseline", "HEAD~1", "--format", "sarif")
    results = json.loads(done.stdout)["runs"][0]["results"]
    states = sorted(
        (r["baselineState"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in results
    )
    assert states == [
        *[("absent", "legacy/old_11.py")] * 2,
        ("absent", "legacy/old_9.py"),
        ("new", "legacy/old_3.py"),
        *[("unchanged", "legacy/old_3.py")] * 2,
        *[("unchanged", "legacy/old_9.py")],
        *[("unchanged", "legacy/renamed_7.py")] * 2,
    ]
    assert all(len(r["partialFingerprints"]["driftCode/v1"]) == 16 for r in results)


def test_uncommitted_work_is_compared_with_head(repo: Path) -> None:
    (repo / "legacy/old_1.py").write_text(LEGACY.format(n=1) + NEW_FUNCTION)
    write_tree(repo, {"legacy/brand_new.py": 'def anotherNew():\n    """New."""\n'})
    assert sorted(names(check(repo, "--baseline", "HEAD"))) == ["'anotherNew'", "'brandNew'"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--baseline", "no-such-ref"), "'no-such-ref' is not a commit"),
        (("--baseline", "HEAD", "--fix"), "does not combine with --fix"),
    ],
)
def test_a_baseline_that_cannot_be_used_exits_2(repo: Path, args, message: str) -> None:
    assert message in drift(repo, "check", *args, expect=2).stderr


def test_the_default_baseline_is_the_merge_base_with_main(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "legacy/old_2.py").write_text(LEGACY.format(n=2) + NEW_FUNCTION)
    commit_all(repo, "feature work")
    assert names(check(repo, "--baseline")) == ["'brandNew'"]


def test_outside_git_a_baseline_is_refused(tmp_path: Path) -> None:
    root = python_repo(tmp_path / "plain")
    drift(root, "scan")
    assert "not in a git repository" in drift(root, "check", "--baseline", expect=2).stderr

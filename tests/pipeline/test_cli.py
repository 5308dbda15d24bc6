"""The analysis commands as a user or a CI job runs them: scan, patterns, show, approve,
ignore, examples, check (text, JSON, SARIF, exit codes) and config errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import SMALL_REPO_LEARNING

from drift_lsp.cli import main
from storage.repositories.patterns import pattern_id_of

FUNCTION_NAMING = pattern_id_of("naming/function", "snake_case/declaration@python")
VIOLATION_KEYS = {
    "id", "patternId", "severity", "message", "file", "range", "expected", "actual",
    "quickFixes",
}  # fmt: skip


def drift(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


def out_json(capsys: pytest.CaptureFixture[str], code: int, expected_code: int = 0):
    assert code == expected_code, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def repo(py_repo: Path, capsys) -> Path:
    (py_repo / "drift.config.json").write_text(
        json.dumps({"learning": {"autoApproveThreshold": 0.8, **SMALL_REPO_LEARNING}})
    )
    summary = out_json(capsys, drift(py_repo, "scan", "--json"))
    assert (summary["kind"], summary["status"], summary["files_scanned"]) == (
        "incremental", "completed", 5)  # fmt: skip
    return py_repo


def test_patterns_show_and_decisions(repo: Path, capsys) -> None:
    rows = out_json(capsys, drift(repo, "patterns", "--category", "naming", "--json"))
    assert FUNCTION_NAMING in {r["id"] for r in rows}
    assert {r["category"] for r in rows} == {"naming"}
    shown = out_json(capsys, drift(repo, "show", FUNCTION_NAMING, "--json"))
    assert (shown["value"], shown["context"], shown["status"]) == (
        "snake_case", "declaration", "approved")  # fmt: skip
    assert (shown["location_count"], shown["outlier_count"]) == (9, 1)
    # The convention key, also under the name older `--json` readers know it by.
    assert shown["convention_key"] == shown["pattern_id"] == "snake_case/declaration@python"

    assert drift(repo, "ignore", FUNCTION_NAMING) == 0
    assert "1 pattern(s) ignored" in capsys.readouterr().out
    ignored = out_json(capsys, drift(repo, "patterns", "--status", "ignored", "--json"))
    assert [r["id"] for r in ignored] == [FUNCTION_NAMING]
    assert drift(repo, "approve", FUNCTION_NAMING) == 0
    capsys.readouterr()

    with pytest.raises(SystemExit) as exited:
        drift(repo, "show", "0" * 16)
    assert exited.value.code == 2
    assert "no pattern" in capsys.readouterr().err


def test_examples_come_from_the_codebase(repo: Path, capsys) -> None:
    examples = out_json(capsys, drift(repo, "examples", FUNCTION_NAMING, "--json"))
    assert examples and all(e["file"].startswith("pkg/mod_") for e in examples)
    assert all("def " in e["code"] for e in examples)


def test_check_json_lists_violations_exactly(repo: Path, capsys) -> None:
    deviant = str(repo / "pkg/deviant.py")
    violations = out_json(capsys, drift(repo, "check", deviant, "--format", "json"))
    naming = [v for v in violations if v["patternId"] == FUNCTION_NAMING]
    assert [set(v) for v in violations] == [VIOLATION_KEYS] * len(violations)
    assert naming == [
        {
            "id": naming[0]["id"],
            "patternId": FUNCTION_NAMING,
            "severity": "warning",
            "message": "Function naming: expected snake_case, found camelCase 'fetchRemote'",
            "file": "pkg/deviant.py",
            "range": {"start": {"line": 5, "character": 4}, "end": {"line": 5, "character": 15}},
            "expected": "snake_case",
            "actual": "camelCase",
            # A module function is used from other files: no in-file rename is safe.
            "quickFixes": [],
        }
    ]


def test_check_exit_code_follows_fail_on(repo: Path, capsys, monkeypatch) -> None:
    deviant = str(repo / "pkg/deviant.py")
    assert drift(repo, "check", deviant) == 0, "warnings do not fail the default (error)"
    assert drift(repo, "check", deviant, "--fail-on", "warning") == 1
    assert drift(repo, "check", str(repo / "pkg/mod_1.py"), "--fail-on", "hint") == 0
    monkeypatch.setenv("DRIFT_CI_FAIL_ON", "warning")
    assert drift(repo, "check", deviant) == 1
    assert "violation(s)" in capsys.readouterr().out


def test_check_sarif_is_sarif_2_1_0(repo: Path, capsys) -> None:
    log = out_json(capsys, drift(repo, "check", str(repo / "pkg"), "--format", "sarif"))
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "drift" and driver["version"]
    rules = driver["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    assert run["results"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("none", "note", "warning", "error")
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert not Path(physical["artifactLocation"]["uri"]).is_absolute()
        region = physical["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (
            region["startLine"], region["startColumn"])  # fmt: skip


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ('{"learning": {"minOccurrences": "three"}}', "learning.minOccurrences"),
        ('{"ci": {"failOn": "sometimes"}}', "ci.failOn"),
        ('{"performance": {"maxWorkers": -1}}', "performance.maxWorkers"),
        ("{not json", "drift.config.json"),
    ],
)
def test_invalid_config_is_a_usage_error_naming_the_key(
    py_repo: Path, capsys, config: str, named: str
) -> None:
    (py_repo / "drift.config.json").write_text(config)
    with pytest.raises(SystemExit) as exited:
        drift(py_repo, "scan")
    assert exited.value.code == 2
    assert named in capsys.readouterr().err
    assert not (py_repo / ".drift/drift.db").exists(), "nothing is written for a bad config"


def test_output_into_a_closed_pipe_is_not_a_traceback(repo: Path) -> None:
    """`drift show ID | head -1`: the reader is gone before drift writes."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "drift_lsp.cli", "--root", str(repo), "show", FUNCTION_NAMING],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in completed.stderr
    assert completed.returncode == 141


def test_a_config_of_an_older_drift_loads_with_a_warning(py_repo: Path) -> None:
    # `ai` and `performance.cacheEnabled` were settings nothing read; old files keep them.
    old = {"ai": {"provider": "none"}, "performance": {"cacheEnabled": True, "readers": 3}}
    (py_repo / "drift.config.json").write_text(json.dumps(old))
    run = [sys.executable, "-m", "drift_lsp.cli", "--root", str(py_repo)]
    scanned = subprocess.run([*run, "scan"], capture_output=True, text=True, timeout=120)
    assert scanned.returncode == 0, scanned.stderr
    assert "ai is not a Drift setting; ignored" in scanned.stderr
    assert "performance.cacheEnabled is not a Drift setting; ignored" in scanned.stderr
    status = subprocess.run(
        [*run, "status", "--storage", "--json"], capture_output=True, text=True, timeout=60
    )
    assert json.loads(status.stdout)["storage"]["readers"] == 3, "performance.readers is used"


@pytest.mark.parametrize(
    ("retention", "named"),
    [
        ({"scans": {"max_rows": 1}}, "unknown table 'scans'"),
        (
            {"scan_history": {"max_rows": 2.5}},
            "retention.scan_history.max_rows: expected an integer",
        ),
        ({"scan_history": {"keep": 1}}, "retention.scan_history: unknown key 'keep'"),
        ({"scan_history": 5}, "retention: expected an object of tables"),
    ],
)
def test_invalid_retention_settings_name_the_key(
    py_repo: Path, capsys, retention: dict, named: str
) -> None:
    (py_repo / "drift.config.json").write_text(json.dumps({"retention": retention}))
    with pytest.raises(SystemExit):
        drift(py_repo, "scan")
    assert named in capsys.readouterr().err


def test_rules_are_named_by_their_code_and_explained(repo: Path, capsys) -> None:
    assert drift(repo, "show", "naming/function") == 0
    shown = capsys.readouterr().out
    assert shown.startswith(FUNCTION_NAMING)
    assert "naming/function (Function naming) in python: 'snake_case' for declaration" in shown
    assert "approved automatically (score" in shown and "most deviations:" in shown
    assert "pkg/deviant.py: 1" in shown
    assert drift(repo, "ignore", "naming/function") == 0
    assert "1 pattern(s) ignored" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="2"):
        drift(repo, "show", "naming/nothing")
    assert "no pattern or rule naming/nothing" in capsys.readouterr().err


def test_check_names_the_rule(repo: Path, capsys) -> None:
    drift(repo, "check", "pkg/deviant.py")
    assert "[naming/function]" in capsys.readouterr().out


def test_scan_names_what_it_approved_automatically_once(py_repo: Path, capsys) -> None:
    (py_repo / "drift.config.json").write_text(
        json.dumps({"learning": {"autoApproveThreshold": 0.8, **SMALL_REPO_LEARNING}})
    )
    assert drift(py_repo, "scan") == 0
    first = capsys.readouterr().out
    assert "Approved automatically (score >= 0.80), now enforced:" in first
    assert "  naming/function          'snake_case' for declaration in python" in first
    assert "drift ignore RULE" in first and '"autoApprove": false' in first
    assert drift(py_repo, "scan") == 0
    assert "Approved automatically" not in capsys.readouterr().out

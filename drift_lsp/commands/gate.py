"""`drift gate` (the CI policy of drift.config.json against a baseline, each run recorded) and
`drift trends` (health over time, and the gate runs)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from drift_lsp.analysis.baseline import Compared
from drift_lsp.analysis.gate import Policy, Regression, evaluate, regressions
from drift_lsp.analysis.git import git
from drift_lsp.commands import report
from drift_lsp.commands.history import print_trends
from drift_lsp.commands.scan import (
    checked_files,
    open_workspace,
    positive_int,
    resolve_baseline_or_exit,
)
from drift_lsp.config import CiConfig
from drift_lsp.workspace import Workspace
from storage.repositories import gates as gates_repo

_TABLES = ("gate_runs", "gate_snapshots")


def register(subparsers: argparse._SubParsersAction) -> None:
    gate = subparsers.add_parser(
        "gate",
        help="apply the ci policy of drift.config.json to the changes since a baseline; "
        "exit 1 when it fails",
    )
    gate.add_argument(
        "--baseline",
        default="",
        metavar="REF",
        help="the git commit new violations are counted against (default: the merge base "
        "with the default branch)",
    )
    gate.add_argument("--json", action="store_true", help="print the result as JSON")
    # Exit 1 says the policy failed, so a workspace never scanned is bad input instead.
    gate.set_defaults(handler=_gate, no_scan_exit=2)

    trends = subparsers.add_parser("trends", help="health over time, and the gate runs")
    trends.add_argument("--limit", type=positive_int, default=30, help="rows of each (30)")
    trends.add_argument("--json", action="store_true")
    trends.set_defaults(handler=_trends)


def policy_of(ci: CiConfig) -> Policy:
    return Policy(ci.fail_on, ci.max_new, ci.min_health, ci.categories)


def _head(root: Path) -> tuple[str, str | None]:
    """(branch, commit) checked out; a detached HEAD (as CI checks out) has no branch name."""
    branch = (git(root, "rev-parse", "--abbrev-ref", "HEAD") or b"").decode().strip()
    commit = (git(root, "rev-parse", "HEAD") or b"").decode().strip() or None
    return ("" if branch == "HEAD" else branch), commit


def _in_ci() -> bool:
    # CI services set CI=true (GitHub, GitLab, CircleCI, Travis…); CI=false says "not CI".
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _regressions(
    workspace: Workspace, branch: str
) -> tuple[list[dict[str, Any]], list[Regression]]:
    """Each pattern's numbers now, and the approved ones whose compliance fell since the last
    gate run on the branch."""

    def read(conn):
        return gates_repo.latest_snapshot(conn, branch), gates_repo.pattern_snapshot(conn)

    previous, patterns = workspace.db.read("gate_snapshot", read)
    before = previous["data"].get("patterns", []) if previous else []
    return patterns, regressions(before, patterns)


def _gate(args: argparse.Namespace) -> int:
    with open_workspace(args) as workspace:
        baseline = resolve_baseline_or_exit(workspace, args.baseline)
        assert baseline is not None  # a ref is always given: "" is the merge base
        new = [v for *_, found in checked_files(workspace, [], baseline, Compared()) for v in found]
        new.sort(key=report.sort_key)
        policy = policy_of(workspace.config.ci)
        health = float(workspace.status().get("health_score", 100.0))
        verdict = evaluate(policy, new, health)
        branch, commit = _head(workspace.root)
        patterns, fell = _regressions(workspace, branch)
        policy_json = policy.to_json()
        run = gates_repo.GateRun(
            branch=branch,
            commit_sha=commit,
            policy_id=hashlib.sha256(json.dumps(policy_json).encode()).hexdigest()[:16],
            passed=verdict.passed,
            score=health,
            violation_count=len(new),
            ci=_in_ci(),
            gates=verdict.gates_json(),
            data={
                "policy": policy_json,
                "baseline": {"ref": baseline.ref, "commit": baseline.commit},
                "counted": verdict.counted,
                "regressions": [asdict(r) for r in fell],
            },
        )
        run_id = workspace.db.write(
            lambda c: gates_repo.record(c, run, health, patterns), tables=_TABLES
        )
    if args.json:
        print(json.dumps({
            "passed": verdict.passed,
            "runId": run_id,
            "baseline": run.data["baseline"],
            "health": health,
            "policy": policy_json,
            "gates": verdict.gates_json(),
            "newViolations": [v.to_json() for v in new],
            "regressions": run.data["regressions"],
        }, indent=2))  # fmt: skip
        return int(not verdict.passed)
    outcome = "passed" if verdict.passed else "FAILED"
    print(
        f"drift gate {outcome}: {len(new)} new violation(s) since {baseline.ref} "
        f"({baseline.commit[:12]}), {verdict.counted} at {policy.fail_on} or worse; "
        f"health {health:g}"
    )
    for gate in verdict.gates:
        print(f"  {gate.line()}")
    if fell:
        print(f"compliance fell since the last gate run on {branch or 'this commit'}:")
        for regression in fell:
            print(f"  {regression.line()}")
    if new:
        report.print_text(new, colour=report.use_colour("auto", sys.stdout))
    return int(not verdict.passed)


def _trends(args: argparse.Namespace) -> int:
    with open_workspace(args) as workspace:
        health = workspace.db.read("health_trend", lambda c: gates_repo.health_trend(c, args.limit))
        runs = workspace.db.read("gate_runs", lambda c: gates_repo.runs(c, args.limit))
    if args.json:
        print(json.dumps({"health": health, "gateRuns": runs}, indent=2))
        return 0
    print_trends(health, runs, plot=sys.stdout.isatty())
    return 0

"""Quality-gate runs and their snapshots (`drift gate`), and the health over time that
`drift trends` reads. Runs imported from Drift v1 share the tables (source 'drift v1')."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import apsw

_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


@dataclass(frozen=True)
class GateRun:
    branch: str
    commit_sha: str | None
    policy_id: str
    passed: bool
    score: float
    violation_count: int
    ci: bool
    gates: list[dict[str, Any]]
    data: dict[str, Any]  # the policy and the baseline, as the run saw them


def pattern_snapshot(conn: apsw.Connection) -> list[dict[str, Any]]:
    """Per pattern: its confidence, how many locations follow it and how many deviate."""
    return [
        {
            "id": pattern_id,
            "rule": detector_id,
            "status": status,
            "confidence": confidence,
            "locations": locations,
            "outliers": outliers,
            "compliance": round((locations - outliers) / locations, 4) if locations else 1.0,
        }
        for pattern_id, detector_id, status, confidence, locations, outliers in conn.execute(
            "SELECT id, detector_id, status, confidence_score, location_count, outlier_count "
            "FROM patterns ORDER BY id"
        )
    ]


def record(
    conn: apsw.Connection, run: GateRun, health: float | None, patterns: list[dict[str, Any]]
) -> str:
    """Write the run and its snapshot of every pattern (`pattern_snapshot`); returns the
    run's id."""
    run_id = uuid.uuid4().hex
    conn.execute(
        "INSERT INTO gate_runs (id, ran_at, branch, commit_sha, policy_id, passed, score, "
        f"violation_count, source, data, ci, gates) VALUES (?, {_NOW}, ?, ?, ?, ?, ?, ?, "
        "'drift', ?, ?, ?)",
        (
            run_id,
            run.branch,
            run.commit_sha,
            run.policy_id,
            int(run.passed),
            run.score,
            run.violation_count,
            json.dumps(run.data),
            int(run.ci),
            json.dumps(run.gates),
        ),
    )
    conn.execute(
        "INSERT INTO gate_snapshots (id, branch, commit_sha, taken_at, health_score, source, "
        f"data, run_id) VALUES (?, ?, ?, {_NOW}, ?, 'drift', ?, ?)",
        (
            uuid.uuid4().hex,
            run.branch,
            run.commit_sha,
            health,
            json.dumps({"patterns": patterns}),
            run_id,
        ),
    )
    return run_id


_RUN_COLUMNS = ("id", "ran_at", "branch", "commit_sha", "policy_id", "passed", "score",
                "violation_count", "ci", "gates", "source", "data")  # fmt: skip
_HEALTH_COLUMNS = ("recorded_at", "health_score", "total_patterns", "approved",
                   "total_locations", "total_outliers")  # fmt: skip


def _rows(conn: apsw.Connection, names: tuple[str, ...], sql: str, *params: Any) -> list[dict]:
    return [dict(zip(names, row, strict=True)) for row in conn.execute(sql, params)]


def _newest(
    conn: apsw.Connection, table: str, names: tuple[str, ...], order: str, limit: int
) -> list[dict[str, Any]]:
    """The newest `limit` rows of `table` by `order` (its columns, descending), oldest first."""
    sql = f"SELECT {', '.join(names)} FROM {table} ORDER BY {order} LIMIT ?"
    return _rows(conn, names, sql, limit)[::-1]


def runs(conn: apsw.Connection, limit: int = 50) -> list[dict[str, Any]]:
    """The newest gate runs, oldest first; `gates` and `data` decoded."""
    found = _newest(conn, "gate_runs", _RUN_COLUMNS, "ran_at DESC, id DESC", limit)
    for row in found:
        row["gates"], row["data"] = json.loads(row["gates"]), json.loads(row["data"])
    return found


def _snapshot(conn: apsw.Connection, where: str, *params: Any) -> dict[str, Any] | None:
    names = ("id", "run_id", "branch", "taken_at", "health_score", "data")
    found = _rows(
        conn,
        names,
        f"SELECT {', '.join(names)} FROM gate_snapshots WHERE {where} "
        "ORDER BY taken_at DESC, id DESC LIMIT 1",
        *params,
    )
    if not found:
        return None
    found[0]["data"] = json.loads(found[0]["data"])
    return found[0]


def snapshot_of(conn: apsw.Connection, run_id: str) -> dict[str, Any] | None:
    return _snapshot(conn, "run_id = ?", run_id)


def latest_snapshot(conn: apsw.Connection, branch: str) -> dict[str, Any] | None:
    """The newest snapshot `drift gate` took on the branch (v1's hold no pattern list)."""
    return _snapshot(conn, "branch = ? AND source = 'drift'", branch)


def compliance_history(conn: apsw.Connection, pattern_id: str) -> list[tuple[str, float]]:
    """(taken_at, compliance) of the pattern in each gate snapshot that holds it, oldest first."""
    return conn.execute(
        "SELECT s.taken_at, json_extract(p.value, '$.compliance') FROM gate_snapshots s, "
        "json_each(s.data, '$.patterns') p WHERE s.source = 'drift' "
        "AND json_extract(p.value, '$.id') = ? ORDER BY s.taken_at, s.id",
        (pattern_id,),
    ).fetchall()


def health_trend(conn: apsw.Connection, limit: int = 50) -> list[dict[str, Any]]:
    """The newest health_trends rows (one per completed scan), oldest first."""
    return _newest(conn, "health_trends", _HEALTH_COLUMNS, "id DESC", limit)

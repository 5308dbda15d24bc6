"""v1's quality-gate runs, health snapshots and constraints: read from their JSON files and
turned into rows of gate_runs, gate_snapshots and constraints (the whole record kept in
`data`). Their files carry no checksum; one that can't be read is reported and skipped.

Layouts (v1 quality-gates/store/*, constraints/store/constraint-store.ts):
`quality-gates/history/runs/{id}.json` (GateRunRecord), `quality-gates/snapshots/{branch}/
{id}.json` (HealthSnapshot), `constraints/{status}/{category}.json` (ConstraintFile).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import apsw

from storage.transfer.rows import insert_row


class RecordError(ValueError):
    """Why a file is skipped."""


@dataclass(frozen=True)
class Kind:
    label: str  # for messages: "quality-gate runs"
    table: str
    glob: str
    rows: Callable[[Path, Any], list[dict[str, Any]]]


def _need(record: dict[str, Any], key: str) -> Any:
    if record.get(key) in (None, ""):
        raise RecordError(f"no `{key}`")
    return record[key]


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise RecordError("not a JSON object")
    return data


def _run_rows(path: Path, data: Any) -> list[dict[str, Any]]:
    record = _object(data)
    count = record.get("violationCount")
    return [{
        "id": str(record.get("id") or path.stem),
        "ran_at": str(_need(record, "timestamp")),
        "branch": str(record.get("branch") or ""),
        "commit_sha": record.get("commitSha"),
        "policy_id": record.get("policyId"),
        "passed": int(bool(record.get("passed"))),
        "score": _number(record.get("score")),
        "violation_count": count if isinstance(count, int) and count >= 0 else None,
        "data": json.dumps(record, ensure_ascii=False),
    }]  # fmt: skip


def _snapshot_rows(path: Path, data: Any) -> list[dict[str, Any]]:
    record = _object(data)
    return [{
        "id": str(record.get("id") or path.stem),
        "branch": str(record.get("branch") or path.parent.name),
        "commit_sha": record.get("commitSha"),
        "taken_at": str(_need(record, "timestamp")),
        "health_score": _number(record.get("healthScore")),
        "data": json.dumps(record, ensure_ascii=False),
    }]  # fmt: skip


def _constraint_rows(path: Path, data: Any) -> list[dict[str, Any]]:
    constraints = _object(data).get("constraints")
    if not isinstance(constraints, list):
        raise RecordError("no `constraints` list")
    found = []
    for item in constraints:
        constraint = _object(item)
        found.append({
            "id": str(_need(constraint, "id")),
            "name": str(constraint.get("name") or constraint["id"]),
            "category": str(constraint.get("category") or data.get("category") or path.stem),
            "status": str(constraint.get("status") or data.get("status") or path.parent.name),
            "language": constraint.get("language"),
            "data": json.dumps(constraint, ensure_ascii=False),
        })  # fmt: skip
    return found


KINDS = (
    Kind("quality-gate runs", "gate_runs", "quality-gates/history/runs/*.json", _run_rows),
    Kind("quality-gate snapshots", "gate_snapshots", "quality-gates/snapshots/*/*.json",
         _snapshot_rows),
    Kind("constraints", "constraints", "constraints/*/*.json", _constraint_rows),
)  # fmt: skip


def read(kind: Kind, path: Path) -> list[dict[str, Any]]:
    """The rows one file holds; RecordError says why it can't be used."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordError(f"not readable JSON ({exc})") from exc
    return kind.rows(path, data)


def write(conn: apsw.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert or, for an id already there (a re-run), replace."""
    for row in rows:
        conn.execute(f"DELETE FROM {table} WHERE id = ?", (row["id"],))
        insert_row(conn, table, row)

"""How `drift trends` and `drift show RULE --history` print: rows of numbers over time, and a
sparkline of them where a terminal shows one."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """One bar per value, scaled between the lowest and the highest so a small move shows;
    flat values are a flat line of middle bars."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return BARS[len(BARS) // 2] * len(values)
    top = len(BARS) - 1
    return "".join(BARS[round((v - low) / (high - low) * top)] for v in values)


def _moved(values: Sequence[float], unit: str = "") -> str:
    return f"{values[0]:g}{unit} -> {values[-1]:g}{unit}" if values else "no data"


def print_trends(health: list[dict[str, Any]], runs: list[dict[str, Any]], *, plot: bool) -> None:
    scores = [row["health_score"] for row in health]
    print(f"health over the last {len(health)} scan(s): {_moved(scores)}")
    if plot and scores:
        print(f"  {sparkline(scores)}")
    for row in health:
        print(
            f"  {row['recorded_at']}  health {row['health_score']:g}  "
            f"{row['total_patterns']} patterns, {row['approved']} approved, "
            f"{row['total_outliers']} of {row['total_locations']} locations deviate"
        )
    print(f"gate runs: {len(runs)}, {sum(1 for r in runs if not r['passed'])} failed")
    scored = [r["score"] for r in runs if r["score"] is not None]
    if plot and scored:
        print(f"  {sparkline(scored)}")
    for run in runs:
        outcome = "pass" if run["passed"] else "FAIL"
        where = " ".join(filter(None, (run["branch"], (run["commit_sha"] or "")[:12])))
        score = "-" if run["score"] is None else f"{run['score']:g}"
        ci = ", ci" if run["ci"] else ""
        print(
            f"  {run['ran_at']}  {outcome}  score {score}  {run['violation_count']} new  "
            f"{where or '(no branch)'}{ci}"
        )


def _event(event: dict[str, Any]) -> str:
    action, old, new, by = event["action"], event["from"], event["to"], event["by"]
    if action == "created":
        score = (new or {}).get("score")
        return f"learned ({(new or {}).get('status')}, score {score:.2f})" if score is not None \
            else "learned"  # fmt: skip
    if action in ("approved", "ignored"):
        return f"{action} by {by}"
    if action == "deleted":
        return "forgotten (the code no longer shows it)"
    changes = [f"{key} {(old or {}).get(key)} -> {value}" for key, value in (new or {}).items()]
    return f"{action}: {', '.join(changes)}"


def history_json(rows: list[tuple], compliance: list[tuple[str, float]]) -> dict[str, Any]:
    return {
        "events": [
            {
                "at": at,
                "action": action,
                "by": by,
                "from": json.loads(old) if old else None,
                "to": json.loads(new) if new else None,
            }
            for _id, action, old, new, at, by in rows
        ],
        "compliance": [{"at": at, "compliance": value} for at, value in compliance],
    }


def print_history(data: dict[str, Any], *, plot: bool) -> None:
    """The events of a pattern (learned, approved by whom, score moves), then its compliance
    as each gate run saw it."""
    print("history:")
    for event in data["events"]:
        print(f"  {event['at']}  {_event(event)}")
    shares = [round(100 * row["compliance"], 1) for row in data["compliance"]]
    print(f"compliance at {len(shares)} gate run(s): {_moved(shares, '%')}")
    if plot and shares:
        print(f"  {sparkline(shares)}")

"""One v1 pattern as the rows drift.db holds: the pattern, its locations and deviations, the
decision a person made on it, and a history entry saying where it came from.

v1's categories differ from ours and it had no `naming` category: naming sat under
`structural` with subcategory `naming-conventions`. Its lines and columns are 1-based, ours
0-based. Its `spread` was sometimes a file count rather than a share; shares are clamped to
0..1 so the row is valid.
"""

from __future__ import annotations

import json
from typing import Any

from storage.repositories.patterns import pattern_id_of
from storage.v1.layout import V1Pattern

_CATEGORIES = {
    "structural": "structure", "components": "structure", "styling": "style",
    "api": "structure", "auth": "security", "errors": "errors", "data-access": "structure",
    "testing": "tests", "logging": "logging", "security": "security", "config": "config",
    "types": "types", "performance": "performance", "accessibility": "style",
    "documentation": "documentation",
}  # fmt: skip
_METHODS = ("ast", "regex", "semantic", "structural", "custom")
_SEVERITIES = ("error", "warning", "info", "hint")
_LEVELS = ("high", "medium", "low", "uncertain")


def category_of(category: str, subcategory: str) -> str:
    # The two subcategories v1's detectors document (base-detector.ts) for what we file
    # under a category of its own.
    if subcategory == "naming-conventions":
        return "naming"
    if subcategory.startswith("import"):
        return "imports"
    return _CATEGORIES.get(category, "structure")


def _unit(value: Any) -> float:
    try:
        return min(1.0, max(0.0, float(value)))
    except (TypeError, ValueError):
        return 0.0


def _level(score: float) -> str:
    # ARCHITECTURE.md's bands, for a v1 file that does not say.
    for level, floor in (("high", 0.85), ("medium", 0.70), ("low", 0.50)):
        if score >= floor:
            return level
    return "uncertain"


def _base0(value: Any) -> int:
    return max(0, int(value) - 1) if isinstance(value, int | float) else 0


def _location(raw: dict[str, Any], outlier: bool) -> dict[str, Any]:
    line = _base0(raw.get("line"))
    column = _base0(raw.get("column"))
    end_line = max(line, _base0(raw.get("endLine", raw.get("line"))))
    return {
        "file_path": str(raw.get("file", "")),
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": _base0(raw.get("endColumn", raw.get("column"))),
        "value": None,
        "is_outlier": int(outlier),
        "outlier_reason": str(raw.get("reason") or "deviation recorded by Drift v1")
        if outlier
        else None,
    }


def detector_of(data: dict[str, Any], category: str) -> str:
    """v1's own detector id (legacy `detector.config.detectorId`, unified `detectorId`),
    prefixed so it never collides with a detector of this Drift."""
    config = (data.get("detector") or {}).get("config") or {}
    raw = data.get("detectorId") or config.get("detectorId")
    fallback = f"{category}/{data.get('subcategory') or 'general'}"
    return f"v1/{raw or fallback}"


def rows(pattern: V1Pattern, now: str) -> dict[str, Any]:
    """{"pattern": ..., "locations": [...], "decision": ... | None, "history": ...}."""
    data = pattern.data
    metadata = data.get("metadata") or {}
    subcategory = str(data.get("subcategory") or "")
    confidence = data.get("confidence")
    parts = confidence if isinstance(confidence, dict) else {"score": confidence}
    score = _unit(parts.get("score"))
    level = parts.get("level") or data.get("confidenceLevel")
    detector_id = detector_of(data, pattern.category)
    # value/context, as every convention key: the v1 id is the value, "v1" the context.
    convention_key = f"{data['id']}/v1"
    method = data.get("detectionMethod") or (data.get("detector") or {}).get("type")
    locations = [_location(x, False) for x in data.get("locations") or [] if isinstance(x, dict)]
    outliers = [_location(x, True) for x in data.get("outliers") or [] if isinstance(x, dict)]
    first_seen = data.get("firstSeen") or metadata.get("firstSeen") or now
    row = {
        "id": pattern_id_of(detector_id, convention_key),
        "category": category_of(pattern.category, subcategory),
        "subcategory": subcategory or None,
        "name": str(data.get("name") or data["id"]),
        "description": str(data.get("description") or ""),
        "status": pattern.status,
        "detection_method": method if method in _METHODS else "custom",
        "detector_id": detector_id,
        "convention_key": convention_key,
        "confidence_frequency": _unit(parts.get("frequency")),
        "confidence_consistency": _unit(parts.get("consistency")),
        "confidence_age": _unit(parts.get("age")),
        "confidence_spread": _unit(parts.get("spread")),
        "confidence_score": score,
        "confidence_level": level if level in _LEVELS else _level(score),
        "severity": data.get("severity") if data.get("severity") in _SEVERITIES else "warning",
        "auto_fixable": int(bool(data.get("autoFixable"))),
        # Set by apply.write_patterns from the locations in files the workspace has.
        "location_count": 0,
        "outlier_count": 0,
        "first_seen": first_seen,
        "last_seen": data.get("lastSeen") or metadata.get("lastSeen") or first_seen,
        "source": "imported",
        "tags": json.dumps([str(t) for t in data.get("tags") or metadata.get("tags") or []]),
    }
    decision = None
    if pattern.status != "discovered":
        decision = {
            "pattern_id": row["id"],
            "detector_id": detector_id,
            "convention_key": convention_key,
            "decision": pattern.status,
            "decided_by": str(data.get("approvedBy") or metadata.get("approvedBy") or "drift v1"),
            "decided_at": data.get("approvedAt") or metadata.get("approvedAt") or now,
        }
    history = {
        "action": "created",
        "new_value": json.dumps(
            {
                "status": pattern.status,
                "from": "drift v1",
                "v1_id": data["id"],
                "v1_category": pattern.category,
                "file": pattern.source.name,
            }
        ),
        "actor": "drift upgrade",
    }
    return {"pattern": row, "locations": locations + outliers, "decision": decision,
            "history": history}  # fmt: skip

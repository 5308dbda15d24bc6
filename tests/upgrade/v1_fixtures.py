"""Drift v1 `.drift/` folders, written the way v1 wrote them (read from its source,
dadbodgeoff/drift: store/pattern-store.ts, patterns/impl/unified-file-repository.ts,
cli/commands/scan.ts): `JSON.stringify(file, null, 2)`, shard checksums over the compact
`patterns` array, unified checksums over the sorted ids. The data is made up here."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

NOW = "2025-06-01T10:00:00.000Z"


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), "utf-8")
    return path


def stored_pattern(
    detector_id: str, pattern_id: str, subcategory: str, name: str, *,
    score: float = 0.9, files: tuple[str, ...] = ("src/a.py",), outliers: int = 0,
    approved: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """A StoredPattern as v1's scan built one (createPattern in cli/commands/scan.ts)."""
    metadata: dict[str, Any] = {"firstSeen": NOW, "lastSeen": NOW, "source": "auto-detected",
                                "tags": [detector_id.split("/")[0], subcategory]}  # fmt: skip
    if approved:
        metadata["approvedAt"] = "2025-06-02T09:00:00.000Z"
        metadata["approvedBy"] = "alice"
    level = "high" if score >= 0.85 else "medium" if score >= 0.65 else "low"
    return {
        "id": hashlib.sha256(f"{pattern_id}-/home/alice/app".encode()).hexdigest()[:16],
        "subcategory": subcategory,
        "name": name,
        "description": f"{name} (learned by Drift v1)",
        "detector": {"type": "regex", "config": {"detectorId": detector_id, "patternId": pattern_id}},
        # v1 put a file count in `spread`.
        "confidence": {"frequency": 0.5, "consistency": 0.9, "age": 0, "spread": len(files),
                       "score": score, "level": level},
        "locations": [{"file": f, "line": 1, "column": 1} for f in files],
        "outliers": [{"file": "pkg/deviant.py", "line": 3 + n, "column": 5,
                      "reason": "Does not follow the convention", "deviationScore": 0.8}
                     for n in range(outliers)],
        "metadata": metadata,
        "severity": "warning",
        "autoFixable": False,
    }  # fmt: skip


def write_shard(drift: Path, status: str, category: str, patterns: list[dict]) -> Path:
    """`.drift/patterns/{status}/{category}.json`, a v1.0.0 PatternFile."""
    return _write(drift / "patterns" / status / f"{category}.json", {
        "version": "1.0.0", "category": category, "patterns": patterns,
        "lastUpdated": NOW, "checksum": _checksum(_compact(patterns)),
    })  # fmt: skip


def unified_entry(pattern: dict[str, Any], status: str) -> dict[str, Any]:
    """patternToEntry (unified-file-repository.ts): the stored pattern flattened, with status."""
    meta = pattern["metadata"]
    entry = {
        "id": pattern["id"], "subcategory": pattern["subcategory"], "name": pattern["name"],
        "description": pattern["description"], "status": status,
        "detectorId": pattern["detector"]["config"]["detectorId"],
        "detectorName": pattern["name"], "detectionMethod": pattern["detector"]["type"],
        "detector": pattern["detector"], "confidence": pattern["confidence"]["score"],
        "confidenceLevel": pattern["confidence"]["level"], "locations": pattern["locations"],
        "outliers": pattern["outliers"], "severity": pattern["severity"],
        "firstSeen": meta["firstSeen"], "lastSeen": meta["lastSeen"], "tags": meta["tags"],
        "autoFixable": pattern["autoFixable"], "metadata": meta,
    }  # fmt: skip
    for key in ("approvedAt", "approvedBy"):
        if key in meta:
            entry[key] = meta[key]
    return entry


def write_unified(drift: Path, category: str, entries: list[dict]) -> Path:
    """`.drift/patterns/{category}.json`, a v2.0.0 file from `drift migrate-storage`."""
    counts = {s: sum(e["status"] == s for e in entries)
              for s in ("discovered", "approved", "ignored")}  # fmt: skip
    return _write(drift / "patterns" / f"{category}.json", {
        "version": "2.0.0", "category": category, "patterns": entries, "lastUpdated": NOW,
        "checksum": _checksum(_compact(sorted(e["id"] for e in entries))),
        "patternCount": len(entries), "statusCounts": counts,
    })  # fmt: skip


def write_extras(drift: Path) -> None:
    """config.json, a GateRunRecord, a HealthSnapshot and a ConstraintFile
    (quality-gates/types.ts, constraints/types.ts)."""
    _write(drift / "config.json", {"version": "2.0.0", "project": {"name": "app"}})
    _write(drift / "quality-gates" / "history" / "runs" / "run-1.json", {
        "id": "run-1", "timestamp": NOW, "branch": "main", "commitSha": "abc123",
        "policyId": "default", "passed": False, "score": 72.5,
        "gates": {"pattern-compliance": {"passed": False, "score": 60}},
        "violationCount": 4, "executionTimeMs": 1200, "ci": True,
    })  # fmt: skip
    _write(drift / "quality-gates" / "snapshots" / "main" / "snap-1.json", {
        "id": "snap-1", "branch": "main", "commitSha": "abc123", "timestamp": NOW,
        "healthScore": 81, "patterns": [], "constraints": [],
        "security": {"sensitiveFields": 0}, "metadata": {"filesAnalyzed": 5,
        "patternsAnalyzed": 3, "constraintsAnalyzed": 1},
    })  # fmt: skip
    _write(drift / "constraints" / "approved" / "api.json", {
        "version": "1.0.0", "generatedAt": NOW, "category": "api", "status": "approved",
        "constraints": [{
            "id": "api-routes-validate-input", "name": "Routes validate their input",
            "description": "Every route handler validates its body", "category": "api",
            "derivedFrom": {"type": "pattern", "sourceIds": ["p1"]},
            "invariant": {"type": "must_have", "condition": "validate(body)"},
            "scope": {"files": ["src/routes/**"]}, "confidence": {"score": 0.9},
            "enforcement": {"level": "error"}, "status": "approved", "language": "typescript",
            "metadata": {"createdAt": NOW, "updatedAt": NOW},
        }],
    })  # fmt: skip

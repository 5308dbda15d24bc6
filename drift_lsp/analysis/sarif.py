"""Violations as a SARIF 2.1.0 log, for code-scanning tools in CI."""

from __future__ import annotations

from typing import Any

from drift_lsp import __version__
from drift_lsp.analysis.baseline import Compared
from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.analysis.model import Violation

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}


def _result(
    v: Violation, rule_ids: list[str], state: str | None, code: str | None
) -> dict[str, Any]:
    fingerprints = {"driftViolation/v1": v.id}
    result: dict[str, Any] = {
        "ruleId": v.detector_id,
        "ruleIndex": rule_ids.index(v.detector_id),
        "level": _LEVELS[v.severity],
        "message": {"text": v.message},
        "partialFingerprints": fingerprints,
        "properties": {"patternId": v.pattern_id, "expected": v.expected, "actual": v.actual},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": v.file, "uriBaseId": "%SRCROOT%"},
                    "region": {
                        "startLine": v.line + 1,
                        "startColumn": v.column + 1,
                        "endLine": v.end_line + 1,
                        "endColumn": v.end_column + 1,
                    },
                }
            }
        ],
    }
    if state is not None and code is not None:
        # Stable across line shifts and renames: what code-scanning services match on.
        fingerprints["driftCode/v1"] = code
        result["baselineState"] = state
    return result


def to_sarif(violations: list[Violation], *, baseline: Compared | None = None) -> dict[str, Any]:
    """`violations` as results; with a `baseline` comparison, its results instead (new,
    unchanged and absent), each with its baselineState."""
    entries: list[tuple[Violation, str | None, str | None]] = (
        [(v, None, None) for v in violations]
        if baseline is None
        else [(f.violation, state, f.loose) for state, f in baseline.states()]
    )
    rule_ids = sorted({v.detector_id for v, _, _ in entries})
    rules = [
        {
            "id": rule_id,
            "name": DETECTORS[rule_id].name,
            "shortDescription": {"text": DETECTORS[rule_id].name},
            "fullDescription": {"text": DETECTORS[rule_id].description},
        }
        for rule_id in rule_ids
    ]
    results = [_result(v, rule_ids, state, code) for v, state, code in entries]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "drift",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }

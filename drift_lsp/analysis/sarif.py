"""Violations as a SARIF 2.1.0 log, for code-scanning tools in CI."""

from __future__ import annotations

from typing import Any

from drift_lsp import __version__
from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.analysis.model import Violation

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}


def to_sarif(violations: list[Violation]) -> dict[str, Any]:
    rule_ids = sorted({v.detector_id for v in violations})
    rules = [
        {
            "id": rule_id,
            "name": DETECTORS[rule_id].name,
            "shortDescription": {"text": DETECTORS[rule_id].name},
            "fullDescription": {"text": DETECTORS[rule_id].description},
        }
        for rule_id in rule_ids
    ]
    results = [
        {
            "ruleId": v.detector_id,
            "ruleIndex": rule_ids.index(v.detector_id),
            "level": _LEVELS[v.severity],
            "message": {"text": v.message},
            "partialFingerprints": {"driftViolation/v1": v.id},
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
        for v in violations
    ]
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

"""The one table of detectors. Adding a detector adds it to its family module (and a capture
to that family's query files); the scanner never changes."""

from __future__ import annotations

from drift_lsp.analysis.detectors import (
    documentation,
    errors,
    imports,
    logging,
    naming,
    style,
    tests,
    types,
)
from drift_lsp.analysis.detectors.base import Detector

_FAMILIES = (naming, imports, errors, logging, documentation, types, style, tests)

DETECTORS: dict[str, Detector] = {
    detector.id: detector for family in _FAMILIES for detector in family.DETECTORS
}
PATH_DETECTORS: tuple[Detector, ...] = tuple(
    d for d in DETECTORS.values() if d.classify_path is not None
)
BY_CAPTURE: dict[str, Detector] = {
    d.capture: d for d in DETECTORS.values() if d.classify is not None
}

"""The one table of detectors. Adding a detector adds it to its family module (and a capture
to that family's query files, unless it classifies a capture that already exists); detection
never changes."""

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
BY_CAPTURE: dict[str, tuple[Detector, ...]] = {
    capture: tuple(d for d in DETECTORS.values() if capture in d.captures)
    for capture in sorted({c for d in DETECTORS.values() for c in d.captures})
}

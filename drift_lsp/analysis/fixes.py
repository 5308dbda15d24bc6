"""Quick fixes for violations: the node behind an observation handed to its detector's fixer,
and the text the violation message quotes.

Both need the syntax tree. A caller that still holds the `Analysis` of the text passes it;
otherwise the text is analysed again, once, when the first violation turns up.
"""

from __future__ import annotations

import logging

import tree_sitter

from drift_lsp.analysis.detect import Analysis, analyze
from drift_lsp.analysis.detectors.base import FixRequest
from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.model import Observation, QuickFix

log = logging.getLogger(__name__)


class FixFinder:
    def __init__(self, rel_path: str, text: str, analysis: Analysis | None = None) -> None:
        self._rel_path = rel_path
        self._text = text
        self._analysis = analysis
        self._nodes: dict[Observation, tree_sitter.Node] | None = None

    def _node(self, observation: Observation) -> tree_sitter.Node | None:
        if self._nodes is None:
            analysis = self._analysis
            if analysis is None:
                language = language_for_path(self._rel_path)
                if language is None:
                    self._nodes = {}
                    return None
                data = self._text.encode("utf-8", "surrogatepass")
                analysis = self._analysis = analyze(language, data, self._rel_path)
            self._nodes = {
                o: n for o, n in zip(analysis.observations, analysis.nodes, strict=True) if n
            }
        return self._nodes.get(observation)

    def subject(self, observation: Observation) -> str:
        """The code a violation is about (`'fetchRemote'`), for its message; a scan never
        needs it, so it is not kept on every observation."""
        node = self._node(observation)
        if node is None or self._analysis is None:
            return ""
        span = DETECTORS[observation.detector_id].span
        return self._analysis.source.text(span(node) if span else node)[:80]

    def fixes(self, observation: Observation, expected: str) -> tuple[QuickFix, ...]:
        fixer = DETECTORS[observation.detector_id].fix
        if fixer is None:
            return ()
        node = self._node(observation)
        if node is None or self._analysis is None:
            return ()
        analysis = self._analysis
        request = FixRequest(analysis.source, analysis.tree, node, observation, expected)
        try:
            fix = fixer(request)
        except Exception:
            # A fixer bug must cost the user one quick fix, not the file's diagnostics.
            log.exception("quick fix for %s in %s failed", observation.detector_id, self._rel_path)
            return ()
        return () if fix is None else (fix,)

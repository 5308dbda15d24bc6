"""Quick fixes for violations: the node behind an observation handed to its detector's fixer,
and the text the violation message quotes.

Both need the syntax tree. A caller that still holds the `Analysis` of the text passes it;
otherwise the text is analysed again, once, when the first violation turns up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import tree_sitter

from drift_lsp.analysis.detect import Analysis, analyze
from drift_lsp.analysis.detectors.base import FixRequest
from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.model import Observation, QuickFix, TextEdit

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


# Where an edit starts and ends, as ((line, column), (line, column)).
Span = tuple[tuple[int, int], tuple[int, int]]
Edit = TypeVar("Edit")


def _clash(a: Span, b: Span) -> bool:
    (a_start, a_end), (b_start, b_end) = a, b
    return (a_start < b_end and b_start < a_end) or a_start == b_start


def edit_span(edit: TextEdit) -> Span:
    return (edit.line, edit.column), (edit.end_line, edit.end_column)


def fix_all_edits(fixes: Iterable[Sequence[Edit]], span: Callable[[Edit], Span]) -> list[Edit]:
    """The edits of "fix all": each violation's first (preferred) fix, in order, skipping any
    that overlaps one already taken. The editor's source.fixAll (on LSP edits) and `drift check
    --fix` (on violations' edits) both use it, so the command line applies exactly what the
    editor would; a skipped fix is picked up by the next round, on the text the taken ones
    produced."""
    taken: list[Edit] = []
    for edits in fixes:
        if not any(_clash(span(new), span(old)) for new in edits for old in taken):
            taken.extend(edits)
    return taken


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """`text` with non-overlapping edits applied; positions are (line, code point column),
    as violations carry them."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(line: int, column: int) -> int:
        return starts[line] + column

    result = text
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        start, end = offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)
        result = result[:start] + edit.new_text + result[end:]
    return result

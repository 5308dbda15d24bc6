"""Hover: the convention behind a line, how well it holds, and real examples of it.

A Drift diagnostic under the cursor comes first (it describes the text being edited, saved
or not); otherwise the stored pattern locations of that line. Everything is read through the
reader pool and its LRU cache: no file is read or scanned on hover.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types

from drift_lsp.analysis.explain import Explanation
from drift_lsp.features import memory
from drift_lsp.features.convert import DiagnosticData, file_link, lsp_markdown
from drift_lsp.features.workspaces import path_of
from drift_lsp.workspace import Workspace
from storage.repositories.patterns import PatternRow

if TYPE_CHECKING:
    from drift_lsp.features.core import DriftServer

MAX_SECTIONS = 2
MAX_SHARES = 3


def hover(ls: DriftServer, params: types.HoverParams) -> types.Hover | None:
    uri, position = params.text_document.uri, params.position
    workspace = ls.session.folders.for_uri(uri)
    path = path_of(uri)
    rel = workspace.relative(path) if workspace is not None and path is not None else None
    if workspace is None or rel is None:
        return None
    found = _deviations_under(ls, uri, position) or _stored_at(workspace, rel, position.line)
    max_examples = ls.session.settings.hover.max_examples
    sections, seen = [], set()
    for pattern_id, deviation in found:
        pattern = workspace.pattern(pattern_id)
        if pattern is None or pattern.id in seen or pattern.status == "ignored":
            continue
        seen.add(pattern.id)
        sections.append(_section(workspace, pattern, deviation, max_examples))
        if len(sections) == MAX_SECTIONS:
            break
    return lsp_markdown("\n\n---\n\n".join(sections)) if sections else None


Found = list[tuple[str, tuple[str, str] | None]]  # pattern id, (expected, found) if deviating


def _contains(range_: types.Range, position: types.Position) -> bool:
    start, end = range_.start, range_.end
    return (
        (start.line, start.character)
        <= (position.line, position.character)
        <= (
            end.line,
            end.character,
        )
    )


def _deviations_under(ls: DriftServer, uri: str, position: types.Position) -> Found:
    cached = ls.session.diagnostics.cache.get(uri)
    if cached is None:
        return []
    drift = [(d, data) for d in cached.items if (data := DiagnosticData.from_lsp(d))]
    # The diagnostic under the cursor, else any on the cursor's line.
    under = [(d, data) for d, data in drift if _contains(d.range, position)] or [
        (d, data) for d, data in drift if d.range.start.line <= position.line <= d.range.end.line
    ]
    return [(data.pattern_id, (data.expected, data.actual)) for _, data in under]


def _stored_at(workspace: Workspace, rel: str, line: int) -> Found:
    found = []
    for pattern, location in workspace.patterns_at(rel, line):
        deviation = (pattern.value, location.value or "?") if location.is_outlier else None
        found.append((pattern.id, deviation))
    # Deviations first: they are why the user is hovering.
    return sorted(found, key=lambda item: item[1] is None)


def _section(
    workspace: Workspace,
    pattern: PatternRow,
    deviation: tuple[str, str] | None,
    max_examples: int,
) -> str:
    lines = []
    if deviation is not None:
        lines.append(f"**Drift:** expected `{deviation[0]}`, found `{deviation[1]}`\n")
    lines.append(_why(workspace.explain(pattern.id), pattern))
    examples = workspace.examples(pattern.id, max_examples) if max_examples else []
    if examples:
        lines.append("\n**Examples from this codebase**")
    for example in examples:
        fence = _fence_for(example.code)
        lines.append(
            f"\n{file_link(workspace.root, example.file, example.start_line + 1)}\n"
            f"{fence}{example.language}\n{example.code}\n{fence}"
        )
    memories = memory.memory_hover_markdown(
        workspace.memory, pattern.id, f"{pattern.name}: {pattern.description}"
    )
    if memories:
        lines.append(f"\n{memories}")
    return "\n".join(lines)


def _why(explanation: Explanation | None, pattern: PatternRow) -> str:
    """The convention, its scope, how it came to be enforced, and the competing ways with
    their shares: what a maintainer needs to judge whether the report is fair."""
    if explanation is None:
        return f"**{pattern.name}** · `{pattern.detector_id}` · {pattern.status}"
    head = (
        f"**{explanation.name}** · `{explanation.rule}` · {explanation.how}  \n"
        f"Convention: `{explanation.value}` for {explanation.context}, in {explanation.scope}"
    )
    shares = [
        f"- `{s.value}`: {s.occurrences} ({s.occurrence_share:.0%}) in {s.files} "
        f"file{'s' if s.files != 1 else ''} ({s.file_share:.0%})"
        for s in explanation.shares[:MAX_SHARES]
    ]
    return "\n".join([head, "", *shares])


def _fence_for(code: str) -> str:
    """A backtick fence longer than any backtick run in `code`, so the block can't end early."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)

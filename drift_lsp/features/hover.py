"""Hover: the pattern behind a line, its confidence, and real examples from the codebase."""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace import TextDocument

from drift_lsp.features import memory
from drift_lsp.features.workspaces import ServerState, path_of
from drift_lsp.workspace import Workspace
from storage.repositories.patterns import LocationRow, PatternRow


def _pattern_markdown(
    workspace: Workspace, pattern: PatternRow, location: LocationRow, max_examples: int
) -> str:
    lines = []
    if location.is_outlier:
        lines.append(f"**Drift:** expected `{pattern.value}`, found `{location.value}`\n")
    lines.append(
        f"**{pattern.name}** · {pattern.category} · {pattern.status}  \n"
        f"Convention: `{pattern.value}` ({pattern.context}) · confidence "
        f"{pattern.confidence_level} ({pattern.confidence_score:.2f})  \n"
        f"{pattern.location_count - pattern.outlier_count} locations follow it, "
        f"{pattern.outlier_count} deviate"
    )
    examples = workspace.examples(pattern.id, max_examples) if max_examples else []
    if examples:
        lines.append("\n**Examples from this codebase**")
    for example in examples:
        line = example.start_line + 1
        link = f"{(workspace.root / example.file).as_uri()}#L{line}"
        lines.append(
            f"\n[{example.file}:{line}]({link})\n```{example.language}\n{example.code}\n```"
        )
    memories = memory.memory_hover_markdown(
        workspace.root, pattern.id, f"{pattern.name}: {pattern.description}"
    )
    if memories:
        lines.append(f"\n{memories}")
    return "\n".join(lines)


def hover(
    state: ServerState, document: TextDocument, position: types.Position
) -> types.Hover | None:
    workspace = state.for_uri(document.uri)
    path = path_of(document.uri)
    if workspace is None or path is None:
        return None
    rel = workspace.relative(path)
    if rel is None:
        return None
    found = workspace.patterns_at(rel, position.line)
    # Deviations first: they are why the user is hovering.
    found.sort(key=lambda pair: (not pair[1].is_outlier, pair[0].status != "approved"))
    seen: set[str] = set()
    sections = []
    for pattern, location in found:
        if pattern.id in seen or pattern.status == "ignored":
            continue
        seen.add(pattern.id)
        sections.append(
            _pattern_markdown(workspace, pattern, location, state.settings.hover.max_examples)
        )
        if len(sections) == 2:
            break
    if not sections:
        return None
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(sections)
        )
    )

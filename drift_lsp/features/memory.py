"""Team memory in the editor: hover text, the `drift.addMemory` command, and the
"Explain this convention…" code action.

Plain functions over a workspace's `TeamMemory` (its cortex.db, opened lazily and closed
with the workspace). They block on SQLite: call them off the event loop.

Getting the explanation text: LSP has no input box (`window/showMessageRequest` offers
buttons only). So the code action runs `drift.addMemory` with `[patternId]` alone and the
*client* asks for the text before forwarding `[patternId, text]` to the server — the VS Code
extension in `middleware.executeCommand` with `window.showInputBox`, Neovim through a
`vim.lsp.commands["drift.addMemory"]` handler with `vim.ui.input`. A client without that
hook reaches the server with no text; the server then stores nothing and tells the user,
with `window/showMessage`, how to add the memory from the command line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lsprotocol import types

from drift_lsp.features.convert import DiagnosticData
from drift_lsp.workspace import TeamMemory
from storage.cortex import Links, Memory
from storage.errors import StorageError

log = logging.getLogger(__name__)

ADD_MEMORY_COMMAND = "drift.addMemory"
HOVER_LINKED = 3
HOVER_SIMILAR = 3
# Below this cosine similarity a "similar" memory is noise, not knowledge worth a hover line.
HOVER_MIN_SIMILARITY = 0.2
_SUMMARY_CHARS = 200


def warm(memory: TeamMemory) -> None:
    """Load the workspace's memory vectors in the background so the first hover is fast."""

    def load() -> None:
        try:
            cortex = memory.get(create=False)
            if cortex is not None:
                cortex.warm()
        except StorageError as exc:
            log.warning("could not load team memory for %s: %s", memory.root, exc)

    threading.Thread(target=load, name="drift-memory-warm", daemon=True).start()


# ---- hover ---------------------------------------------------------------------------------


def memory_hover_markdown(memory: TeamMemory, pattern_id: str, pattern_text: str) -> str | None:
    """Markdown for the hover under a pattern's examples: the memories linked to it, then
    the memories most similar to `pattern_text`. None when there is nothing to say.

    Cost is bounded: one indexed query, one embedding (LRU-cached per text) and an
    in-memory top-k; a workspace that has no cortex.db yet is not given one by a hover.
    """
    try:
        cortex = memory.get(create=False)
        if cortex is None:
            return None
        linked = cortex.for_pattern(pattern_id, limit=HOVER_LINKED)
        seen = {m.id for m in linked}
        similar = [
            hit
            for hit in cortex.search(
                pattern_text, k=HOVER_SIMILAR + len(seen), method="memory", track=False
            )
            if hit.memory.id not in seen and hit.similarity >= HOVER_MIN_SIMILARITY
        ][:HOVER_SIMILAR]
        shown = [*linked, *(hit.memory for hit in similar)]
        if shown:
            cortex.track_access([m.id for m in shown], "hover")
    except StorageError as exc:
        log.warning("memory hover for %s failed: %s", pattern_id, exc)
        return None
    lines = []
    if linked:
        lines.append("**Team memory**")
        lines.extend(_hover_line(m) for m in linked)
    if similar:
        lines.append("**Related memories**")
        lines.extend(_hover_line(h.memory, h.similarity) for h in similar)
    return "\n\n".join(lines) if lines else None


def _hover_line(memory: Memory, similarity: float | None = None) -> str:
    summary = " ".join(memory.summary.split())
    if len(summary) > _SUMMARY_CHARS:
        summary = summary[: _SUMMARY_CHARS - 1] + "…"
    score = f", {similarity:.0%} similar" if similarity is not None else ""
    return f"- *{memory.type}* — {_escape(summary)} _(memory {memory.id}{score})_"


def _escape(text: str) -> str:
    for char in "\\`*_[]<>":
        text = text.replace(char, "\\" + char)
    return text


# ---- drift.addMemory -----------------------------------------------------------------------


@dataclass(frozen=True)
class AddMemoryResult:
    memory_id: int | None
    message: str

    @property
    def saved(self) -> bool:
        return self.memory_id is not None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.memory_id, "message": self.message}


def add_memory(memory: TeamMemory, arguments: Sequence[Any]) -> AddMemoryResult:
    """Body of `drift.addMemory` [patternId, text]: store a rationale linked to the pattern."""
    if not arguments or not isinstance(arguments[0], str):
        return AddMemoryResult(None, "drift.addMemory needs [patternId, text]")
    pattern_id = arguments[0]
    text = arguments[1] if len(arguments) > 1 and isinstance(arguments[1], str) else ""
    if not text.strip():
        return AddMemoryResult(
            None,
            "Nothing saved: this editor did not ask for the explanation. Add it with "
            f'`drift memory add --type rationale --pattern {pattern_id} --summary "why…"`',
        )
    first_line, _, rest = text.strip().partition("\n")
    try:
        cortex = memory.get(create=True)
        assert cortex is not None
        saved = cortex.add(
            "rationale",
            first_line.strip(),
            content={"explanation": text.strip()} if rest.strip() else None,
            tags=["convention"],
            links=Links(patterns=[pattern_id]),
            created_by="lsp",
        )
    except StorageError as exc:
        return AddMemoryResult(None, f"Nothing saved: {exc}")
    return AddMemoryResult(saved.id, f"Saved memory {saved.id} for this convention.")


# ---- code action ---------------------------------------------------------------------------


def explain_code_actions(found: Iterable[types.Diagnostic]) -> list[types.CodeAction]:
    """One "Explain this convention…" action per Drift pattern among `found`."""
    actions = []
    seen: set[str] = set()
    for diagnostic in found:
        data = DiagnosticData.from_lsp(diagnostic)
        if data is None or data.pattern_id in seen:
            continue
        seen.add(data.pattern_id)
        # Named: one line may break several conventions, each explained on its own.
        title = f"Explain this convention: {diagnostic.code}…"
        actions.append(
            types.CodeAction(
                title=title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                command=types.Command(
                    title=title, command=ADD_MEMORY_COMMAND, arguments=[data.pattern_id]
                ),
            )
        )
    return actions

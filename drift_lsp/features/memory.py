"""Team memory in the editor: hover text, the `drift.addMemory` command, and the
"Explain this convention…" code action.

Plain functions; `server.py` wires them (they block on SQLite: call them off the event loop,
e.g. `await asyncio.to_thread(...)`, as for any storage read):

    @server.command(memory.ADD_MEMORY_COMMAND)
    def add_memory(ls, *args):
        result = memory.add_memory(root, args)
        ls.window_show_message(ShowMessageParams(
            type=MessageType.Info if result.saved else MessageType.Warning, message=result.message))
        return result.to_json()                    # {"id": int | None, "message": str}
    codeAction: actions += memory.explain_code_actions(params.context.diagnostics)
    hover:      extra = memory.memory_hover_markdown(root, pattern.id, pattern_text)  # str | None
    initialized: memory.warm(root)                 shutdown: memory.close_all()

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
from pathlib import Path
from typing import Any

from lsprotocol import types

from storage.cortex import Cortex, Links, Memory, cortex_db_path
from storage.errors import StorageError

log = logging.getLogger(__name__)

ADD_MEMORY_COMMAND = "drift.addMemory"
EXPLAIN_TITLE = "Explain this convention…"
HOVER_LINKED = 3
HOVER_SIMILAR = 3
# Below this cosine similarity a "similar" memory is noise, not knowledge worth a hover line.
HOVER_MIN_SIMILARITY = 0.2
_SUMMARY_CHARS = 200

_open: dict[Path, Cortex] = {}
_open_lock = threading.Lock()


def cortex_for(workspace_root: Path) -> Cortex:
    """The workspace's Cortex, opened (and created) once per root, kept for the server's life."""
    cortex = _cortex(workspace_root, create=True)
    assert cortex is not None
    return cortex


def existing_cortex(workspace_root: Path) -> Cortex | None:
    """Like `cortex_for`, but None instead of creating a cortex.db that isn't there."""
    return _cortex(workspace_root, create=False)


def _cortex(workspace_root: Path, *, create: bool) -> Cortex | None:
    root = Path(workspace_root).resolve()
    with _open_lock:
        cortex = _open.get(root)
        if cortex is None:
            if not create and not cortex_db_path(root).exists():
                return None
            cortex = Cortex.open(root)
            _open[root] = cortex
        return cortex


def warm(workspace_root: Path) -> None:
    """Load the workspace's memory vectors in the background so the first hover is fast."""

    def load() -> None:
        try:
            cortex = existing_cortex(workspace_root)
            if cortex is not None:
                cortex.warm()
        except StorageError as exc:
            log.warning("could not load team memory for %s: %s", workspace_root, exc)

    threading.Thread(target=load, name="drift-memory-warm", daemon=True).start()


def close_all() -> None:
    """Close every Cortex opened here (server shutdown): flushes queued access counts."""
    with _open_lock:
        cortexes = list(_open.values())
        _open.clear()
    for cortex in cortexes:
        cortex.close()


# ---- hover ---------------------------------------------------------------------------------


def memory_hover_markdown(workspace_root: Path, pattern_id: str, pattern_text: str) -> str | None:
    """Markdown for the hover under a pattern's examples: the memories linked to it, then
    the memories most similar to `pattern_text`. None when there is nothing to say.

    Cost is bounded: one indexed query, one embedding (LRU-cached per text) and an
    in-memory top-k; a workspace that has no cortex.db yet is not given one by a hover.
    """
    try:
        cortex = existing_cortex(workspace_root)
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


def add_memory(workspace_root: Path, arguments: Sequence[Any]) -> AddMemoryResult:
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
        memory = cortex_for(workspace_root).add(
            "rationale",
            first_line.strip(),
            content={"explanation": text.strip()} if rest.strip() else None,
            tags=["convention"],
            links=Links(patterns=[pattern_id]),
            created_by="lsp",
        )
    except StorageError as exc:
        return AddMemoryResult(None, f"Nothing saved: {exc}")
    return AddMemoryResult(memory.id, f"Saved memory {memory.id} for this convention.")


# ---- code action ---------------------------------------------------------------------------


def explain_code_actions(diagnostics: Iterable[types.Diagnostic]) -> list[types.CodeAction]:
    """One "Explain this convention…" action per Drift pattern among `diagnostics`."""
    actions = []
    seen: set[str] = set()
    for diagnostic in diagnostics:
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        pattern_id = data.get("patternId")
        if diagnostic.source != "drift" or not isinstance(pattern_id, str) or pattern_id in seen:
            continue
        seen.add(pattern_id)
        actions.append(
            types.CodeAction(
                title=EXPLAIN_TITLE,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                command=types.Command(
                    title=EXPLAIN_TITLE, command=ADD_MEMORY_COMMAND, arguments=[pattern_id]
                ),
            )
        )
    return actions

"""Diagnostics: Drift violations of a document, computed once per request and cached.

Push (`publishDiagnostics`) for clients without pull support, pull (`textDocument/diagnostic`)
for the others, never both. Of many rapid requests for one document only the newest result
is kept: each request takes a sequence number and a stale one is dropped when it finishes.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from drift_lsp.analysis.model import Violation
from drift_lsp.features.convert import lsp_diagnostic, lsp_location
from drift_lsp.features.workspaces import ServerState, path_of, uri_of
from drift_lsp.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocumentDiagnostics:
    version: int | None
    items: list[types.Diagnostic]
    result_id: str


class Diagnostics:
    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.cache: dict[str, DocumentDiagnostics] = {}
        self._sequence: dict[str, int] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    async def compute(self, ls: LanguageServer, uri: str, *, persist: bool) -> None:
        sequence = self._sequence[uri] = self._sequence.get(uri, 0) + 1
        workspace = self.state.for_uri(uri)
        path = path_of(uri)
        document = ls.workspace.get_text_document(uri)
        text, version = document.source, document.version
        violations: list[Violation] = []
        related: dict[str, types.Location] = {}
        # Outside any healthy workspace the answer is "nothing", said explicitly.
        if workspace is not None and path is not None:
            violations = await asyncio.to_thread(workspace.check_text, path, text, persist=persist)
            related = await asyncio.to_thread(_related_locations, workspace, violations)
        if self._sequence.get(uri) != sequence:
            return  # a newer request for this document is on its way
        current = ls.workspace.get_text_document(uri)
        items = [lsp_diagnostic(current, v, related.get(v.pattern_id)) for v in violations]
        result_id = f"{sequence}:{version}:{hash(tuple(v.id for v in violations))}"
        self.cache[uri] = DocumentDiagnostics(version, items, result_id)
        if not self.state.pull_diagnostics:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version)
            )

    def schedule(
        self, ls: LanguageServer, uri: str, *, persist: bool, delay_ms: int = 0
    ) -> asyncio.Task[None]:
        previous = self._tasks.get(uri)
        if previous is not None and not previous.done():
            previous.cancel()
        task = asyncio.ensure_future(self._run(ls, uri, persist, delay_ms))
        self._tasks[uri] = task
        return task

    async def _run(self, ls: LanguageServer, uri: str, persist: bool, delay_ms: int) -> None:
        try:
            if delay_ms:
                await asyncio.sleep(delay_ms / 1000)
            await self.compute(ls, uri, persist=persist)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one bad file must never take the server down
            log.exception("diagnostics for %s failed", uri)
            ls.window_log_message(
                types.LogMessageParams(type=types.MessageType.Error, message=f"{uri}: {exc}")
            )

    def clear(self, ls: LanguageServer, uri: str) -> None:
        task = self._tasks.pop(uri, None)
        if task is not None:
            task.cancel()
        self._sequence[uri] = self._sequence.get(uri, 0) + 1
        self.cache.pop(uri, None)
        if not self.state.pull_diagnostics:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    async def pull(
        self, ls: LanguageServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        uri = params.text_document.uri
        pending = self._tasks.get(uri)
        if pending is not None and not pending.done():
            await asyncio.wait({pending})
        cached = self.cache.get(uri)
        version = ls.workspace.get_text_document(uri).version
        stale = cached is None or (
            self.state.settings.diagnostics.on == "change" and cached.version != version
        )
        if stale:
            await self.compute(ls, uri, persist=False)
            cached = self.cache.get(uri)
        if cached is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        if params.previous_result_id == cached.result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=cached.result_id)
        return types.RelatedFullDocumentDiagnosticReport(
            items=cached.items, result_id=cached.result_id
        )

    def refresh_open_documents(self, ls: LanguageServer) -> None:
        """After a pattern or config change: recompute every open document."""
        for uri in list(ls.workspace.text_documents):
            if self.state.for_uri(uri) is not None:
                self.schedule(ls, uri, persist=False)
        refresh = ls.client_capabilities.workspace
        if (
            self.state.pull_diagnostics
            and refresh is not None
            and refresh.diagnostics is not None
            and refresh.diagnostics.refresh_support
        ):
            ls.workspace_diagnostic_refresh(None)


def _related_locations(
    workspace: Workspace, violations: list[Violation]
) -> dict[str, types.Location]:
    related = {}
    for pattern_id in {v.pattern_id for v in violations}:
        location = workspace.conforming_location(pattern_id)
        if location is not None:
            related[pattern_id] = lsp_location(
                uri_of(workspace.root, location.file_path),
                location.line,
                location.column,
                location.end_line,
                location.end_column,
            )
    return related

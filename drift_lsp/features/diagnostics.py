"""Diagnostics: the Drift violations of an open document, computed once per version.

Push (`publishDiagnostics`) for clients without pull support, pull (`textDocument/diagnostic`)
for the others, never both. Analysis runs on a small thread pool so the event loop keeps
answering. Each document has at most one analysis in flight: requests that arrive meanwhile
collapse into one follow-up for the newest text, and a result that a newer request has
overtaken is dropped, so of many rapid saves only the newest result is published.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from drift_lsp.analysis.model import Violation
from drift_lsp.features.convert import Snapshot, lsp_diagnostic, lsp_location
from drift_lsp.features.workspaces import ServerState, path_of, uri_of
from drift_lsp.workspace import Workspace

log = logging.getLogger(__name__)

ANALYSIS_THREADS = 2


@dataclass(frozen=True)
class DocumentDiagnostics:
    snapshot: Snapshot
    items: list[types.Diagnostic]
    result_id: str


@dataclass(frozen=True)
class _Wanted:
    persist: bool
    delay_ms: int


class Diagnostics:
    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.cache: dict[str, DocumentDiagnostics] = {}
        self._wanted: dict[str, _Wanted] = {}
        self._generation: dict[str, int] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._debouncing: set[str] = set()
        self._executor = ThreadPoolExecutor(ANALYSIS_THREADS, thread_name_prefix="drift-analysis")

    # ---- scheduling --------------------------------------------------------------------

    def schedule(
        self, ls: LanguageServer, uri: str, *, persist: bool, delay_ms: int = 0
    ) -> asyncio.Task[None]:
        """Ask for the document's diagnostics; returns the task that will deliver them."""
        previous = self._wanted.get(uri)
        # A save still owed to the database survives being overtaken by an edit.
        self._wanted[uri] = _Wanted(persist or bool(previous and previous.persist), delay_ms)
        self._generation[uri] = self._generation.get(uri, 0) + 1
        worker = self._workers.get(uri)
        if worker is not None and not worker.done():
            if uri not in self._debouncing:
                return worker  # it picks the new request up when its analysis ends
            worker.cancel()  # restart the debounce from this request
        worker = self._workers[uri] = asyncio.ensure_future(self._work(ls, uri))
        return worker

    async def _work(self, ls: LanguageServer, uri: str) -> None:
        while (wanted := self._wanted.get(uri)) is not None:
            if wanted.delay_ms:
                self._debouncing.add(uri)
                try:
                    await asyncio.sleep(wanted.delay_ms / 1000)
                finally:
                    self._debouncing.discard(uri)
            del self._wanted[uri]
            generation = self._generation[uri]
            try:
                result = await self._compute(ls, uri, wanted.persist)
            except Exception as exc:  # one bad file must never take the server down
                log.exception("diagnostics for %s failed", uri)
                ls.window_log_message(
                    types.LogMessageParams(type=types.MessageType.Error, message=f"{uri}: {exc}")
                )
                continue
            if self._generation.get(uri) == generation and result is not None:
                self._deliver(ls, uri, result)

    async def _compute(
        self, ls: LanguageServer, uri: str, persist: bool
    ) -> DocumentDiagnostics | None:
        await self.state.folders_open.wait()
        if uri not in ls.workspace.text_documents:
            return None  # closed while waiting
        snapshot = Snapshot.of(ls.workspace.get_text_document(uri))
        workspace = self.state.for_uri(uri)
        if workspace is None:  # outside any healthy workspace folder: nothing, said explicitly
            return DocumentDiagnostics(snapshot, [], "empty")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _analyse, workspace, snapshot, persist)

    def _deliver(self, ls: LanguageServer, uri: str, result: DocumentDiagnostics) -> None:
        self.cache[uri] = result
        if not self.state.pull_diagnostics:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=uri, diagnostics=result.items, version=result.snapshot.version
                )
            )

    # ---- what the handlers call --------------------------------------------------------

    def clear(self, ls: LanguageServer, uri: str) -> None:
        self._wanted.pop(uri, None)
        self._generation[uri] = self._generation.get(uri, 0) + 1
        if uri in self._debouncing:
            self._workers[uri].cancel()
        self.cache.pop(uri, None)
        if not self.state.pull_diagnostics:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    async def pull(
        self, ls: LanguageServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        uri = params.text_document.uri
        worker = self._workers.get(uri)
        if worker is not None and not worker.done():
            await asyncio.shield(worker)
        cached = self.cache.get(uri)
        if cached is None or self._outdated(ls, cached):
            await asyncio.shield(self.schedule(ls, uri, persist=False))
            cached = self.cache.get(uri)
        if cached is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        if params.previous_result_id == cached.result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=cached.result_id)
        return types.RelatedFullDocumentDiagnosticReport(
            items=cached.items, result_id=cached.result_id
        )

    def _outdated(self, ls: LanguageServer, cached: DocumentDiagnostics) -> bool:
        """With diagnostics on change, a pull always describes the current text."""
        if self.state.settings.diagnostics.on != "change":
            return False
        document = ls.workspace.text_documents.get(cached.snapshot.uri)
        return document is not None and document.version != cached.snapshot.version

    def refresh_open_documents(self, ls: LanguageServer) -> None:
        """After a pattern, settings or config change: recompute every open document."""
        for uri in list(ls.workspace.text_documents):
            self.schedule(ls, uri, persist=False)
        workspace = ls.client_capabilities.workspace
        refresh = workspace.diagnostics if workspace else None
        if self.state.pull_diagnostics and refresh and refresh.refresh_support:
            ls.workspace_diagnostic_refresh(None)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _analyse(workspace: Workspace, snapshot: Snapshot, persist: bool) -> DocumentDiagnostics:
    """Runs on the analysis pool: Violations, then their LSP form."""
    path = path_of(snapshot.uri)
    if path is None:
        violations = []
    elif persist:
        violations = workspace.save_text(path, snapshot.text).violations
    else:
        violations = workspace.check_text(path, snapshot.text)
    related = _related_locations(workspace, violations)
    items = [lsp_diagnostic(snapshot, v, related.get(v.pattern_id)) for v in violations]
    return DocumentDiagnostics(snapshot, items, _result_id(violations))


def _result_id(violations: list[Violation]) -> str:
    """Equal for equal diagnostics, so a re-pull of an unchanged file says "unchanged"."""
    digest = hashlib.blake2b(digest_size=12)
    for violation in violations:
        digest.update(repr(violation.to_json()).encode())
    return digest.hexdigest()


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

"""Diagnostics: the Drift violations of an open document, computed once per version.

Push (`publishDiagnostics`) for clients without pull support, pull (`textDocument/diagnostic`)
for the others, never both. Analysis runs on a small thread pool so the event loop keeps
answering. Each document has at most one analysis in flight: requests that arrive meanwhile
collapse into one follow-up for the newest text, and a result that a newer request has
overtaken is dropped, so of many rapid saves only the newest result is published.

Freshness: a result the client did not ask for (a save, or a change of patterns, settings
or config) reaches a pull client through `workspace/diagnostic/refresh`, sent once its
result differs from what the client has. A save's diagnostics are published before its
observations are committed and re-learnt from; they hold as of that commit unless it
changes what is enforced (a convention learnt, approved or gone), and then every open
document of the folder, the saved one included, is diagnosed again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from drift_lsp.analysis.model import Violation
from drift_lsp.features.client import ClientFeatures
from drift_lsp.features.convert import Snapshot, lsp_diagnostic, lsp_location
from drift_lsp.features.options import Settings
from drift_lsp.features.workspaces import Folders, path_of, uri_of
from drift_lsp.indexing.learning import Learned
from drift_lsp.workspace import Workspace


class SessionView(Protocol):
    """What diagnostics need of the Session (which owns them)."""

    settings: Settings
    client: ClientFeatures
    folders: Folders


log = logging.getLogger(__name__)

ANALYSIS_THREADS = 2


@dataclass(frozen=True)
class DocumentDiagnostics:
    snapshot: Snapshot
    items: list[types.Diagnostic]
    result_id: str
    # For a save: resolves once its observations are stored and re-learnt from.
    committed: Future[Learned] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class _Wanted:
    persist: bool
    delay_ms: int
    # Whether the client must be told: it did not ask for this result (no pull waits on it).
    notify: bool


class Diagnostics:
    def __init__(self, session: SessionView) -> None:
        self.session = session
        self.cache: dict[str, DocumentDiagnostics] = {}
        self._wanted: dict[str, _Wanted] = {}
        self._generation: dict[str, int] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._debouncing: set[str] = set()
        # The result id each pull client last received per document.
        self._pulled: dict[str, str] = {}
        self._refresh_due = False
        self._pending_commits: set[asyncio.Future[None]] = set()
        self._executor = ThreadPoolExecutor(ANALYSIS_THREADS, thread_name_prefix="drift-analysis")

    # ---- scheduling --------------------------------------------------------------------

    def schedule(
        self,
        ls: LanguageServer,
        uri: str,
        *,
        persist: bool,
        delay_ms: int = 0,
        notify: bool = True,
    ) -> asyncio.Task[None]:
        """Ask for the document's diagnostics; returns the task that will deliver them."""
        previous = self._wanted.get(uri)
        # A save still owed to the database survives being overtaken by an edit.
        self._wanted[uri] = _Wanted(
            persist or bool(previous and previous.persist),
            delay_ms,
            notify or bool(previous and previous.notify),
        )
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
            if result is None:
                continue
            if self._generation.get(uri) == generation:
                self._deliver(ls, uri, result, wanted.notify)
            if result.committed is not None:
                task = asyncio.ensure_future(self._after_commit(ls, uri, result.committed))
                self._pending_commits.add(task)
                task.add_done_callback(self._pending_commits.discard)

    async def _compute(
        self, ls: LanguageServer, uri: str, persist: bool
    ) -> DocumentDiagnostics | None:
        folders = self.session.folders
        await folders.folders_open.wait()
        if uri not in ls.workspace.text_documents:
            return None  # closed while waiting
        snapshot = Snapshot.of(ls.workspace.get_text_document(uri))
        workspace = folders.for_uri(uri)
        if workspace is None:  # outside any healthy workspace folder: nothing, said explicitly
            return DocumentDiagnostics(snapshot, [], "empty")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _analyse, workspace, snapshot, persist)

    async def current(self, ls: LanguageServer, uri: str) -> DocumentDiagnostics | None:
        """The diagnostics of the document's current text: the delivered result when it is of
        that version, else a fresh analysis that is neither stored nor sent. A fix-all on
        save runs on a buffer changed since its last analysis and must fix that text."""
        cached = self.cache.get(uri)
        document = ls.workspace.text_documents.get(uri)
        if document is None:
            return None
        if cached is not None and cached.snapshot.version == document.version:
            return cached
        return await self._compute(ls, uri, persist=False)

    def _deliver(
        self, ls: LanguageServer, uri: str, result: DocumentDiagnostics, notify: bool
    ) -> None:
        self.cache[uri] = result
        if not self.session.client.pull_diagnostics:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=uri, diagnostics=result.items, version=result.snapshot.version
                )
            )
        elif notify and self._pulled.get(uri) != result.result_id:
            self._request_refresh(ls)

    def _request_refresh(self, ls: LanguageServer) -> None:
        """One `workspace/diagnostic/refresh` for all the results delivered in one turn of
        the event loop: the client re-pulls every open document at each refresh."""
        if not self.session.client.diagnostic_refresh or self._refresh_due:
            return
        self._refresh_due = True

        def send() -> None:
            self._refresh_due = False
            ls.workspace_diagnostic_refresh(None)

        asyncio.get_running_loop().call_soon(send)

    async def _after_commit(
        self, ls: LanguageServer, saved: str, committed: Future[Learned]
    ) -> None:
        try:
            learned = await asyncio.wrap_future(committed)
        except Exception as exc:  # the writer said why; diagnostics stand as published
            log.warning("the save of %s was not stored: %s", saved, exc)
            return
        if learned.enforced_changed:
            self.refresh_open_documents(ls, self.session.folders.root_for(saved))

    # ---- what the handlers call --------------------------------------------------------

    def clear(self, ls: LanguageServer, uri: str) -> None:
        self._wanted.pop(uri, None)
        self._generation[uri] = self._generation.get(uri, 0) + 1
        if uri in self._debouncing:
            self._workers[uri].cancel()
        self.cache.pop(uri, None)
        self._pulled.pop(uri, None)
        if not self.session.client.pull_diagnostics:
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
            await asyncio.shield(self.schedule(ls, uri, persist=False, notify=False))
            cached = self.cache.get(uri)
        if cached is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        self._pulled[uri] = cached.result_id
        if params.previous_result_id == cached.result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=cached.result_id)
        return types.RelatedFullDocumentDiagnosticReport(
            items=cached.items, result_id=cached.result_id
        )

    def _outdated(self, ls: LanguageServer, cached: DocumentDiagnostics) -> bool:
        """With diagnostics on change, a pull always describes the current text."""
        if self.session.settings.diagnostics.on != "change":
            return False
        document = ls.workspace.text_documents.get(cached.snapshot.uri)
        return document is not None and document.version != cached.snapshot.version

    def refresh_open_documents(self, ls: LanguageServer, root: Path | None = None) -> None:
        """After a pattern, settings or config change: recompute the open documents (of the
        folder `root`, or all), telling the client of each result that changed."""
        for uri in list(ls.workspace.text_documents):
            if root is None or self.session.folders.root_for(uri) == root:
                self.schedule(ls, uri, persist=False)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _analyse(workspace: Workspace, snapshot: Snapshot, persist: bool) -> DocumentDiagnostics:
    """Runs on the analysis pool: Violations, then their LSP form."""
    path = path_of(snapshot.uri)
    committed = None
    if path is None:
        violations: list[Violation] = []
    elif persist:
        saved = workspace.save_text(path, snapshot.text)
        violations, committed = saved.violations, saved.committed
    else:
        violations = workspace.check_text(path, snapshot.text)
    related = _related_locations(workspace, violations)
    items = [lsp_diagnostic(snapshot, v, related.get(v.pattern_id)) for v in violations]
    result_id = _result_id(snapshot.version, violations)
    return DocumentDiagnostics(snapshot, items, result_id, committed)


def _result_id(version: int | None, violations: list[Violation]) -> str:
    """Equal for equal diagnostics of one document version, so a re-pull of an unchanged
    file says "unchanged"; a new version is a new result, since its fixes are positioned in
    that version's text."""
    digest = hashlib.blake2b(repr(version).encode(), digest_size=12)
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

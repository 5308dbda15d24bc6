"""Workspace scans from the editor: in a thread, with cancellable `$/progress` reporting."""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from typing import TYPE_CHECKING

from lsprotocol import types

from drift_lsp.indexing.scan import ScanSummary
from drift_lsp.workspace import Workspace

if TYPE_CHECKING:
    from drift_lsp.features.core import DriftServer

log = logging.getLogger(__name__)


class _Progress:
    """Server-initiated work-done progress, or nothing for a client without it."""

    def __init__(self, ls: DriftServer, title: str, cancel: threading.Event) -> None:
        self.ls = ls
        self.title = title
        self.cancel = cancel
        self.token = f"drift-scan-{uuid.uuid4().hex}"
        self.active = False
        self.last = -1
        self.loop = asyncio.get_running_loop()

    async def begin(self) -> None:
        if not self.ls.session.client.work_done_progress:
            return
        progress = self.ls.work_done_progress
        try:
            await progress.create_async(self.token)
        except Exception as exc:  # a client that refuses the token still gets its scan
            log.info("no progress for the scan: %s", exc)
            return
        # The client's "cancel" button cancels this future (window/workDoneProgress/cancel).
        progress.tokens[self.token].add_done_callback(lambda f: f.cancelled() and self.cancel.set())
        self.active = True
        progress.begin(
            self.token,
            types.WorkDoneProgressBegin(title=self.title, percentage=0, cancellable=True),
        )

    def report(self, done: int, total: int) -> None:
        """Called from the scanning thread."""
        percentage = int(100 * done / total) if total else 100
        if self.active and percentage != self.last:
            self.last = percentage
            value = types.WorkDoneProgressReport(
                message=f"{done}/{total} files", percentage=percentage
            )
            self.loop.call_soon_threadsafe(self.ls.work_done_progress.report, self.token, value)

    def end(self, message: str) -> None:
        if self.active:
            self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))
            self.ls.work_done_progress.tokens.pop(self.token, None)


async def scan_with_progress(ls: DriftServer, workspace: Workspace, *, full: bool) -> ScanSummary:
    """Scan `workspace` off the event loop; the client (or shutdown) may cancel it."""
    cancel = threading.Event()
    ls.session.folders.scans.add(cancel)
    progress = _Progress(ls, f"Drift: scanning {workspace.root.name}", cancel)
    summary = None
    try:
        await progress.begin()
        summary = await asyncio.to_thread(
            workspace.scan, full=full, progress=progress.report, cancel=cancel
        )
    finally:
        ls.session.folders.scans.discard(cancel)
        progress.end(f"Drift: scan {summary.status if summary else 'failed'}")
    log.info("scan of %s: %s", workspace.root, summary.to_json())
    return summary

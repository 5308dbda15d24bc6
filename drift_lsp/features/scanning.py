"""Workspace scans from the editor: in a thread, with `$/progress` work-done reporting."""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from drift_lsp.analysis.scanner import ScanSummary
from drift_lsp.workspace import Workspace

log = logging.getLogger(__name__)


def _supports_progress(ls: LanguageServer) -> bool:
    window = ls.client_capabilities.window
    return bool(window and window.work_done_progress)


async def scan_with_progress(
    ls: LanguageServer, workspace: Workspace, *, full: bool, cancel: threading.Event | None = None
) -> ScanSummary:
    loop = asyncio.get_running_loop()
    token = f"drift-scan-{uuid.uuid4().hex}"
    progress = ls.work_done_progress if _supports_progress(ls) else None
    if progress is not None:
        try:
            await progress.create_async(token)
        except Exception:  # a client that refuses the token still gets its scan
            progress = None
    if progress is not None:
        progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title=f"Drift: scanning {workspace.root.name}", percentage=0, cancellable=False
            ),
        )
    last = [-1]

    def report(done: int, total: int) -> None:
        percentage = int(100 * done / total) if total else 100
        if progress is not None and percentage != last[0]:
            last[0] = percentage
            message = f"{done}/{total} files"
            loop.call_soon_threadsafe(
                progress.report,
                token,
                types.WorkDoneProgressReport(message=message, percentage=percentage),
            )

    try:
        summary = await asyncio.to_thread(workspace.scan, full=full, progress=report, cancel=cancel)
    finally:
        if progress is not None:
            progress.end(token, types.WorkDoneProgressEnd(message="Drift: scan finished"))
    log.info("scan of %s: %s", workspace.root, summary.to_json())
    return summary

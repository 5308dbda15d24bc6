"""The process pool that runs detection for a scan.

Workers come from a fork server, never from a plain fork of the caller: the language server
has threads (pygls's stdin reader, the storage writer) whose locks a forked child would
inherit held, so a worker touching stdin or a log handler would block forever. Workers never
write to the caller's stdout, which carries LSP messages, and exit with their parent: a scan
killed mid-way leaves no orphans behind.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import wait

# Imported once in the fork server, so each worker starts with the grammars loaded.
_PRELOAD = ["drift_lsp.analysis.detect"]


def detection_pool(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker)


def _start_worker() -> None:
    # Anything a worker prints goes to stderr: stdout may be the server's LSP channel.
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    wait([sentinel])
    os._exit(1)

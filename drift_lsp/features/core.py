"""The server core: pygls's LanguageServer holding Drift's state, and a protocol that answers
malformed and out-of-order requests with JSON-RPC errors instead of silence."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import sys
from collections.abc import Coroutine, Generator
from concurrent.futures import Future
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
    JsonRpcServerNotInitialized,
)
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from drift_lsp import __version__
from drift_lsp.features.client import ClientFeatures
from drift_lsp.features.session import Session

log = logging.getLogger(__name__)

# Loggers whose records also go to the client's log (`window/logMessage`); pygls's own
# records stay on stderr, or every message sent would log another message.
CLIENT_LOGGERS = ("drift_lsp", "storage")
_LSP_LEVEL = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
}
# A request already answered with an error while being decoded: nothing left to do.
_ANSWERED = object()


class DriftProtocol(LanguageServerProtocol):
    """pygls drops requests that come before `initialize` or after `shutdown`, and never
    answers one whose params don't decode; a client waiting on any of them would hang."""

    _initialize_seen = False

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "id" in data and "method" in data:
                log.warning("invalid params for %s: %s", data["method"], exc)
                self._send_response(data["id"], error=exc.to_response_error())
                return _ANSWERED
            raise

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, Any]:
        result = yield from super().lsp_initialize(params)
        # Pull diagnostics only where the server can ask for a re-pull: a client that pulls
        # on its own edits alone (Neovim 0.10/0.11) would show the results of a save, an
        # approval or a rescan only after the next keystroke. Those get pushed results.
        if not ClientFeatures.of(params.capabilities).pull_diagnostics:
            result.capabilities.diagnostic_provider = None
        return result

    def _send_handler_result(self, future: Future[Any], *, msg_id: Any) -> None:
        # A JSON-RPC error raised on purpose (bad arguments, a degraded folder) is an answer,
        # not a crash: pygls would log it with a traceback. Bugs still get theirs.
        error = None if future.cancelled() else future.exception()
        if not isinstance(error, JsonRpcException):
            super()._send_handler_result(future, msg_id=msg_id)
            return
        self._request_futures.pop(msg_id, None)
        log.warning("request %s answered with an error: %s", msg_id, error.message)
        self._send_response(msg_id, error=error.to_response_error())

    def handle_message(self, message: Any) -> None:
        if message is _ANSWERED:
            return
        method = getattr(message, "method", None)
        is_request = method is not None and getattr(message, "id", None) is not None
        error: JsonRpcException | None = None
        if method == types.INITIALIZE and self._initialize_seen:
            error = JsonRpcInvalidRequest("initialize was already received")
        elif method == types.INITIALIZE:
            self._initialize_seen = True
        elif not self._initialize_seen and method not in (None, types.EXIT):
            error = JsonRpcServerNotInitialized(f"{method} before initialize")
        elif self._shutdown and method not in (None, types.EXIT):
            error = JsonRpcInvalidRequest(f"{method} after shutdown")
        if error is None:
            super().handle_message(message)
        elif is_request:
            self._send_response(message.id, error=error.to_response_error())
        else:
            log.warning("ignoring %s: %s", method, error.message)


_LENGTH_HEADER = re.compile(rb"content-length:", re.IGNORECASE)
_LENGTH = re.compile(rb"content-length:[ \t]*(\d{1,12})[ \t]*\r?\n", re.IGNORECASE)


class ResyncingStdin:
    """The stdin pygls reads from, made to survive a malformed `Content-Length` header.

    pygls reads headers line by line and ignores a line it can't parse; after a malformed
    length it never reads that message's body, so the body and the next header arrive as one
    line, the next header is never recognised, and the server stays alive but deaf for good.
    Here a header line is put back into the one form pygls accepts, and a line with junk in
    front of a header is cut back to that header: one bad message costs that message only.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def readline(self) -> bytes:
        line = self._stream.readline()
        starts = [match.start() for match in _LENGTH_HEADER.finditer(line)]
        if not starts:
            return line
        if starts[-1] > 0:
            log.error("skipped %d bytes of an unreadable message", starts[-1])
            line = line[starts[-1] :]
        length = _LENGTH.fullmatch(line)
        if length is None:
            # pygls ignores it; the body that follows is cut off the next header above.
            log.error("malformed header %r: that message is skipped", line[:80])
            return line
        return b"Content-Length: %d\r\n" % int(length[1])

    def read(self, size: int) -> bytes:
        return self._stream.read(size)


class ClientLogHandler(logging.Handler):
    """Mirrors log records to `window/logMessage`; safe from any thread."""

    def __init__(self, ls: LanguageServer) -> None:
        super().__init__(logging.INFO)
        self.ls = ls
        self.loop: asyncio.AbstractEventLoop | None = None

    def emit(self, record: logging.LogRecord) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        params = types.LogMessageParams(
            type=_LSP_LEVEL.get(record.levelno, types.MessageType.Log), message=self.format(record)
        )
        # The loop may close in between: the record is on stderr anyway.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self.ls.window_log_message, params)


class DriftServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("drift", __version__, protocol_cls=DriftProtocol)
        self.session = Session()
        self._tasks: set[asyncio.Task[Any]] = set()
        self.client_log = ClientLogHandler(self)
        self.client_log.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        super().start_io(ResyncingStdin(stdin or sys.stdin.buffer), stdout)
        # pygls swallows the SystemExit that carries `exit`'s code. The spec: 0 after a
        # shutdown request, 1 otherwise (also when the client just went away).
        sys.exit(0 if self.protocol._shutdown else 1)

    def attach_client_log(self) -> None:
        """Start mirroring logs to the client (called from the running loop)."""
        self.client_log.loop = asyncio.get_running_loop()
        for name in CLIENT_LOGGERS:
            logging.getLogger(name).addHandler(self.client_log)

    def set_log_level(self, level: str) -> None:
        for name in CLIENT_LOGGERS:
            logging.getLogger(name).setLevel(level.upper())

    def show(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run in the background, keeping a reference so the task isn't collected."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def report_server_error(self, error: Exception, source: Any) -> None:
        # Failures are logged (stderr + the client's log) rather than popped up: the user
        # is told once, by the feature that knows what went wrong, when there is something
        # to do about it.
        if isinstance(error, json.JSONDecodeError):
            self.protocol._send_response(None, error=JsonRpcParseError().to_response_error())
        log.error("%s: %s", getattr(source, "__name__", source), error)

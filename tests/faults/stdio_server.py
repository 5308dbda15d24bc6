"""The real language server over raw stdio, for tests that send what pytest-lsp can't (a
malformed header) or that need every message the server sends."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

# Only turns a hang into a failure; nothing asserts on how long anything takes.
HANG_GUARD_S = 120


def frame(message: dict[str, Any], header: bytes | None = None) -> bytes:
    body = json.dumps(message).encode()
    return (header or b"Content-Length: %d\r\n" % len(body)) + b"\r\n" + body


class Server:
    """The real server over raw stdio; a thread files every message it sends."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "drift_lsp"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.stderr = b""
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self._threads = [
            threading.Thread(target=self._read_stderr, daemon=True),
            threading.Thread(target=self._read_stdout, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _read_stderr(self) -> None:
        self.stderr = self.process.stderr.read()

    def _read_stdout(self) -> None:
        stdout = self.process.stdout
        while True:
            length = 0
            while (line := stdout.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            self.messages.put(json.loads(stdout.read(length)))

    def send(self, data: bytes) -> None:
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def request(self, request_id: int, method: str, params: Any = None) -> None:
        self.send(frame({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}))

    def notify(self, method: str, params: Any = None) -> None:
        self.send(frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def next_message(self) -> dict[str, Any]:
        try:
            return self.messages.get(timeout=HANG_GUARD_S)
        except queue.Empty:
            pytest.fail(f"the server went quiet; stderr: {self.stderr[-2000:]!r}")

    def response(self, request_id: int) -> dict[str, Any]:
        """The response to `request_id`; notifications on the way are kept."""
        while True:
            message = self.next_message()
            if message.get("id") == request_id and "method" not in message:
                return message
            if "id" not in message:
                self.notifications.append(message)

    def initialize(self, root: Path | None = None) -> None:
        folders = [{"uri": root.as_uri(), "name": root.name}] if root else None
        self.request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {},
                                       "workspaceFolders": folders})  # fmt: skip
        assert "result" in self.response(1)
        self.notify("initialized", {})

    def wait(self) -> int:
        try:
            return self.process.wait(HANG_GUARD_S)
        finally:
            self.process.kill()
            self._threads[0].join(HANG_GUARD_S)

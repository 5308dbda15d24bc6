"""The server over raw stdio, the way a buggy or hostile client talks to it (issue 15 item 9):
`exit` without `shutdown` is exit code 1, and a malformed header costs one message, never
the connection."""

from __future__ import annotations

import json
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
    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "drift_lsp"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.stderr = b""
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()

    def _read_stderr(self) -> None:
        self.stderr = self.process.stderr.read()

    def send(self, data: bytes) -> None:
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def request(self, request_id: int, method: str, params: Any = None) -> None:
        self.send(frame({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}))

    def notify(self, method: str, params: Any = None) -> None:
        self.send(frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def response(self, request_id: int) -> dict[str, Any]:
        """The response to `request_id`, skipping notifications and requests to the client."""
        found: dict[str, Any] = {}

        def read() -> None:
            stdout = self.process.stdout
            while True:
                length = 0
                while (line := stdout.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                if not line:
                    return
                message = json.loads(stdout.read(length))
                if message.get("id") == request_id and "method" not in message:
                    found.update(message)
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(HANG_GUARD_S)
        assert found, f"no response to request {request_id}; stderr: {self.stderr[-2000:]!r}"
        return found

    def initialize(self) -> None:
        self.request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        assert "result" in self.response(1)
        self.notify("initialized", {})

    def wait(self) -> int:
        try:
            return self.process.wait(HANG_GUARD_S)
        finally:
            self.process.kill()
            self._drain.join(HANG_GUARD_S)


@pytest.fixture
def server(tmp_path: Path):
    started = Server(tmp_path)
    yield started
    started.process.kill()
    started.process.wait()


def test_exit_without_shutdown_exits_with_code_1(server: Server) -> None:
    server.initialize()
    server.notify("exit")
    assert server.wait() == 1


def test_exit_after_shutdown_exits_with_code_0(server: Server) -> None:
    server.initialize()
    server.request(2, "shutdown")
    assert server.response(2).get("result", "missing") is None
    server.notify("exit")
    assert server.wait() == 0


@pytest.mark.parametrize(
    "header", [b"Content-Length: abc\r\n", b"Content-Length: -3\r\n", b"Content-Lenght: 9\r\n"]
)
def test_a_malformed_header_costs_one_message_not_the_connection(
    server: Server, header: bytes
) -> None:
    server.initialize()
    lost = {"jsonrpc": "2.0", "id": 2, "method": "workspace/executeCommand",
            "params": {"command": "drift.status", "arguments": []}}  # fmt: skip
    server.send(frame(lost, header))
    server.request(3, "shutdown")
    assert server.response(3).get("result", "missing") is None
    server.notify("exit")
    assert server.wait() == 0
    assert b"malformed header" in server.stderr or b"unreadable message" in server.stderr

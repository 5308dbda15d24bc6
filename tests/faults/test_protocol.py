"""The server over raw stdio, the way a buggy or hostile client talks to it (issue 15 item 9):
`exit` without `shutdown` is exit code 1, and a malformed header costs one message, never
the connection."""

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


def test_a_read_only_workspace_is_reported_once_not_opening_forever(
    server: Server, tmp_path: Path
) -> None:
    disk = tmp_path / "ro"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)],
                             capture_output=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        (disk / "app.py").write_text("def load_item(item_id):\n    return item_id\n")
        assert subprocess.run([sys.executable, "-m", "drift_lsp.cli", "--root", str(disk),
                               "scan"], capture_output=True).returncode == 0  # fmt: skip
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        server.initialize(disk)
        server.request(2, "workspace/executeCommand", {"command": "drift.status"})
        answer = server.response(2)
        assert "cannot be written" in answer["error"]["message"]
        server.request(3, "shutdown")
        server.response(3)
        server.notify("exit")
        assert server.wait() == 0
        while not server.messages.empty():
            server.notifications.append(server.messages.get())
        shown = [n["params"]["message"] for n in server.notifications
                 if n["method"] == "window/showMessage"]  # fmt: skip
        assert len([m for m in shown if "cannot be written" in m]) == 1, shown
        assert b"Traceback" not in server.stderr, server.stderr.decode()
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)

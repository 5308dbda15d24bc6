"""The server over raw stdio, the way a buggy or hostile client talks to it (issue 15 item 9):
`exit` without `shutdown` is exit code 1, and a malformed header costs one message, never
the connection."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .stdio_server import Server, frame


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

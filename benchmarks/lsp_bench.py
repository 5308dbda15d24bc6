"""Language server latency on a real workspace: the running interpreter's stdlib.

    python benchmarks/lsp_bench.py [--corpus DIR] [--saves N] [--hovers N] --json

Copies the stdlib to a temporary directory, scans it, adds a 1,000-line module with one
deviating function, then starts the real server (`python -m drift_lsp`) over stdio as a
push-diagnostics client and measures, in the same run:
save_to_diagnostics_p50_ms / p99_ms (didSave -> publishDiagnostics for that document),
hover_p50_ms / p99_ms, floor_p50_ms (round trip of a request the server rejects at once) and
server_rss_mb. Targets: save p50 <= floor + 15 ms, hover p99 <= floor + 5 ms, RSS <= 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from corpus import STDLIB, copy_corpus, private_registry
from report import print_result

from drift_lsp.workspace import Workspace
from storage.repositories.patterns import PatternFilter

MODULE_LINES = 1000


def module_text(revision: int) -> str:
    lines = [f'"""Benchmark module, revision {revision}."""', "", "import logging", ""]
    lines.append("log = logging.getLogger(__name__)")
    index = 0
    while len(lines) < MODULE_LINES - 4:
        lines += [
            "",
            "",
            f"def compute_value_{index}(item_count):",
            f"    return item_count + {index}",
        ]
        index += 1
    lines += ["", "", "def computeDeviant(itemCount):", "    return itemCount"]
    return "\n".join(lines) + "\n"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Client:
    """Just enough JSON-RPC over the server's stdio to time round trips without a framework."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.next_id = 0
        self.pending: dict[int, asyncio.Future] = {}
        self.diagnostics: dict[str, asyncio.Queue] = {}
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := await stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not line:
                return
            message = json.loads(await stream.readexactly(length))
            if "id" in message and "method" in message:
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "id" in message:
                self.pending.pop(message["id"]).set_result(message)
            elif message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                self.queue(params["uri"]).put_nowait(params["diagnostics"])

    def queue(self, uri: str) -> asyncio.Queue:
        return self.diagnostics.setdefault(uri, asyncio.Queue())

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: Any) -> dict[str, Any]:
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return await future


def server_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def measure(root: Path, module: Path, saves: int, hovers: int) -> dict[str, float]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "drift_lsp",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    client = Client(process)
    await client.request(
        "initialize",
        {
            "processId": None,
            "rootUri": root.as_uri(),
            "capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown"]}}},
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
        },
    )
    client.notify("initialized", {})
    uri = module.as_uri()
    queue = client.queue(uri)
    text = module.read_text()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
    )
    found = await asyncio.wait_for(queue.get(), 120)

    save_ms = []
    for revision in range(2, saves + 2):
        text = module_text(revision)
        change = {"textDocument": {"uri": uri, "version": revision}}
        client.notify("textDocument/didChange", change | {"contentChanges": [{"text": text}]})
        started = time.perf_counter()
        client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
        found = await asyncio.wait_for(queue.get(), 60)
        save_ms.append((time.perf_counter() - started) * 1000)

    position = found[0]["range"]["start"] if found else {"line": MODULE_LINES - 2, "character": 5}
    hover_ms, floor_ms = [], []
    for _ in range(hovers):
        started = time.perf_counter()
        await client.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": position}
        )
        hover_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        await client.request("drift/benchmarkPing", {})
        floor_ms.append((time.perf_counter() - started) * 1000)

    rss = server_rss_mb(process.pid)
    await client.request("shutdown", None)
    client.notify("exit", None)
    await process.wait()
    return {
        "save_to_diagnostics_p50_ms": round(statistics.median(save_ms), 2),
        "save_to_diagnostics_p99_ms": round(percentile(save_ms, 0.99), 2),
        "hover_p50_ms": round(statistics.median(hover_ms), 2),
        "hover_p99_ms": round(percentile(hover_ms, 0.99), 2),
        "floor_p50_ms": round(statistics.median(floor_ms), 2),
        "server_rss_mb": round(rss, 1),
        "diagnostics_on_module": len(found),
    }


def approve_function_naming(workspace: Workspace) -> None:
    """Approve the majority function-naming style so the module's deviant gets a diagnostic
    whatever the auto-approval threshold decided."""
    rows = workspace.patterns(PatternFilter(detector_id="naming/function"), after=None, limit=100)
    if rows:
        workspace.set_status([max(rows, key=lambda row: row.location_count).id], "approved")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=STDLIB)
    parser.add_argument("--saves", type=int, default=100)
    parser.add_argument("--hovers", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="drift-lsp-bench-") as tmp:
        private_registry(Path(tmp))
        root = Path(tmp) / "corpus"
        copy_corpus(args.corpus, root)
        module = root / "drift_bench_module.py"
        module.write_text(module_text(1))
        with Workspace.open(root) as workspace:
            workspace.scan(full=True)
            approve_function_naming(workspace)
        result = asyncio.run(measure(root, module, args.saves, args.hovers))

    print_result(result, args.json)


if __name__ == "__main__":
    main()

"""`drift scan --full` while another process writes the same database waits its turn and
finishes (issue 15, "also expected"), instead of failing with "locked … 5000 ms"."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import apsw

from . import Drift

HANG_GUARD_S = 300
# Another process in the middle of a long write batch, as the editor's server is during a
# save's relearning: it holds SQLite's write lock until told to commit.
HOLDER = """
import sys, apsw
conn = apsw.Connection(sys.argv[1])
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO telemetry_snapshots (process, data) VALUES ('other-process', '{}')")
print("holding", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
print("committed", flush=True)
"""


def test_a_full_scan_waits_for_another_writer_and_both_finish(tmp_path: Path, drift: Drift) -> None:
    for n in range(5):
        (tmp_path / f"mod{n}.py").write_text(f"def load_item_{n}(item_id):\n    return item_id\n")
    assert drift(tmp_path, "scan").code == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / ".drift/drift.db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "holding"
    scan = subprocess.Popen(
        [sys.executable, "-m", "drift_lsp.cli", "--root", str(tmp_path), "scan", "--full",
         "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    seen: list[str] = []

    def watch() -> None:  # the scan says it is waiting, then the holder may commit
        for line in scan.stderr:
            seen.append(line)
            if "waiting for it to finish" in line:
                holder.stdin.write("\n")
                holder.stdin.flush()

    outputs: list[str] = []
    # Each pipe has one reader: the watcher owns stderr, this thread stdout.
    readers = [
        threading.Thread(target=watch, daemon=True),
        threading.Thread(target=lambda: outputs.append(scan.stdout.read()), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        scan.wait(HANG_GUARD_S)
    finally:
        scan.kill()
        holder.kill()
    for reader in readers:
        reader.join(HANG_GUARD_S)
    out = "".join(outputs)
    assert holder.wait(HANG_GUARD_S) == 0 and holder.stdout.read().strip() == "committed"
    assert scan.returncode == 0, "".join(seen)
    assert json.loads(out)["files_scanned"] == 5
    assert any("waiting for it to finish" in line for line in seen)
    assert not any("Traceback" in line or "locked" in line for line in seen)
    conn = apsw.Connection(str(tmp_path / ".drift/drift.db"))
    query = "SELECT count(*) FROM telemetry_snapshots WHERE process = 'other-process'"
    assert conn.execute(query).fetchone()[0] == 1, "the other process's write was kept"
    conn.close()

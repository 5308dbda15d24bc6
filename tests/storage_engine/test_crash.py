"""SIGKILL in the middle of write batches: the reopened database is intact and holds every
batch whose commit was reported before the kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import apsw

from storage.database import DatabaseManager

# Four producers keep the writer busy so the kill lands inside a batch; a line is printed
# only after the item's future resolved, i.e. after its batch committed.
CRASHER = textwrap.dedent(
    """
    import sys, threading
    from storage.database import DatabaseManager
    db = DatabaseManager(sys.argv[1])
    lock = threading.Lock()

    def pattern(conn, n):
        conn.execute("INSERT INTO patterns (id, category, name, detector_id, convention_key) "
                     "VALUES (?, 'naming', 'p', 'd', ?)", ("{:016x}".format(n), str(n)))
        conn.executemany(
            "INSERT INTO pattern_locations (pattern_id, file_path, line, end_line) "
            "VALUES (?, 'f.py', ?, ?)", [("{:016x}".format(n), k, k) for k in range(200)])

    def produce(first):
        n = first
        while True:
            db.submit(lambda c, n=n: pattern(c, n)).result()
            with lock:
                print(n, flush=True)
            n += 4

    for p in range(4):
        threading.Thread(target=produce, args=(p,), daemon=True).start()
    threading.Event().wait()
    """
)


def test_sigkill_mid_batch_keeps_every_committed_batch(tmp_path: Path) -> None:
    path = tmp_path / "drift.db"
    DatabaseManager(path).close()
    process = subprocess.Popen(
        [sys.executable, "-c", CRASHER, str(path)], stdout=subprocess.PIPE, text=True
    )
    committed = []
    assert process.stdout is not None
    for line in process.stdout:
        committed.append(int(line))
        if len(committed) >= 60:
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    conn = apsw.Connection(str(path))
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    stored = {int(r[0], 16) for r in conn.execute("SELECT id FROM patterns")}
    assert set(committed) <= stored
    torn = conn.execute(
        "SELECT count(*) FROM patterns p WHERE (SELECT count(*) FROM pattern_locations l "
        "WHERE l.pattern_id = p.id) != 200"
    ).fetchone()[0]
    assert torn == 0, "a pattern survived without all of its locations"
    conn.close()
    with DatabaseManager(path) as db:  # and the manager opens it again normally
        assert db.read("n", lambda c: c.execute("SELECT count(*) FROM patterns").fetchone()[0])

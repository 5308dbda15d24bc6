"""A read that runs several statements sees one committed snapshot, never half a write."""

from __future__ import annotations

import threading
from pathlib import Path

from storage.database import DatabaseManager


def test_a_multi_statement_read_never_straddles_a_commit(tmp_path: Path) -> None:
    with DatabaseManager(tmp_path / "drift.db") as db:
        db.write(
            lambda c: c.executemany(
                "INSERT INTO config (key, value) VALUES (?, '0')", [("a",), ("b",)]
            )
        )
        stop = threading.Event()

        def churn() -> None:
            n = 0
            while not stop.is_set():
                n += 1
                db.write(
                    lambda c, n=n: c.execute(
                        "UPDATE config SET value = ? WHERE key IN ('a', 'b')", (str(n),)
                    )
                )

        def both(conn) -> tuple[str, str]:
            one = "SELECT value FROM config WHERE key = ?"
            return conn.execute(one, ("a",)).fetchone()[0], conn.execute(one, ("b",)).fetchone()[0]

        writer = threading.Thread(target=churn)
        writer.start()
        try:
            torn = [
                pair for pair in (db.read("both", both) for _ in range(3000)) if len(set(pair)) != 1
            ]
        finally:
            stop.set()
            writer.join()
    assert torn == []

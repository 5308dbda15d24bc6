"""The `files` table: what was scanned, its stat and content hash, and why it was skipped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import apsw


@dataclass(frozen=True, slots=True)
class FileStat:
    size: int
    mtime_ns: int
    content_hash: str


def stats(conn: apsw.Connection) -> dict[str, FileStat]:
    return {
        path: FileStat(size, mtime_ns, content_hash)
        for path, size, mtime_ns, content_hash in conn.execute(
            "SELECT path, size, mtime_ns, content_hash FROM files"
        )
    }


def content_hash(conn: apsw.Connection, path: str) -> str | None:
    row = conn.execute("SELECT content_hash FROM files WHERE path = ?", (path,)).fetchone()
    return row[0] if row else None


def upsert(
    conn: apsw.Connection,
    path: str,
    size: int,
    mtime_ns: int,
    content_hash: str,
    language: str | None,
    status: str = "ok",
    error: str | None = None,
) -> None:
    conn.execute(
        "INSERT INTO files (path, size, mtime_ns, content_hash, language, status, error, "
        "last_scanned_at) VALUES (?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
        "ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
        "content_hash = excluded.content_hash, language = excluded.language, "
        "status = excluded.status, error = excluded.error, "
        "last_scanned_at = excluded.last_scanned_at",
        (path, size, mtime_ns, content_hash, language, status, error),
    )


def touch(conn: apsw.Connection, path: str, size: int, mtime_ns: int) -> None:
    """Same content, new stat: remember the stat so the next scan skips without hashing."""
    conn.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", (size, mtime_ns, path))


def delete(conn: apsw.Connection, paths: Iterable[str]) -> None:
    conn.executemany("DELETE FROM pattern_locations WHERE file_path = ?", ((p,) for p in paths))
    conn.executemany("DELETE FROM pattern_examples WHERE file_path = ?", ((p,) for p in paths))
    conn.executemany("DELETE FROM files WHERE path = ?", ((p,) for p in paths))


def set_commit_times(conn: apsw.Connection, times: Iterable[tuple[str, int]]) -> None:
    """(path, commit time in ns) of files git knows; the others keep NULL."""
    conn.executemany("UPDATE files SET committed_at_ns = ?2 WHERE path = ?1", times)

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
    package: str


def stats(conn: apsw.Connection) -> dict[str, FileStat]:
    return {
        path: FileStat(size, mtime_ns, content_hash, package)
        for path, size, mtime_ns, content_hash, package in conn.execute(
            "SELECT path, size, mtime_ns, content_hash, package FROM files"
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
    package: str = "",
) -> None:
    conn.execute(
        "INSERT INTO files (path, size, mtime_ns, content_hash, language, status, error, "
        "package, last_scanned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
        "ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
        "content_hash = excluded.content_hash, language = excluded.language, "
        "status = excluded.status, error = excluded.error, package = excluded.package, "
        "last_scanned_at = excluded.last_scanned_at",
        (path, size, mtime_ns, content_hash, language, status, error, package),
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


def learning_packages(conn: apsw.Connection) -> list[tuple[str, str]]:
    """(folder, language) of the packages that learn their own conventions."""
    return conn.execute("SELECT path, language FROM packages ORDER BY 1, 2").fetchall()


def set_learning_packages(conn: apsw.Connection, packages: Iterable[tuple[str, str]]) -> None:
    conn.execute("DELETE FROM packages")
    conn.executemany("INSERT INTO packages (path, language) VALUES (?, ?)", packages)


def languages(conn: apsw.Connection) -> list[str]:
    """The languages of the files Drift checks, for the project registry."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT language FROM files WHERE language IS NOT NULL ORDER BY language"
        )
    ]

"""Storing analysis results and re-learning the slots they touched.

Both run on the writer connection, inside its transaction: `apply_results` for each batch of
files (a scan) or one file (a save), `relearn` once the batches are in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import apsw

from drift_lsp.analysis.scanner import FileResult
from storage.repositories import files as file_repo
from storage.repositories import scans as scan_repo


@dataclass
class Touched:
    """What a write changed: the slots to re-learn and the files whose content changed."""

    slots: set[scan_repo.Slot] = field(default_factory=set)
    files: set[str] = field(default_factory=set)

    def update(self, other: Touched) -> None:
        self.slots |= other.slots
        self.files |= other.files

    def __bool__(self) -> bool:
        return bool(self.slots or self.files)


def apply_results(conn: apsw.Connection, results: Iterable[FileResult]) -> Touched:
    touched = Touched()
    for result in results:
        if result.unchanged:
            file_repo.touch(conn, result.path, result.size, result.mtime_ns)
            continue
        file_repo.upsert(
            conn,
            result.path,
            result.size,
            result.mtime_ns,
            result.content_hash,
            result.language,
            result.status,
            result.error,
            result.package,
        )
        touched.slots |= scan_repo.replace_observations(conn, result.path, result.observations)
        touched.files.add(result.path)
    return touched


def remove_files(conn: apsw.Connection, paths: Iterable[str]) -> Touched:
    """Forget files that are gone; their slots must be re-learnt without them."""
    touched = Touched()
    for path in paths:
        touched.slots |= scan_repo.slots_of(conn, path)
        touched.files.add(path)
    file_repo.delete(conn, touched.files)
    return touched

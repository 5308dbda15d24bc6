"""Errors the storage layer raises, each with a message a user can act on."""

from __future__ import annotations

from pathlib import Path


class StorageError(Exception):
    """Base class: every storage failure a front-end should report rather than crash on."""


class DatabaseCorruptError(StorageError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"{path} is not a usable Drift database ({detail}). Nothing was changed. "
            f"List backups with `drift backups` and bring one back with `drift restore ID`."
        )
        self.path = path


class DatabaseLockedError(StorageError):
    def __init__(self, path: Path, timeout_ms: int) -> None:
        super().__init__(
            f"{path} is locked by another process and stayed locked for {timeout_ms} ms; "
            f"close the other Drift process (a running `drift scan` or editor) and retry."
        )
        self.path = path


class DiskFullError(StorageError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"no space left to write {path}; the last batch was rolled back and nothing in it "
            f"was saved. Free some disk space and retry."
        )
        self.path = path


class SchemaTooNewError(StorageError):
    def __init__(self, path: Path, found: int, supported: int) -> None:
        super().__init__(
            f"{path} has schema version {found} but this Drift supports up to {supported}; "
            f"upgrade Drift, or restore an older backup with `drift restore ID`."
        )
        self.found = found
        self.supported = supported


class MigrationError(StorageError):
    def __init__(self, migration: str, detail: str) -> None:
        super().__init__(
            f"migration {migration} failed and was rolled back ({detail}); the database is "
            f"unchanged."
        )
        self.migration = migration


class WriterClosedError(StorageError):
    def __init__(self) -> None:
        super().__init__("the database writer is closed; no more writes are accepted")


class UnsafeDirectoryError(StorageError):
    def __init__(self, path: Path, why: str) -> None:
        super().__init__(
            f"{path} {why}, so Drift will not read or write there. Remove it (or replace it "
            f"with a real folder you own) and run `drift scan` again."
        )
        self.path = path


class ReadOnlyDatabaseError(StorageError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"{path} cannot be written ({detail}). Make the file and its folder writable "
            f"(or move the workspace somewhere writable) and retry."
        )
        self.path = path

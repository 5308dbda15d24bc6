"""Errors the storage layer raises, each with a message a user can act on."""

from __future__ import annotations

from pathlib import Path


class StorageError(Exception):
    """Base class: every storage failure a front-end should report rather than crash on."""


class PathError(StorageError):
    """A failure about one file or folder. Each kind states its message once, as a template
    filled with the path and the positional details, and always ends with what to do."""

    template = "{path}"

    def __init__(self, path: Path, *details: object) -> None:
        super().__init__(self.template.format(*details, path=path))
        self.path = path
        self.details = details


class DatabaseCorruptError(PathError):
    template = (
        "{path} is not a usable Drift database ({0}). Nothing was changed. "
        "List backups with `drift backups` and bring one back with `drift restore ID`."
    )


class DatabaseLockedError(PathError):
    template = (
        "{path} is locked by another process and stayed locked for {0} ms; "
        "close the other Drift process (a running `drift scan` or editor) and retry."
    )


class DiskFullError(PathError):
    template = (
        "no space left to write {path}; the last batch was rolled back and nothing in it "
        "was saved. Free some disk space and retry."
    )


class SchemaTooNewError(PathError):
    template = (
        "{path} has schema version {0} but this Drift supports up to {1}; "
        "upgrade Drift, or restore an older backup with `drift restore ID`."
    )

    def __init__(self, path: Path, found: int, supported: int) -> None:
        super().__init__(path, found, supported)
        self.found = found
        self.supported = supported


class UnsafeDirectoryError(PathError):
    template = (
        "{path} {0}, so Drift will not read or write there. Remove it (or replace it "
        "with a real folder you own) and run `drift scan` again."
    )


class ReadOnlyDatabaseError(PathError):
    template = (
        "{path} cannot be written ({0}). Make the file and its folder writable "
        "(or move the workspace somewhere writable) and retry."
    )


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

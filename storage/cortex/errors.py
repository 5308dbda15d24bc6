"""Errors Cortex raises for bad input, each naming what was wrong and what is accepted."""

from __future__ import annotations

from storage.errors import StorageError


class CortexError(StorageError):
    """Base class: the CLI prints the message and exits 2; nothing was written."""


class UnknownMemoryTypeError(CortexError):
    def __init__(self, value: str, known: tuple[str, ...]) -> None:
        super().__init__(f"unknown memory type {value!r}; use one of: {', '.join(known)}")


class UnknownRelationshipError(CortexError):
    def __init__(self, value: str, known: tuple[str, ...]) -> None:
        super().__init__(f"unknown relationship {value!r}; use one of: {', '.join(known)}")


class InvalidContentError(CortexError):
    pass


class InvalidTimeError(CortexError):
    def __init__(self, value: str) -> None:
        super().__init__(
            f"invalid time {value!r}; use ISO-8601 such as 2026-11-25 or 2026-11-25T14:30:00Z"
        )


class MemoryNotFoundError(CortexError):
    def __init__(self, memory_id: int) -> None:
        super().__init__(f"no memory with id {memory_id}; list them with `drift memory list`")
        self.memory_id = memory_id


class EmbeddingError(CortexError, ValueError):
    """A vector that cannot be stored or compared: wrong shape, wrong size, not finite."""

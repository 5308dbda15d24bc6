"""Cortex's data model: memory and relationship types, the records read back, and the
validation of what a user passes in. No SQL here (see `storage.cortex.repo`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from storage.cortex.errors import (
    InvalidContentError,
    UnknownMemoryTypeError,
    UnknownRelationshipError,
)

MEMORY_TYPES = (
    "core", "tribal", "procedural", "semantic", "episodic", "incident", "feedback",
    "conversation", "goal", "workflow", "skill", "environment", "entity", "blocker",
    "decision", "constraint", "preference", "rationale", "reference", "insight", "warning",
    "example", "glossary",
)  # fmt: skip
RELATIONSHIP_TYPES = (
    "supersedes", "supports", "contradicts", "related", "derived_from", "owns", "affects",
    "blocks", "requires", "references", "learned_from", "assigned_to", "depends_on",
)  # fmt: skip

# Columns a new version may change; anything else is identity or bookkeeping.
VERSIONED = (
    "type", "content", "summary", "valid_from", "valid_until", "confidence", "importance",
    "tags", "archived", "archive_reason", "superseded_by", "supersedes", "last_validated",
)  # fmt: skip


@dataclass(frozen=True)
class Memory:
    """One version of a memory; `recorded_until` is None for the version current now."""

    id: int
    version: int
    type: str
    summary: str
    content: Any
    tags: tuple[str, ...]
    recorded_at: str
    recorded_until: str | None
    valid_from: str
    valid_until: str | None
    confidence: float
    importance: float
    created_at: str
    updated_at: str
    created_by: str
    archived: bool
    archive_reason: str | None
    superseded_by: int | None
    supersedes: int | None
    last_validated: str | None
    last_accessed: str | None
    access_count: int

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Memory:
        values = list(row)
        values[4] = json.loads(values[4])
        values[5] = tuple(json.loads(values[5]))
        values[15] = bool(values[15])
        return cls(*values)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["tags"] = list(self.tags)
        return data

    def embedding_text(self) -> str:
        return memory_text(self.summary, self.content, self.tags)


def memory_text(summary: str, content: Any, tags: Iterable[str]) -> str:
    """What gets embedded: the summary, the content's strings, and the tags."""
    parts = [summary]

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(content)
    parts.extend(tags)
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Relationship:
    id: int
    source_id: int
    type: str
    target_id: int
    strength: float
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LinkedPattern:
    """A pattern from drift.db as seen from a memory; name etc. are None if drift.db lacks it."""

    pattern_id: str
    name: str | None
    status: str | None
    confidence_score: float | None
    confidence_level: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SearchFilter:
    """Which memories a search may return. `valid_at` None means now."""

    types: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    valid_at: str | None = None
    include_archived: bool = False


@dataclass
class Links:
    patterns: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    functions: list[tuple[str, str]] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "patterns": self.patterns,
            "files": self.files,
            "functions": [{"file": f, "name": n} for f, n in self.functions],
            "constraints": self.constraints,
        }


# ---- validation ----------------------------------------------------------------------------


def check_type(value: str) -> str:
    if value not in MEMORY_TYPES:
        raise UnknownMemoryTypeError(value, MEMORY_TYPES)
    return value


def check_relationship(value: str) -> str:
    if value not in RELATIONSHIP_TYPES:
        raise UnknownRelationshipError(value, RELATIONSHIP_TYPES)
    return value


def parse_content(text: str) -> Any:
    """JSON text from a user → the value, or an error that says where the JSON broke."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidContentError(
            f"content is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
            f'pass an object such as \'{{"why": "the job runner retries"}}\''
        ) from exc


def dump_json(value: Any, what: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidContentError(f"{what} cannot be stored as JSON: {exc}") from exc


def check_unit(value: float, what: str) -> float:
    if not 0.0 <= float(value) <= 1.0:
        raise InvalidContentError(f"{what} must be between 0 and 1, got {value}")
    return float(value)

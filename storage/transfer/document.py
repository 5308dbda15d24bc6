"""The export document: its schema, a streaming writer, and a reader that validates.

The document is one JSON object; each list in it is written row by row as the rows are read
from the database, so exporting a large workspace never holds it all in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from storage.cortex.model import MEMORY_TYPES, RELATIONSHIP_TYPES
from storage.errors import StorageError
from storage.repositories.patterns import pattern_id_of

FORMAT = "drift-export"
FORMAT_VERSION = 1
# Keys of a pattern or a memory that hold its related rows rather than a column of its own.
PATTERN_PARTS = ("decision", "locations", "variants", "examples", "history")
MEMORY_PARTS = ("versions", "patterns", "files", "functions", "constraints")


class TransferError(StorageError):
    """A document that cannot be imported; the message names the first bad field."""


@cache
def schema() -> dict[str, Any]:
    return json.loads(resources.files("storage.transfer").joinpath("schema.json").read_text())


def columns(definition: str, *, without: Iterable[str] = ()) -> tuple[str, ...]:
    """The fields of one `$defs` entry of the schema: the columns exported and imported."""
    skip = set(without)
    return tuple(k for k in schema()["$defs"][definition]["properties"] if k not in skip)


def write_document(
    out: TextIO, header: Mapping[str, Any], sections: Mapping[str, Iterable[dict[str, Any]]]
) -> None:
    """Write `header`'s fields, then each section as a list, one row per line."""
    out.write("{\n")
    for key, value in header.items():
        out.write(f"  {json.dumps(key)}: {json.dumps(value)},\n")
    for n, (name, rows) in enumerate(sections.items()):
        out.write(f"  {json.dumps(name)}: [")
        separator = "\n    "
        for row in rows:
            out.write(separator + json.dumps(row, ensure_ascii=False))
            separator = ",\n    "
        out.write("]" if separator == "\n    " else "\n  ]")
        out.write(",\n" if n < len(sections) - 1 else "\n")
    out.write("}\n")


def _field(path: Iterable[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "the document"


def _document_order(document: Any, error: ValidationError) -> list[int]:
    """Where an error sits in the file, so the one reported is the first a reader meets."""
    order, node = [], document
    for part in error.absolute_path:
        if isinstance(node, dict):
            order.append(list(node).index(part) if part in node else len(node))
        else:
            order.append(int(part))
        node = node[part]
    return order


def _schema_problem(document: Any) -> str | None:
    errors = list(Draft202012Validator(schema()).iter_errors(document))
    if not errors:
        return None
    first = min(errors, key=lambda e: _document_order(document, e))
    if (
        first.validator == "const"
        and first.absolute_path
        and first.absolute_path[-1]
        in (
            "format",
            "schema_version",
        )
    ):
        return (
            f"{_field(first.absolute_path)}: {first.instance!r} is not a Drift export of format "
            f"version {FORMAT_VERSION}; export it again with this Drift or import it with the "
            f"Drift that wrote it"
        )
    return f"{_field(first.absolute_path)}: {first.message}"


def _consistency_problems(document: dict[str, Any]) -> Iterator[str]:
    """What the schema cannot say: ids that must agree with each other."""
    seen: set[str] = set()
    for n, pattern in enumerate(document["patterns"]):
        where = f"patterns[{n}]"
        # A row whose id disagrees with what every scan computes for it would never match.
        if pattern["id"] != pattern_id_of(pattern["detector_id"], pattern["convention_key"]):
            yield f"{where}.id: does not match its detector_id and convention_key"
        if pattern["id"] in seen:
            yield f"{where}.id: {pattern['id']} appears twice"
        seen.add(pattern["id"])
    memory_ids: set[int] = set()
    for n, memory in enumerate(document.get("memories", [])):
        where = f"memories[{n}]"
        if memory["id"] in memory_ids:
            yield f"{where}.id: {memory['id']} appears twice"
        memory_ids.add(memory["id"])
        if memory["type"] not in MEMORY_TYPES:
            yield f"{where}.type: {memory['type']!r} is not one of {', '.join(MEMORY_TYPES)}"
        if memory["version"] not in {v["version"] for v in memory["versions"]}:
            yield f"{where}.versions: has no entry for the current version {memory['version']}"
    for n, relationship in enumerate(document.get("relationships", [])):
        where = f"relationships[{n}]"
        if relationship["type"] not in RELATIONSHIP_TYPES:
            yield f"{where}.type: {relationship['type']!r} is not a relationship type"
        for end in ("source_id", "target_id"):
            if relationship[end] not in memory_ids:
                yield f"{where}.{end}: memory {relationship[end]} is not in the document"


def read_document(path: Path) -> dict[str, Any]:
    """Parse and validate an export; TransferError names the first problem."""
    try:
        with Path(path).open(encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError as exc:
        raise TransferError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TransferError(f"{path}: cannot be read ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise TransferError(
            f"{path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    problem = _schema_problem(document) or next(_consistency_problems(document), None)
    if problem is not None:
        raise TransferError(f"{path}: {problem}; nothing was imported")
    return document

"""`drift.lock`: the conventions a team decided, as a TOML file committed with the code.

One table per decided convention, keyed by its rule code and its pattern — the value, the
context and the scope (language, `:test` for test code, `#package` for a package of a
monorepo) exactly as Drift stores them, so a key names one convention on every machine:

    version = 1

    [conventions."naming/function"."snake_case/declaration@python"]
    status = "approved"
    by = "Ann Lee"
    at = 2026-12-03

The file is deterministic so that git can diff and merge it: tables sorted by rule and
pattern, a date and not a time (re-writing an unchanged decision changes nothing), and each
table on lines of its own, so two branches deciding different rules touch different hunks.
This module knows the file only; `locking` maps it to and from the database.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

LOCK_FILE = "drift.lock"
SCHEMA_VERSION = 1
STATUSES = ("approved", "ignored")
# Who decides when nobody did: conventions approved by learning and pinned by `drift lock`.
AUTO = "drift"
_ENTRY_KEYS = {"status", "by", "at"}


class LockError(ValueError):
    """A malformed lock, with the line (1-based, 0 when unknown) and the key at fault."""

    def __init__(self, message: str, *, line: int = 0, key: str = "") -> None:
        self.line, self.key = line, key
        where = f"{LOCK_FILE}:{line}" if line else LOCK_FILE
        named = f" {key}:" if key else ""
        super().__init__(f"{where}:{named} {message}")


@dataclass(frozen=True)
class LockEntry:
    rule: str  # the detector id, e.g. naming/function
    pattern: str  # value/context@scope, e.g. snake_case/declaration@python:test
    status: str
    by: str
    at: dt.date

    @property
    def key(self) -> tuple[str, str]:
        return self.rule, self.pattern

    @property
    def value(self) -> str:
        return self.pattern.rpartition("/")[0]

    def describe(self) -> str:
        return f"{self.rule} {self.pattern}"


@dataclass(frozen=True)
class Lock:
    entries: dict[tuple[str, str], LockEntry]

    def with_entries(self, entries: list[LockEntry]) -> Lock:
        return Lock({**self.entries, **{entry.key: entry for entry in entries}})


def lock_path(root: Path) -> Path:
    return root / LOCK_FILE


def read_lock(root: Path) -> Lock | None:
    """The workspace's lock, or None when it has none; LockError when it is malformed."""
    try:
        text = lock_path(root).read_text("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise LockError(f"cannot be read ({exc})") from exc
    return parse(text)


def parse(text: str) -> Lock:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", 0) or _line_of_error(str(exc), text)
        raise LockError(f"not valid TOML ({exc})", line=line) from exc
    lines = text.splitlines()
    if data.get("version") != SCHEMA_VERSION:
        raise LockError(
            f"expected version = {SCHEMA_VERSION}, found {data.get('version')!r}",
            line=_key_line(lines, 0, "version"),
            key="version",
        )
    unknown = set(data) - {"version", "conventions"}
    if unknown:
        key = sorted(unknown)[0]
        raise LockError("unknown key", line=_key_line(lines, 0, key), key=key)
    rules = data.get("conventions", {})
    if not isinstance(rules, dict):
        raise LockError("expected tables of rules", key="conventions")
    entries = {}
    for rule, patterns in rules.items():
        if not isinstance(patterns, dict):
            raise LockError("expected a table per pattern", key=f"conventions.{rule}")
        for pattern, fields in patterns.items():
            entry = _entry(rule, pattern, fields, lines)
            entries[entry.key] = entry
    return Lock(entries)


def _entry(rule: str, pattern: str, fields: Any, lines: list[str]) -> LockEntry:
    where = f'conventions."{rule}"."{pattern}"'
    header = _header_line(lines, rule, pattern)
    if "/" not in rule or "/" not in pattern or "@" not in pattern.rpartition("/")[2]:
        raise LockError(
            "expected a rule code and a value/context@scope pattern", line=header, key=where
        )
    if not isinstance(fields, dict):
        raise LockError("expected a table", line=header, key=where)

    def fail(key: str, message: str) -> LockError:
        return LockError(message, line=_key_line(lines, header, key), key=f"{where}.{key}")

    for key in sorted(set(fields) - _ENTRY_KEYS):
        raise fail(key, f"unknown key (expected {', '.join(sorted(_ENTRY_KEYS))})")
    for key in sorted(_ENTRY_KEYS - set(fields)):
        raise LockError(f"missing key {key!r}", line=header, key=where)
    if fields["status"] not in STATUSES:
        raise fail("status", f"expected one of {', '.join(STATUSES)}, found {fields['status']!r}")
    if not isinstance(fields["by"], str) or not fields["by"]:
        raise fail("by", "expected the name of who decided")
    at = fields["at"]
    if not isinstance(at, dt.date) or isinstance(at, dt.datetime):
        raise fail("at", f"expected a date like 2026-12-03, found {at!r}")
    return LockEntry(rule, pattern, fields["status"], fields["by"], at)


def dumps(lock: Lock) -> str:
    conventions: dict[str, dict[str, dict[str, Any]]] = {}
    for entry in sorted(lock.entries.values(), key=lambda e: e.key):
        table = {"status": entry.status, "by": entry.by, "at": entry.at}
        conventions.setdefault(entry.rule, {})[entry.pattern] = table
    return tomli_w.dumps({"version": SCHEMA_VERSION, "conventions": conventions})


def write_lock(root: Path, lock: Lock) -> bool:
    """Write the lock atomically (an editor or git never sees half of it); returns whether
    its content changed."""
    path = lock_path(root)
    text = dumps(lock)
    try:
        if path.read_text("utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".drift.lock.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


# tomllib names no position but in its message ("... (at line 3, column 7)"); a schema
# error is located by finding its table header, then its key below it.
_AT_LINE = re.compile(r"at line (\d+)")


def _line_of_error(message: str, text: str) -> int:
    found = _AT_LINE.search(message)
    if found:
        return int(found.group(1))
    return max(len(text.splitlines()), 1) if "end of document" in message else 0


def _header_line(lines: list[str], rule: str, pattern: str) -> int:
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("[") and rule in line and pattern in line:
            return number
    return 0


def _key_line(lines: list[str], after: int, key: str) -> int:
    for number in range(after + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if number > after + 1 and stripped.startswith("["):
            break
        if re.match(rf'"?{re.escape(key)}"?\s*=', stripped):
            return number
    return 0

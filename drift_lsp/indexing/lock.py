"""`drift.lock`: the conventions a team decided, as a TOML file committed with the code.

One table per decided convention, keyed by its rule code and its convention key — the
value, the context and the scope (language, `:test` for test code, `#package` for a package of a
monorepo) exactly as Drift stores them, so a key names one convention on every machine:

    version = 1

    [conventions."naming/function"."snake_case/declaration@python"]
    status = "approved"
    by = "Ann Lee"
    at = 2026-12-03

    [overrides."naming/function"."snake_case/declaration@python"."legacy/"]
    severity = "off"
    expires = 2027-06-30
    by = "Ann Lee"
    at = 2026-12-03

The second kind of table is a scoped override (`drift override`): the convention's severity,
or "off", in the files a gitignore-style glob matches, optionally until a date.

The file is deterministic so that git can diff and merge it: tables sorted by rule and
convention key, a date and not a time (re-writing an unchanged decision changes nothing), and each
table on lines of its own, so two branches deciding different rules touch different hunks.
This module knows the file only; `locking` maps it to and from the database.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from drift_lsp.config import ignore_pattern_problem

LOCK_FILE = "drift.lock"
SCHEMA_VERSION = 1
STATUSES = ("approved", "ignored")
OVERRIDE_SEVERITIES = ("error", "warning", "info", "hint", "off")
# Who decides when nobody did: conventions approved by learning and pinned by `drift lock`.
AUTO = "drift"


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
    convention_key: str  # value/context@scope, e.g. snake_case/declaration@python:test
    status: str
    by: str
    at: dt.date

    @property
    def key(self) -> tuple[str, str]:
        return self.rule, self.convention_key

    def describe(self) -> str:
        return f"{self.rule} {self.convention_key}"


@dataclass(frozen=True)
class LockOverride:
    """A severity, or "off", for one convention under a gitignore-style glob of paths."""

    rule: str
    convention_key: str
    glob: str
    severity: str
    expires: dt.date | None
    by: str
    at: dt.date

    @property
    def key(self) -> tuple[str, str, str]:
        return self.rule, self.convention_key, self.glob

    def describe(self) -> str:
        until = f" until {self.expires.isoformat()}" if self.expires else ""
        return f"{self.rule} {self.convention_key} in {self.glob}: {self.severity}{until}"


@dataclass(frozen=True)
class Lock:
    entries: dict[tuple[str, str], LockEntry]
    overrides: dict[tuple[str, str, str], LockOverride] = field(default_factory=dict)

    def with_entries(self, entries: list[LockEntry]) -> Lock:
        return replace(self, entries={**self.entries, **{e.key: e for e in entries}})

    def with_overrides(self, key: tuple[str, str, str], override: LockOverride | None) -> Lock:
        """The lock with the override at `key` set, or removed when `override` is None."""
        overrides = {k: v for k, v in self.overrides.items() if k != key}
        if override is not None:
            overrides[key] = override
        return replace(self, overrides=overrides)


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
    unknown = set(data) - {"version", "conventions", "overrides"}
    if unknown:
        key = sorted(unknown)[0]
        raise LockError("unknown key", line=_key_line(lines, 0, key), key=key)
    entries = {}
    for names, table in _tables(data, "conventions", 2, lines):
        table.fields({"status", "by", "at"})
        entry = LockEntry(
            *names, table.choice("status", STATUSES), table.name("by"), table.date("at")
        )
        entries[entry.key] = entry
    overrides = {}
    for names, table in _tables(data, "overrides", 3, lines):
        fields = table.fields({"severity", "by", "at"}, optional=("expires",))
        problem = ignore_pattern_problem(names[2])
        if problem:
            raise table.fail("", f"the path pattern is {problem}")
        override = LockOverride(
            *names,
            table.choice("severity", OVERRIDE_SEVERITIES),
            table.date("expires") if "expires" in fields else None,
            table.name("by"),
            table.date("at"),
        )
        overrides[override.key] = override
    return Lock(entries, overrides)


@dataclass(frozen=True)
class _Table:
    """One table of the lock being read, able to say where its faults are."""

    where: str
    data: dict[str, Any]
    lines: list[str]
    header: int

    def fail(self, key: str, message: str) -> LockError:
        line = _key_line(self.lines, self.header, key) if key else self.header
        return LockError(message, line=line, key=f"{self.where}.{key}" if key else self.where)

    def fields(self, required: set[str], optional: tuple[str, ...] = ()) -> dict[str, Any]:
        """The table's keys, once it has every required one and no other."""
        known = required | set(optional)
        unknown = sorted(set(self.data) - known)
        if unknown:
            raise self.fail(unknown[0], f"unknown key (expected {', '.join(sorted(known))})")
        missing = sorted(required - set(self.data))
        if missing:
            raise self.fail("", f"missing key {missing[0]!r}")
        return self.data

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        if self.data[key] not in allowed:
            found = self.data[key]
            raise self.fail(key, f"expected one of {', '.join(allowed)}, found {found!r}")
        return self.data[key]

    def name(self, key: str) -> str:
        if not isinstance(self.data[key], str) or not self.data[key]:
            raise self.fail(key, "expected the name of who decided")
        return self.data[key]

    def date(self, key: str) -> dt.date:
        value = self.data[key]
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise self.fail(key, f"expected a date like 2026-12-03, found {value!r}")
        return value


def _tables(
    data: dict[str, Any], section: str, depth: int, lines: list[str]
) -> Iterator[tuple[tuple[str, ...], _Table]]:
    """The leaf tables of a section, `depth` names down: (rule, convention key[, glob])."""
    level: list[tuple[tuple[str, ...], Any]] = [((), data.get(section, {}))]
    for _ in range(depth):
        deeper = []
        for names, table in level:
            if not isinstance(table, dict):
                where = ".".join([section, *(f'"{n}"' for n in names)])
                # A value where a table belongs: `conventions = 3`, or `x = 1` in one.
                line = _assignment_line(lines, names[-1] if names else section)
                raise LockError("expected a table", line=line, key=where)
            deeper.extend(((*names, key), value) for key, value in table.items())
        level = deeper
    for names, table in level:
        where = ".".join([section, *(f'"{n}"' for n in names)])
        header = _header_line(lines, *names)
        rule, key = names[0], names[1]
        if "/" not in rule or "/" not in key or "@" not in key.rpartition("/")[2]:
            expected = "expected a rule code and a value/context@scope convention key"
            raise LockError(expected, line=header, key=where)
        if not isinstance(table, dict):
            line = header or _assignment_line(lines, names[-1])
            raise LockError("expected a table", line=line, key=where)
        yield names, _Table(where, table, lines, header)


def dumps(lock: Lock) -> str:
    conventions: dict[str, dict[str, dict[str, Any]]] = {}
    for entry in sorted(lock.entries.values(), key=lambda e: e.key):
        table = {"status": entry.status, "by": entry.by, "at": entry.at}
        conventions.setdefault(entry.rule, {})[entry.convention_key] = table
    overrides: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for override in sorted(lock.overrides.values(), key=lambda o: o.key):
        table: dict[str, Any] = {"severity": override.severity}
        if override.expires is not None:
            table["expires"] = override.expires
        table |= {"by": override.by, "at": override.at}
        of_rule = overrides.setdefault(override.rule, {})
        of_rule.setdefault(override.convention_key, {})[override.glob] = table
    document: dict[str, Any] = {"version": SCHEMA_VERSION, "conventions": conventions}
    if overrides:
        document["overrides"] = overrides
    return tomli_w.dumps(document)


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


def _header_line(lines: list[str], *names: str) -> int:
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("[") and all(name in line for name in names):
            return number
    return 0


def _assignment_line(lines: list[str], key: str) -> int:
    pattern = re.compile(rf'\s*"?{re.escape(key)}"?\s*=')
    return next((n for n, line in enumerate(lines, start=1) if pattern.match(line)), 0)


def _key_line(lines: list[str], after: int, key: str) -> int:
    for number in range(after + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if number > after + 1 and stripped.startswith("["):
            break
        if re.match(rf'"?{re.escape(key)}"?\s*=', stripped):
            return number
    return 0

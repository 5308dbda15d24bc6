"""Typed access to patterns, their locations, examples, variants, history and decisions.

Every listing is keyset-paginated on the primary key (`after`, `limit`), never OFFSET.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any

import apsw

STATUSES = ("discovered", "approved", "ignored")


def pattern_id_of(detector_id: str, convention_key: str) -> str:
    """A pattern's id (16 hex digits, ARCHITECTURE.md "Pattern id"): stable across scans,
    machines and databases, so learning, drift.lock, imports and v1 upgrades agree on it."""
    return hashlib.sha256(f"{detector_id}\0{convention_key}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PatternRow:
    id: str
    category: str
    subcategory: str | None
    name: str
    description: str
    status: str
    detection_method: str
    detector_id: str
    # "value/context@scope": which of its detector's conventions this is (model.convention_key_of).
    convention_key: str
    confidence_frequency: float
    confidence_consistency: float
    confidence_age: float
    confidence_spread: float
    confidence_score: float
    confidence_level: str
    severity: str
    auto_fixable: int
    location_count: int
    outlier_count: int
    first_seen: str
    last_seen: str
    source: str
    tags: str
    created_at: str
    updated_at: str

    @property
    def value(self) -> str:
        return self.convention_key.rpartition("/")[0]

    @property
    def context(self) -> str:
        """The slot's context, with its scope after an "@" (e.g. "declaration@python:test")."""
        return self.convention_key.rpartition("/")[2]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["tags"] = json.loads(self.tags)
        # What `--json` called the convention key before it had its own name.
        data["pattern_id"] = self.convention_key
        data["value"] = self.value
        data["context"], _, data["scope"] = self.context.partition("@")
        return data


_COLUMNS = ", ".join(f.name for f in fields(PatternRow))


@dataclass(frozen=True)
class LocationRow:
    id: int
    pattern_id: str
    file_path: str
    line: int
    column: int
    end_line: int
    end_column: int
    value: str | None
    is_outlier: int
    outlier_reason: str | None


_LOCATION_COLUMNS = ", ".join(f.name for f in fields(LocationRow))

# The observation groups in a pattern's slot (detector and context): its locations.
_SLOT_GROUPS = (
    "patterns p JOIN observation_groups g ON g.detector_id = p.detector_id "
    "AND p.convention_key LIKE '%/' || g.context"
)


@dataclass(frozen=True)
class ExampleRow:
    id: int
    pattern_id: str
    file_path: str
    start_line: int
    end_line: int
    code: str
    quality: float
    is_positive: int


@dataclass(frozen=True)
class VariantRow:
    pattern_id: str
    scope: str
    scope_path: str | None
    severity: str | None


@dataclass(frozen=True)
class PatternFilter:
    category: str | None = None
    status: str | None = None
    level: str | None = None
    detector_id: str | None = None
    tag: str | None = None
    seen_after: str | None = None
    seen_before: str | None = None
    file_path: str | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None


def _where(where: PatternFilter, after: str | None) -> tuple[str, list[Any]]:
    clauses, params = ["(? IS NULL OR id > ?)"], [after, after]
    for sql, value in (
        ("category = ?", where.category),
        ("status = ?", where.status),
        ("confidence_level = ?", where.level),
        ("detector_id = ?", where.detector_id),
        ("EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)", where.tag),
        ("last_seen >= ?", where.seen_after),
        ("last_seen < ?", where.seen_before),
        ("confidence_score >= ?", where.min_confidence),
        ("confidence_score <= ?", where.max_confidence),
        (f"id IN (SELECT p.id FROM {_SLOT_GROUPS} WHERE g.file_path = ?)", where.file_path),
    ):
        if value is not None:
            clauses.append(sql)
            params.append(value)
    return " AND ".join(clauses), params


def get(conn: apsw.Connection, pattern_id: str) -> PatternRow | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM patterns WHERE id = ?", (pattern_id,)).fetchone()
    return PatternRow(*row) if row else None


def exists(conn: apsw.Connection, pattern_id: str) -> bool:
    return conn.execute("SELECT 1 FROM patterns WHERE id = ?", (pattern_id,)).fetchone() is not None


def search(
    conn: apsw.Connection,
    where: PatternFilter = PatternFilter(),
    *,
    after: str | None = None,
    limit: int = 100,
) -> list[PatternRow]:
    """Patterns matching every field set in `where`, in id order; pass the last id as `after`.

    This is the one finder: by category, status, confidence level or range, detector, tag,
    last-seen date range, or file (patterns with a location in it).
    """
    clause, params = _where(where, after)
    sql = f"SELECT {_COLUMNS} FROM patterns WHERE {clause} ORDER BY id LIMIT ?"
    return [PatternRow(*row) for row in conn.execute(sql, (*params, limit))]


def count(conn: apsw.Connection, where: PatternFilter = PatternFilter()) -> int:
    clause, params = _where(where, None)
    return conn.execute(f"SELECT count(*) FROM patterns WHERE {clause}", params).fetchone()[0]


def for_file(
    conn: apsw.Connection, file_path: str, *, after: str | None = None, limit: int = 500
) -> list[PatternRow]:
    """Patterns with at least one location in `file_path`: the editor's hot read."""
    return search(conn, PatternFilter(file_path=file_path), after=after, limit=limit)


def approved(conn: apsw.Connection) -> list[PatternRow]:
    return [
        PatternRow(*row)
        for row in conn.execute(f"SELECT {_COLUMNS} FROM patterns WHERE status = 'approved'")
    ]


def for_slot(conn: apsw.Connection, detector_id: str, context: str) -> list[PatternRow]:
    return [
        PatternRow(*row)
        for row in conn.execute(
            f"SELECT {_COLUMNS} FROM patterns WHERE detector_id = ? AND convention_key LIKE ?",
            (detector_id, f"%/{context}"),
        )
    ]


_IN_FORCE = "expires_at IS NULL OR expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


def variants(conn: apsw.Connection) -> list[VariantRow]:
    """Variants in force now; expired ones are kept for history but ignored."""
    sql = f"SELECT pattern_id, scope, scope_path, severity FROM pattern_variants WHERE {_IN_FORCE}"
    return [VariantRow(*row) for row in conn.execute(sql)]


# Locations that follow their pattern's convention, derived from the observations: only
# deviations are stored in pattern_locations. Their id is 0: they have no row of their own.
_CONFORMING = (
    "SELECT 0, p.id, o.file_path, o.line, o.column, o.end_line, o.end_column, o.value, 0, NULL "
    "FROM observation_locations o JOIN patterns p ON p.detector_id = o.detector_id "
    "AND p.convention_key = o.value || '/' || o.context"
)


def locations_at(conn: apsw.Connection, file_path: str, line: int) -> list[LocationRow]:
    """Every pattern location covering `line`, deviations first."""
    return [
        LocationRow(*row)
        for row in conn.execute(
            f"SELECT {_LOCATION_COLUMNS} FROM pattern_locations "
            "WHERE file_path = ?1 AND line <= ?2 AND end_line >= ?2 UNION ALL "
            f"{_CONFORMING} WHERE o.file_path = ?1 AND o.line <= ?2 AND o.end_line >= ?2 "
            "ORDER BY 9 DESC, 1",
            (file_path, line),
        )
    ]


def conforming_location(conn: apsw.Connection, pattern_id: str) -> LocationRow | None:
    """One place that follows the pattern, for pointing a deviation at the convention."""
    # The first range of the first conforming file, without expanding every group's ranges.
    row = conn.execute(
        "SELECT 0, p.id, g.file_path, json_extract(g.ranges, '$[0][0]'), "
        "json_extract(g.ranges, '$[0][1]'), json_extract(g.ranges, '$[0][2]'), "
        "json_extract(g.ranges, '$[0][3]'), g.value, 0, NULL FROM patterns p "
        "JOIN observation_groups g ON g.detector_id = p.detector_id "
        "AND p.convention_key = g.value || '/' || g.context WHERE p.id = ? "
        "ORDER BY g.file_path LIMIT 1",
        (pattern_id,),
    ).fetchone()
    return LocationRow(*row) if row else None


def locations(
    conn: apsw.Connection,
    pattern_id: str,
    *,
    outliers: bool | None = None,
    after: int = 0,
    limit: int = 100,
) -> list[LocationRow]:
    flag = None if outliers is None else int(outliers)
    return [
        LocationRow(*row)
        for row in conn.execute(
            f"SELECT {_LOCATION_COLUMNS} FROM pattern_locations WHERE pattern_id = ? "
            "AND (? IS NULL OR is_outlier = ?) AND id > ? ORDER BY id LIMIT ?",
            (pattern_id, flag, flag, after, limit),
        )
    ]


def examples(
    conn: apsw.Connection, pattern_id: str, limit: int = 5, *, positive: bool = True
) -> list[ExampleRow]:
    return [
        ExampleRow(*row)
        for row in conn.execute(
            "SELECT id, pattern_id, file_path, start_line, end_line, code, quality, is_positive "
            "FROM pattern_examples WHERE pattern_id = ? AND is_positive = ? "
            "ORDER BY quality DESC, id LIMIT ?",
            (pattern_id, int(positive), limit),
        )
    ]


def status(conn: apsw.Connection) -> dict[str, Any]:
    cursor = conn.execute("SELECT * FROM materialized_status WHERE id = 1")
    names = [d[0] for d in cursor.getdescription()]
    row = cursor.fetchone()
    data = dict(zip(names, row, strict=True)) if row else {}
    data.pop("id", None)
    data["categories"] = {
        category: {
            "total": total,
            "approved": approved_,
            "discovered": discovered,
            "ignored": ignored,
            "locations": locs,
            "outliers": outs,
        }
        for category, total, approved_, discovered, ignored, locs, outs in conn.execute(
            "SELECT category, total, approved, discovered, ignored, locations, outliers "
            "FROM materialized_category_counts WHERE total > 0 ORDER BY category"
        )
    }
    return data


def counts_by(conn: apsw.Connection, column: str) -> dict[str, int]:
    """Aggregation by category, status or confidence level."""
    if column not in ("category", "status", "confidence_level", "detector_id"):
        raise ValueError(f"cannot group patterns by {column!r}")
    return dict(conn.execute(f"SELECT {column}, count(*) FROM patterns GROUP BY {column}"))


@dataclass(frozen=True)
class LocationStats:
    locations: int
    outliers: int
    files: int
    files_with_outliers: int

    @property
    def outlier_ratio(self) -> float:
        return self.outliers / self.locations if self.locations else 0.0


def location_stats(conn: apsw.Connection, pattern_id: str | None = None) -> LocationStats:
    """Totals over every location, or over one pattern's."""
    row = conn.execute(
        "SELECT (SELECT coalesce(sum(location_count), 0) FROM patterns "
        "        WHERE ?1 IS NULL OR id = ?1), "
        "(SELECT coalesce(sum(outlier_count), 0) FROM patterns WHERE ?1 IS NULL OR id = ?1), "
        f"(SELECT count(DISTINCT g.file_path) FROM {_SLOT_GROUPS} WHERE ?1 IS NULL OR p.id = ?1), "
        "(SELECT count(DISTINCT file_path) FROM pattern_locations "
        " WHERE ?1 IS NULL OR pattern_id = ?1)",
        (pattern_id,),
    ).fetchone()
    return LocationStats(*row)


@dataclass(frozen=True)
class OutlierFile:
    file_path: str
    outliers: int
    locations: int


def outlier_files(
    conn: apsw.Connection, *, after: tuple[int, str] | None = None, limit: int = 50
) -> list[OutlierFile]:
    """Files by number of deviations, most first; `after` is the last row's
    (outliers, file_path)."""
    most, path = after if after is not None else (None, None)
    return [
        OutlierFile(*row)
        for row in conn.execute(
            "SELECT l.file_path, count(*) AS outliers, "
            f"(SELECT sum(g.occurrences) FROM {_SLOT_GROUPS} WHERE g.file_path = l.file_path) "
            "FROM pattern_locations l GROUP BY l.file_path "
            "HAVING ?1 IS NULL OR outliers < ?1 OR (outliers = ?1 AND l.file_path > ?2) "
            "ORDER BY outliers DESC, l.file_path LIMIT ?3",
            (most, path, limit),
        )
    ]


# ---- writes (run on the writer connection) -------------------------------------------


def _history(
    conn: apsw.Connection, pattern_id: str, action: str, old: Any, new: Any, actor: str = "drift"
) -> None:
    conn.execute(
        "INSERT INTO pattern_history (pattern_id, action, old_value, new_value, actor) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            pattern_id,
            action,
            None if old is None else json.dumps(old),
            None if new is None else json.dumps(new),
            actor,
        ),
    )


def create(conn: apsw.Connection, row: PatternRow) -> None:
    """Insert a new pattern (apsw.ConstraintError if the id exists) with its history row."""
    data = asdict(row)
    conn.execute(
        f"INSERT INTO patterns ({_COLUMNS}) VALUES ({', '.join('?' * len(data))})",
        tuple(data.values()),
    )
    _history(conn, row.id, "created", None, {"status": row.status, "score": row.confidence_score})


def bulk_create(conn: apsw.Connection, rows: Iterable[PatternRow]) -> int:
    created = 0
    for row in rows:
        create(conn, row)
        created += 1
    return created


# Columns a caller may change with `update`; status goes through `set_status` (a decision),
# counts through `set_counts`, identity never changes.
_FIXED = ("id", "detector_id", "convention_key", "status", "location_count", "outlier_count")
EDITABLE = frozenset(f.name for f in fields(PatternRow) if f.name not in (*_FIXED, "created_at"))


def update(conn: apsw.Connection, pattern_id: str, changes: dict[str, Any]) -> bool:
    """Change some columns of one pattern; returns False if it does not exist."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)}; editable: {sorted(EDITABLE)}")
    old = get(conn, pattern_id)
    if old is None:
        return False
    if "tags" in changes and not isinstance(changes["tags"], str):
        changes = {**changes, "tags": json.dumps(changes["tags"])}
    changed = {k: v for k, v in changes.items() if getattr(old, k) != v}
    if not changed:
        return True
    assignments = ", ".join(f"{k} = ?" for k in changed)
    conn.execute(
        f"UPDATE patterns SET {assignments}, "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
        (*changed.values(), pattern_id),
    )
    _history(conn, pattern_id, "updated", {k: getattr(old, k) for k in changed}, changed)
    return True


def bulk_update(conn: apsw.Connection, changes: dict[str, dict[str, Any]]) -> int:
    """`{pattern_id: {column: value}}`; returns how many patterns existed."""
    return sum(update(conn, pattern_id, columns) for pattern_id, columns in changes.items())


def bulk_delete(conn: apsw.Connection, pattern_ids: Iterable[str]) -> int:
    return sum(delete(conn, pattern_id) for pattern_id in pattern_ids)


def upsert(conn: apsw.Connection, row: PatternRow) -> str:
    """Insert or update a learned pattern; returns 'created', 'updated' or 'unchanged'."""
    old = get(conn, row.id)
    data = asdict(row)
    if old is None:
        create(conn, row)
        return "created"
    keep = {"id", "created_at", "first_seen"}
    changes = {k: v for k, v in data.items() if k not in keep and getattr(old, k) != v}
    if set(changes) <= {"last_seen", "updated_at"}:
        if changes:
            conn.execute("UPDATE patterns SET last_seen = ? WHERE id = ?", (row.last_seen, row.id))
        return "unchanged"
    assignments = ", ".join(f"{k} = ?" for k in changes)
    conn.execute(f"UPDATE patterns SET {assignments} WHERE id = ?", (*changes.values(), row.id))
    tracked = {k: v for k, v in changes.items() if k in ("status", "confidence_score", "severity")}
    if tracked:
        before = {k: getattr(old, k) for k in tracked}
        action = "approved" if changes.get("status") == "approved" else "updated"
        _history(conn, row.id, action, before, tracked)
    return "updated"


def delete(conn: apsw.Connection, pattern_id: str) -> bool:
    """Delete a pattern with its locations, examples and variants; history keeps a row."""
    old = get(conn, pattern_id)
    if old is None:
        return False
    conn.execute("DELETE FROM patterns WHERE id = ?", (pattern_id,))
    _history(conn, pattern_id, "deleted", {"status": old.status, "name": old.name}, None)
    return True


def set_status(
    conn: apsw.Connection, pattern_ids: Iterable[str], status: str, actor: str = "user"
) -> int:
    """A user decision: recorded in learned_patterns so it survives rescans and re-learning."""
    if status not in ("approved", "ignored"):
        raise ValueError(f"status must be approved or ignored, not {status!r}")
    changed = 0
    for pattern_id in pattern_ids:
        old = get(conn, pattern_id)
        if old is None:
            raise KeyError(pattern_id)
        decided = decision(conn, pattern_id)
        conn.execute(
            "INSERT INTO learned_patterns (pattern_id, detector_id, convention_key, decision, "
            "decided_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (pattern_id) DO UPDATE SET "
            "decision = excluded.decision, decided_by = excluded.decided_by, "
            "decided_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            (pattern_id, old.detector_id, old.convention_key, status, actor),
        )
        if old.status != status:
            conn.execute(
                "UPDATE patterns SET status = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', "
                "'now') WHERE id = ?",
                (status, pattern_id),
            )
            _history(conn, pattern_id, status, {"status": old.status}, {"status": status}, actor)
            changed += 1
        elif decided is None or decided[:2] != (status, actor):
            # A person confirming what learning decided alone is history too: who approved.
            _history(conn, pattern_id, status, {"status": old.status}, {"status": status}, actor)
    return changed


def decisions(conn: apsw.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT pattern_id, decision FROM learned_patterns"))


def history(
    conn: apsw.Connection, pattern_id: str, *, after: int = 0, limit: int = 100
) -> list[tuple[int, str, str | None, str | None, str, str]]:
    """(id, action, old value, new value, when, by whom) of the pattern, oldest first."""
    return conn.execute(
        "SELECT id, action, old_value, new_value, created_at, actor FROM pattern_history "
        "WHERE pattern_id = ? AND id > ? ORDER BY id LIMIT ?",
        (pattern_id, after, limit),
    ).fetchall()


def set_counts(conn: apsw.Connection, pattern_id: str, locations: int, outliers: int) -> None:
    conn.execute(
        "UPDATE patterns SET location_count = ?, outlier_count = ? WHERE id = ? "
        "AND (location_count != ? OR outlier_count != ?)",
        (locations, outliers, pattern_id, locations, outliers),
    )


def decision(conn: apsw.Connection, pattern_id: str) -> tuple[str, str, str] | None:
    """(decision, decided_by, decided_at) of a person's decision on the pattern, if any."""
    return conn.execute(
        "SELECT decision, decided_by, decided_at FROM learned_patterns WHERE pattern_id = ?",
        (pattern_id,),
    ).fetchone()


@dataclass(frozen=True)
class DecisionRow:
    """A decision on a pattern, kept by its stable id so it outlives the pattern itself."""

    pattern_id: str
    detector_id: str
    convention_key: str
    decision: str
    decided_by: str
    decided_at: str


_DECISION_COLUMNS = ", ".join(f.name for f in fields(DecisionRow))


def decision_rows(conn: apsw.Connection) -> list[DecisionRow]:
    sql = f"SELECT {_DECISION_COLUMNS} FROM learned_patterns ORDER BY pattern_id"
    return [DecisionRow(*row) for row in conn.execute(sql)]


def put_decision(conn: apsw.Connection, row: DecisionRow) -> None:
    """Record a decision as made elsewhere (by whom and when), e.g. read from a shared file."""
    conn.execute(
        f"INSERT INTO learned_patterns ({_DECISION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (pattern_id) DO UPDATE SET decision = excluded.decision, "
        "decided_by = excluded.decided_by, decided_at = excluded.decided_at",
        tuple(asdict(row).values()),
    )


def delete_decision(conn: apsw.Connection, pattern_id: str) -> None:
    conn.execute("DELETE FROM learned_patterns WHERE pattern_id = ?", (pattern_id,))


@dataclass(frozen=True)
class OverrideRow:
    """A person's severity (or "off") for one pattern under a glob of paths."""

    pattern_id: str
    detector_id: str
    convention_key: str
    glob: str
    severity: str
    expires_at: str | None
    created_by: str
    created_at: str


def overrides(conn: apsw.Connection) -> list[OverrideRow]:
    """Every glob override, expired ones too (they are still decisions to show and lock)."""
    sql = (
        "SELECT pattern_id, detector_id, convention_key, scope_path, severity, expires_at, "
        "created_by, created_at FROM pattern_variants WHERE scope = 'glob' "
        "ORDER BY detector_id, convention_key, scope_path"
    )
    return [OverrideRow(*row) for row in conn.execute(sql)]


def put_override(conn: apsw.Connection, row: OverrideRow) -> None:
    """Set the override of a pattern for a glob, replacing the one it had there."""
    delete_override(conn, row.pattern_id, row.glob)
    conn.execute(
        "INSERT INTO pattern_variants (pattern_id, detector_id, convention_key, scope, scope_path, "
        "severity, expires_at, created_by, created_at) VALUES (?, ?, ?, 'glob', ?, ?, ?, ?, ?)",
        tuple(asdict(row).values()),
    )


def delete_override(conn: apsw.Connection, pattern_id: str, glob: str) -> bool:
    conn.execute(
        "DELETE FROM pattern_variants WHERE pattern_id = ? AND scope = 'glob' AND scope_path = ?",
        (pattern_id, glob),
    )
    return conn.changes() > 0

"""The patterns repository: what `drift patterns`, hover and approvals read and write."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import apsw
import pytest

from storage.database import DatabaseManager
from storage.repositories import patterns as repo
from storage.repositories.patterns import PatternFilter, PatternRow

NOW = "2026-01-01T00:00:00.000Z"


def row(n: int, **changes: object) -> PatternRow:
    base = PatternRow(
        id=f"{n:016x}", category="naming", subcategory=None, name=f"pattern {n}",
        description="", status="discovered", detection_method="ast", detector_id="naming/function",
        convention_key=f"style{n}/declaration", confidence_frequency=0.5, confidence_consistency=0.5,
        confidence_age=0.5, confidence_spread=0.5, confidence_score=0.5, confidence_level="low",
        severity="warning", auto_fixable=0, location_count=0, outlier_count=0, first_seen=NOW,
        last_seen=NOW, source="learned", tags="[]", created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    return replace(base, **changes)


def add_locations(conn: apsw.Connection, pattern: str, path: str, lines: int, outliers: int = 0):
    """`lines` observations of the pattern's slot in `path`, the first `outliers` deviating."""
    detector_id, convention_key, before, outliers_before = conn.execute(
        "SELECT detector_id, convention_key, location_count, outlier_count FROM patterns "
        "WHERE id = ?",
        (pattern,),
    ).fetchone()
    value, _, context = convention_key.rpartition("/")
    conn.execute(
        "INSERT OR IGNORE INTO files (path, size, mtime_ns, content_hash) VALUES (?, 0, 0, '')",
        (path,),
    )
    for group_value, spans in (
        ("other", [[k, 0, k, 0] for k in range(outliers)]),
        (value, [[k, 0, k, 0] for k in range(outliers, lines)]),
    ):
        if spans:
            conn.execute(
                "INSERT INTO observation_groups (file_path, detector_id, context, value, "
                "occurrences, ranges) VALUES (?, ?, ?, ?, ?, ?)",
                (path, detector_id, context, group_value, len(spans), json.dumps(spans)),
            )
    conn.executemany(
        "INSERT INTO pattern_locations (pattern_id, file_path, line, end_line, is_outlier, "
        "outlier_reason) VALUES (?, ?, ?, ?, 1, 'differs')",
        [(pattern, path, k, k) for k in range(outliers)],
    )
    repo.set_counts(conn, pattern, before + lines, outliers_before + outliers)


@pytest.fixture
def db(tmp_path: Path):
    with DatabaseManager(tmp_path / "drift.db") as manager:
        yield manager


def read(db: DatabaseManager, fn):
    return db.read("test", fn)


def test_crud_and_history(db: DatabaseManager) -> None:
    db.write(lambda c: repo.bulk_create(c, [row(1), row(2), row(3, category="imports")]))
    assert read(db, lambda c: repo.exists(c, row(1).id))
    assert read(db, lambda c: repo.count(c)) == 3
    assert db.write(lambda c: repo.update(c, row(1).id, {"description": "d", "tags": ["a"]}))
    assert not db.write(lambda c: repo.update(c, "f" * 16, {"description": "x"}))
    got = read(db, lambda c: repo.get(c, row(1).id))
    assert got.description == "d" and json.loads(got.tags) == ["a"]
    with pytest.raises(ValueError, match="cannot update"):
        db.write(lambda c: repo.update(c, row(1).id, {"status": "approved"}))
    assert db.write(lambda c: repo.bulk_delete(c, [row(2).id, "f" * 16])) == 1
    assert read(db, lambda c: repo.get(c, row(2).id)) is None
    actions = [h[1] for h in read(db, lambda c: repo.history(c, row(1).id))]
    assert actions == ["created", "updated"]
    assert [h[1] for h in read(db, lambda c: repo.history(c, row(2).id))] == ["created", "deleted"]
    with pytest.raises(apsw.ConstraintError):
        db.write(lambda c: repo.create(c, row(1)))


def test_search_by_every_filter_field(db: DatabaseManager) -> None:
    db.write(lambda c: repo.bulk_create(c, [
        row(1, confidence_score=0.9, confidence_level="high", tags='["api"]'),
        row(2, category="imports", detector_id="imports/order", last_seen="2026-03-01T00:00:00Z"),
        row(3, confidence_score=0.72, confidence_level="medium", detector_id="naming/class"),
    ]))  # fmt: skip
    db.write(lambda c: add_locations(c, row(3).id, "src/a.py", 4, outliers=1))

    def ids(**where: object) -> list[int]:
        found = read(db, lambda c: repo.search(c, PatternFilter(**where)))
        return [int(p.id, 16) for p in found]

    assert ids(category="imports") == [2]
    assert ids(level="high") == [1]
    assert ids(detector_id="imports/order") == [2]
    assert ids(tag="api") == [1]
    assert ids(seen_after="2026-02-01") == [2]
    assert ids(seen_before="2026-02-01") == [1, 3]
    assert ids(min_confidence=0.7) == [1, 3]
    assert ids(min_confidence=0.7, max_confidence=0.8) == [3]
    assert ids(file_path="src/a.py") == [3]
    assert [p.id for p in read(db, lambda c: repo.for_file(c, "src/a.py"))] == [row(3).id]
    assert read(db, lambda c: repo.count(c, PatternFilter(category="naming"))) == 2


def test_decisions_are_recorded_for_rescans(db: DatabaseManager) -> None:
    db.write(lambda c: repo.bulk_create(c, [row(1), row(2)]))
    assert db.write(lambda c: repo.set_status(c, [row(1).id, row(2).id], "approved")) == 2
    assert db.write(lambda c: repo.set_status(c, [row(2).id], "ignored")) == 1
    assert read(db, repo.decisions) == {row(1).id: "approved", row(2).id: "ignored"}
    history = read(db, lambda c: repo.history(c, row(2).id))
    assert [h[1] for h in history] == ["created", "approved", "ignored"]
    status = read(db, repo.status)
    assert (status["approved"], status["ignored"], status["discovered"]) == (1, 1, 0)
    with pytest.raises(KeyError):
        db.write(lambda c: repo.set_status(c, ["0" * 16], "approved"))


def test_aggregations_and_location_stats(db: DatabaseManager) -> None:
    db.write(lambda c: repo.bulk_create(c, [
        row(1), row(2, category="imports", detector_id="imports/order"), row(3)
    ]))  # fmt: skip
    db.write(lambda c: add_locations(c, row(1).id, "a.py", 5, outliers=2))
    db.write(lambda c: add_locations(c, row(1).id, "b.py", 3, outliers=1))
    db.write(lambda c: add_locations(c, row(2).id, "c.py", 2, outliers=2))
    assert read(db, lambda c: repo.counts_by(c, "category")) == {"imports": 1, "naming": 2}
    assert read(db, lambda c: repo.counts_by(c, "status")) == {"discovered": 3}
    stats = read(db, repo.location_stats)
    assert (stats.locations, stats.outliers, stats.files, stats.files_with_outliers) == (
        10, 5, 3, 3)  # fmt: skip
    assert read(db, lambda c: repo.location_stats(c, row(1).id)).outliers == 3
    first = read(db, lambda c: repo.outlier_files(c, limit=2))
    assert [(f.file_path, f.outliers) for f in first] == [("a.py", 2), ("c.py", 2)]
    rest = read(db, lambda c: repo.outlier_files(c, after=(2, "c.py"), limit=2))
    assert [(f.file_path, f.outliers) for f in rest] == [("b.py", 1)]
    status = read(db, repo.status)
    assert status["total_locations"] == 10 and status["total_outliers"] == 5


def test_keyset_pages_cover_everything_once_while_rows_arrive(db: DatabaseManager) -> None:
    db.write(lambda c: repo.bulk_create(c, [row(n) for n in range(0, 60, 2)]))
    seen, after, pages = [], None, 0
    while page := read(db, lambda c, a=after: repo.search(c, after=a, limit=7)):
        seen.extend(p.id for p in page)
        after = page[-1].id
        pages += 1
        if pages <= 3:
            # One row lands before the cursor (not shown), one after it (shown once).
            db.write(lambda c, n=pages: repo.bulk_create(c, [row(2 * n - 1), row(1000 + n)]))
    assert len(seen) == len(set(seen)) and seen == sorted(seen)
    assert set(seen) == {row(n).id for n in [*range(0, 60, 2), 1001, 1002, 1003]}

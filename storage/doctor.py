"""`drift doctor`: SQLite's own checks plus Drift's invariants, as a list of problems."""

from __future__ import annotations

import apsw

_RECOUNT = """
SELECT count(*), coalesce(sum(status = 'approved'), 0), coalesce(sum(status = 'discovered'), 0),
       coalesce(sum(status = 'ignored'), 0), coalesce(sum(confidence_level = 'high'), 0),
       coalesce(sum(confidence_level = 'medium'), 0), coalesce(sum(confidence_level = 'low'), 0),
       coalesce(sum(confidence_level = 'uncertain'), 0), coalesce(sum(location_count), 0),
       coalesce(sum(outlier_count), 0)
FROM patterns
"""
_MATERIALIZED = """
SELECT total_patterns, approved, discovered, ignored, level_high, level_medium, level_low,
       level_uncertain, total_locations, total_outliers
FROM materialized_status WHERE id = 1
"""
# (total, approved, discovered, ignored, locations, outliers) per category, stored vs recounted.
_CATEGORY_DRIFT = """
WITH recount AS (
    SELECT category, json_array(count(*), sum(status = 'approved'), sum(status = 'discovered'),
           sum(status = 'ignored'), sum(location_count), sum(outlier_count)) AS counts
    FROM patterns GROUP BY category
), stored AS (
    SELECT category, json_array(total, approved, discovered, ignored, locations, outliers)
           AS counts
    FROM materialized_category_counts WHERE total != 0 OR locations != 0 OR outliers != 0
)
SELECT category, coalesce(s.counts, '[]'), coalesce(r.counts, '[]')
FROM recount r FULL OUTER JOIN stored s USING (category)
WHERE s.counts IS NOT r.counts LIMIT 20
"""
# A pattern counts every observation of its slot as a location; only deviations are stored.
_COUNT_DRIFT = """
SELECT id, location_count, observed, outlier_count, stored FROM (
    SELECT p.id, p.location_count, p.outlier_count,
           (SELECT coalesce(sum(g.occurrences), 0) FROM observation_groups g
            WHERE g.detector_id = p.detector_id AND p.convention_key LIKE '%/' || g.context)
           AS observed,
           (SELECT count(*) FROM pattern_locations l WHERE l.pattern_id = p.id) AS stored
    FROM patterns p WHERE p.source = 'learned')
WHERE location_count != observed OR outlier_count != stored LIMIT 20
"""
_NAMES = (
    "total_patterns", "approved", "discovered", "ignored", "level_high", "level_medium",
    "level_low", "level_uncertain", "total_locations", "total_outliers",
)  # fmt: skip


def check(conn: apsw.Connection, *, full: bool = False) -> list[str]:
    problems = []
    pragma = "integrity_check" if full else "quick_check"
    result = [row[0] for row in conn.execute(f"PRAGMA {pragma}")]
    if result != ["ok"]:
        problems.extend(f"{pragma}: {line}" for line in result[:20])
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check").fetchall()[:20]:
        problems.append(f"foreign key: {table} row {rowid} points at a missing {parent} row")
    recount = conn.execute(_RECOUNT).fetchone()
    stored = conn.execute(_MATERIALIZED).fetchone()
    for name, expected, actual in zip(
        _NAMES, recount, stored or (None,) * len(_NAMES), strict=True
    ):
        if expected != actual:
            problems.append(f"materialized_status.{name} is {actual}, recount gives {expected}")
    problems.extend(
        f"materialized_category_counts[{category}]: stored {stored}, recount gives {actual}"
        for category, stored, actual in conn.execute(_CATEGORY_DRIFT)
    )
    for pattern_id, locations, actual, outliers, actual_outliers in conn.execute(_COUNT_DRIFT):
        problems.append(
            f"pattern {pattern_id}: location_count {locations} (actual {actual}), "
            f"outlier_count {outliers} (actual {actual_outliers})"
        )
    for (path,) in conn.execute(
        "SELECT DISTINCT file_path FROM pattern_locations "
        "WHERE file_path NOT IN (SELECT path FROM files) LIMIT 20"
    ):
        problems.append(f"location in {path}, which is not in files")
    return problems

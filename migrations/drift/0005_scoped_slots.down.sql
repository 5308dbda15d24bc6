-- Back to one slot per (detector, context) for the whole workspace: scopes are stripped.
-- Where several scopes learned the same value, the pattern with most locations stays; every
-- file is analysed again by the next scan, which re-learns the rest.
DROP VIEW observation_locations;
DELETE FROM patterns WHERE id IN (
    SELECT id FROM (
        SELECT id, row_number() OVER (
            PARTITION BY detector_id, rtrim(pattern_id, replace(pattern_id, '@', ''))
            ORDER BY location_count DESC, id
        ) AS nth
        FROM patterns WHERE instr(pattern_id, '@') > 0
    ) WHERE nth > 1
);
-- The scope follows the last "@" (a value may hold one, a scope never does).
UPDATE patterns
SET pattern_id = substr(rtrim(pattern_id, replace(pattern_id, '@', '')), 1,
    length(rtrim(pattern_id, replace(pattern_id, '@', ''))) - 1)
WHERE instr(pattern_id, '@') > 0;
CREATE TABLE observation_groups_plain (
    file_path TEXT NOT NULL REFERENCES files(path) ON DELETE CASCADE,
    detector_id TEXT NOT NULL,
    context TEXT NOT NULL CHECK (context IN ('declaration', 'import', 'call', 'assignment',
        'conditional', 'property_access', 'unknown')),
    value TEXT NOT NULL,
    occurrences INTEGER NOT NULL CHECK (occurrences > 0),
    -- [[line, column, end_line, end_column], ...], 0-based, in source order.
    ranges TEXT NOT NULL CHECK (json_valid(ranges)),
    PRIMARY KEY (detector_id, context, value, file_path)
);
INSERT INTO observation_groups_plain
SELECT file_path, detector_id,
    CASE WHEN instr(context, '@') > 0 THEN substr(context, 1, instr(context, '@') - 1)
    ELSE context END,
    value, occurrences, ranges
FROM observation_groups;
DROP TABLE observation_groups;
ALTER TABLE observation_groups_plain RENAME TO observation_groups;
CREATE INDEX idx_observation_groups_file ON observation_groups(file_path);
CREATE VIEW observation_locations AS
SELECT g.file_path, g.detector_id, g.context, g.value,
    json_extract(r.value, '$[0]') AS line, json_extract(r.value, '$[1]') AS column,
    json_extract(r.value, '$[2]') AS end_line, json_extract(r.value, '$[3]') AS end_column,
    r.key AS nth
FROM observation_groups g, json_each(g.ranges) r;
UPDATE files SET mtime_ns = -1, content_hash = '';

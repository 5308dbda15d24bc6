-- Conventions are learned per scope (language, and test code apart from source): a slot's
-- context now carries it ("declaration@python:test"), so the context is free text.
-- Observations stored before knew no scope: every file is analysed again by the next scan
-- (its stat and hash no longer match), which re-learns every slot in its scope and drops
-- the unscoped patterns as stale.
DROP VIEW observation_locations;
CREATE TABLE observation_groups_scoped (
    file_path TEXT NOT NULL REFERENCES files(path) ON DELETE CASCADE,
    detector_id TEXT NOT NULL,
    context TEXT NOT NULL,
    value TEXT NOT NULL,
    occurrences INTEGER NOT NULL CHECK (occurrences > 0),
    -- [[line, column, end_line, end_column], ...], 0-based, in source order.
    ranges TEXT NOT NULL CHECK (json_valid(ranges)),
    PRIMARY KEY (detector_id, context, value, file_path)
);
INSERT INTO observation_groups_scoped SELECT * FROM observation_groups;
DROP TABLE observation_groups;
ALTER TABLE observation_groups_scoped RENAME TO observation_groups;
CREATE INDEX idx_observation_groups_file ON observation_groups(file_path);
CREATE VIEW observation_locations AS
SELECT g.file_path, g.detector_id, g.context, g.value,
    json_extract(r.value, '$[0]') AS line, json_extract(r.value, '$[1]') AS column,
    json_extract(r.value, '$[2]') AS end_line, json_extract(r.value, '$[3]') AS end_column,
    r.key AS nth
FROM observation_groups g, json_each(g.ranges) r;
UPDATE files SET mtime_ns = -1, content_hash = '';

-- Observations grouped per (file, detector, context, value), with their ranges as one JSON
-- array: learning only ever needs the counts, and a scan of a large workspace wrote hundreds
-- of thousands of single-observation rows. Locations that follow their convention are no
-- longer copied into pattern_locations either: they are derived from these groups when
-- asked for, so pattern_locations holds the deviations only.
CREATE TABLE observation_groups (
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
CREATE INDEX idx_observation_groups_file ON observation_groups(file_path);

-- One row per observed range; `nth` is its place among its group's ranges.
CREATE VIEW observation_locations AS
SELECT g.file_path, g.detector_id, g.context, g.value,
    json_extract(r.value, '$[0]') AS line, json_extract(r.value, '$[1]') AS column,
    json_extract(r.value, '$[2]') AS end_line, json_extract(r.value, '$[3]') AS end_column,
    r.key AS nth
FROM observation_groups g, json_each(g.ranges) r;

INSERT INTO observation_groups (file_path, detector_id, context, value, occurrences, ranges)
SELECT file_path, detector_id, context, value, count(*),
    json_group_array(json_array(line, column, end_line, end_column))
FROM (SELECT * FROM observations ORDER BY file_path, detector_id, context, value, id)
GROUP BY file_path, detector_id, context, value;

DROP TABLE observations;
DELETE FROM pattern_locations WHERE is_outlier = 0;

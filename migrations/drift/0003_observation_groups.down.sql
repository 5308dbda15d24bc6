-- Back to one row per observation, and conforming locations stored again. Symbols were
-- never read back from storage and are not kept in groups, so they come back empty.
CREATE TABLE observations (
    id INTEGER PRIMARY KEY,
    file_path TEXT NOT NULL REFERENCES files(path) ON DELETE CASCADE,
    detector_id TEXT NOT NULL,
    context TEXT NOT NULL CHECK (context IN ('declaration', 'import', 'call', 'assignment',
        'conditional', 'property_access', 'unknown')),
    value TEXT NOT NULL,
    line INTEGER NOT NULL CHECK (line >= 0),
    column INTEGER NOT NULL CHECK (column >= 0),
    end_line INTEGER NOT NULL CHECK (end_line >= line),
    end_column INTEGER NOT NULL CHECK (end_column >= 0),
    symbol TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_observations_slot ON observations(detector_id, context, value, file_path);
CREATE INDEX idx_observations_file ON observations(file_path);

INSERT INTO observations (file_path, detector_id, context, value, line, column, end_line,
    end_column)
SELECT file_path, detector_id, context, value, line, column, end_line, end_column
FROM observation_locations ORDER BY file_path, detector_id, context, value, nth;

INSERT INTO pattern_locations (pattern_id, file_path, line, column, end_line, end_column, value,
    is_outlier, outlier_reason)
SELECT p.id, o.file_path, o.line, o.column, o.end_line, o.end_column, o.value, 0, NULL
FROM patterns p JOIN observations o
    ON o.detector_id = p.detector_id AND p.pattern_id = o.value || '/' || o.context
ORDER BY o.id;

DROP VIEW observation_locations;
DROP TABLE observation_groups;

-- Every observation of the last scan of each file, so learning after an incremental scan
-- re-counts only what changed instead of re-parsing the workspace.
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

-- The per-user registry (~/.drift/global.db, see storage.paths.drift_home): one row per
-- workspace on this machine, updated by every scan and server start.
CREATE TABLE project_registry (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    root TEXT NOT NULL UNIQUE,
    drift_version TEXT NOT NULL,
    schema_version INTEGER NOT NULL CHECK (schema_version >= 0),
    last_scan_at TEXT,
    health_score REAL CHECK (health_score IS NULL OR health_score BETWEEN 0 AND 100),
    languages TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(languages) AND json_type(languages) = 'array'),
    registered_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

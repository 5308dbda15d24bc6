-- Drift analysis database, schema 1.
-- Enum columns carry CHECK constraints so a bad value fails at the write that made it.

CREATE TABLE project (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    root TEXT NOT NULL,
    drift_version TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE config (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL CHECK (json_valid(value)),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;

CREATE TABLE feature_flags (
    name TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;

CREATE TABLE files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL CHECK (size >= 0),
    mtime_ns INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    language TEXT,
    status TEXT NOT NULL DEFAULT 'ok'
        CHECK (status IN ('ok', 'binary', 'non_utf8', 'too_large', 'parse_error', 'unsupported')),
    error TEXT,
    last_scanned_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_files_language ON files(language);

CREATE TABLE patterns (
    id TEXT PRIMARY KEY CHECK (length(id) = 16),
    category TEXT NOT NULL CHECK (category IN (
        'naming', 'imports', 'errors', 'logging', 'documentation', 'types', 'style', 'tests',
        'structure', 'security', 'performance', 'config')),
    subcategory TEXT,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'discovered' CHECK (status IN ('discovered', 'approved', 'ignored')),
    detection_method TEXT NOT NULL DEFAULT 'ast'
        CHECK (detection_method IN ('ast', 'regex', 'semantic', 'structural', 'custom')),
    detector_id TEXT NOT NULL,
    pattern_id TEXT NOT NULL,
    confidence_frequency REAL NOT NULL DEFAULT 0 CHECK (confidence_frequency BETWEEN 0 AND 1),
    confidence_consistency REAL NOT NULL DEFAULT 0 CHECK (confidence_consistency BETWEEN 0 AND 1),
    confidence_age REAL NOT NULL DEFAULT 0 CHECK (confidence_age BETWEEN 0 AND 1),
    confidence_spread REAL NOT NULL DEFAULT 0 CHECK (confidence_spread BETWEEN 0 AND 1),
    confidence_score REAL NOT NULL DEFAULT 0 CHECK (confidence_score BETWEEN 0 AND 1),
    confidence_level TEXT NOT NULL DEFAULT 'uncertain'
        CHECK (confidence_level IN ('high', 'medium', 'low', 'uncertain')),
    severity TEXT NOT NULL DEFAULT 'warning' CHECK (severity IN ('error', 'warning', 'info', 'hint')),
    auto_fixable INTEGER NOT NULL DEFAULT 0 CHECK (auto_fixable IN (0, 1)),
    location_count INTEGER NOT NULL DEFAULT 0 CHECK (location_count >= 0),
    outlier_count INTEGER NOT NULL DEFAULT 0 CHECK (outlier_count >= 0),
    first_seen TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_seen TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    source TEXT NOT NULL DEFAULT 'learned' CHECK (source IN ('learned', 'user', 'imported')),
    tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (detector_id, pattern_id)
);
CREATE INDEX idx_patterns_category ON patterns(category, id);
CREATE INDEX idx_patterns_status ON patterns(status, id);
CREATE INDEX idx_patterns_level ON patterns(confidence_level, id);
CREATE INDEX idx_patterns_last_seen ON patterns(last_seen, id);

CREATE TABLE pattern_locations (
    id INTEGER PRIMARY KEY,
    pattern_id TEXT NOT NULL REFERENCES patterns(id) ON DELETE CASCADE,
    file_path TEXT NOT NULL,
    line INTEGER NOT NULL CHECK (line >= 0),
    column INTEGER NOT NULL DEFAULT 0 CHECK (column >= 0),
    end_line INTEGER NOT NULL CHECK (end_line >= line),
    end_column INTEGER NOT NULL DEFAULT 0 CHECK (end_column >= 0),
    value TEXT,
    is_outlier INTEGER NOT NULL DEFAULT 0 CHECK (is_outlier IN (0, 1)),
    outlier_reason TEXT,
    CHECK (is_outlier = 0 OR outlier_reason IS NOT NULL)
);
CREATE INDEX idx_locations_pattern ON pattern_locations(pattern_id, is_outlier, id);
CREATE INDEX idx_locations_file ON pattern_locations(file_path, line);

CREATE TABLE pattern_variants (
    id INTEGER PRIMARY KEY,
    pattern_id TEXT NOT NULL REFERENCES patterns(id) ON DELETE CASCADE,
    scope TEXT NOT NULL CHECK (scope IN ('global', 'directory', 'file')),
    scope_path TEXT,
    severity TEXT CHECK (severity IS NULL OR severity IN ('error', 'warning', 'info', 'hint')),
    overrides TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(overrides)),
    reason TEXT,
    expires_at TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((scope = 'global') = (scope_path IS NULL))
);
CREATE INDEX idx_variants_pattern ON pattern_variants(pattern_id, scope);

CREATE TABLE pattern_examples (
    id INTEGER PRIMARY KEY,
    pattern_id TEXT NOT NULL REFERENCES patterns(id) ON DELETE CASCADE,
    file_path TEXT NOT NULL,
    start_line INTEGER NOT NULL CHECK (start_line >= 0),
    end_line INTEGER NOT NULL CHECK (end_line >= start_line),
    code TEXT NOT NULL,
    quality REAL NOT NULL CHECK (quality BETWEEN 0 AND 1),
    is_positive INTEGER NOT NULL DEFAULT 1 CHECK (is_positive IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_examples_pattern ON pattern_examples(pattern_id, is_positive, quality DESC);
CREATE INDEX idx_examples_file ON pattern_examples(file_path);

-- No foreign key: history outlives the pattern it describes.
CREATE TABLE pattern_history (
    id INTEGER PRIMARY KEY,
    pattern_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('created', 'updated', 'approved', 'ignored', 'deleted')),
    old_value TEXT CHECK (old_value IS NULL OR json_valid(old_value)),
    new_value TEXT CHECK (new_value IS NULL OR json_valid(new_value)),
    actor TEXT NOT NULL DEFAULT 'drift',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_history_pattern ON pattern_history(pattern_id, id);
CREATE INDEX idx_history_created ON pattern_history(created_at);

-- User decisions, keyed by the stable pattern id so they survive rescans and re-learning.
CREATE TABLE learned_patterns (
    pattern_id TEXT PRIMARY KEY,
    detector_id TEXT NOT NULL,
    pattern_key TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('approved', 'ignored')),
    decided_by TEXT NOT NULL DEFAULT 'user',
    decided_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;

CREATE TABLE scan_history (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('full', 'incremental', 'file')),
    status TEXT NOT NULL DEFAULT 'running'
        CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
    started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at TEXT,
    duration_ms REAL,
    files_total INTEGER NOT NULL DEFAULT 0,
    files_scanned INTEGER NOT NULL DEFAULT 0,
    files_skipped INTEGER NOT NULL DEFAULT 0,
    files_failed INTEGER NOT NULL DEFAULT 0,
    files_deleted INTEGER NOT NULL DEFAULT 0,
    patterns_total INTEGER NOT NULL DEFAULT 0,
    patterns_new INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    timings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(timings))
);
CREATE INDEX idx_scan_history_started ON scan_history(started_at);

CREATE TABLE health_trends (
    id INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    scan_id INTEGER REFERENCES scan_history(id) ON DELETE SET NULL,
    health_score REAL NOT NULL,
    total_patterns INTEGER NOT NULL,
    approved INTEGER NOT NULL,
    total_locations INTEGER NOT NULL,
    total_outliers INTEGER NOT NULL
);
CREATE INDEX idx_health_recorded ON health_trends(recorded_at);

CREATE TABLE backup_history (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    reason TEXT NOT NULL CHECK (reason IN ('version_upgrade', 'schema_migration', 'user_requested',
        'pre_destructive_operation', 'scheduled', 'auto_save')),
    database TEXT NOT NULL DEFAULT 'drift',
    path TEXT NOT NULL,
    size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    schema_version INTEGER NOT NULL,
    drift_version TEXT NOT NULL
);
CREATE INDEX idx_backup_created ON backup_history(database, id);

CREATE TABLE telemetry_snapshots (
    id INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    process TEXT NOT NULL,
    data TEXT NOT NULL CHECK (json_valid(data))
);
CREATE INDEX idx_telemetry_recorded ON telemetry_snapshots(recorded_at);

-- One row, kept current by triggers in the transaction that changes patterns: never rebuilt.
CREATE TABLE materialized_status (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    total_patterns INTEGER NOT NULL DEFAULT 0,
    approved INTEGER NOT NULL DEFAULT 0,
    discovered INTEGER NOT NULL DEFAULT 0,
    ignored INTEGER NOT NULL DEFAULT 0,
    level_high INTEGER NOT NULL DEFAULT 0,
    level_medium INTEGER NOT NULL DEFAULT 0,
    level_low INTEGER NOT NULL DEFAULT 0,
    level_uncertain INTEGER NOT NULL DEFAULT 0,
    total_locations INTEGER NOT NULL DEFAULT 0,
    total_outliers INTEGER NOT NULL DEFAULT 0,
    -- Share of approved-pattern locations that follow their convention, 0..100.
    approved_locations INTEGER NOT NULL DEFAULT 0,
    approved_outliers INTEGER NOT NULL DEFAULT 0,
    health_score REAL GENERATED ALWAYS AS (
        CASE WHEN approved_locations = 0 THEN 100.0
             ELSE round(100.0 * (approved_locations - approved_outliers) / approved_locations, 1)
        END) VIRTUAL,
    last_scan_id INTEGER,
    last_scan_at TEXT,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO materialized_status (id) VALUES (1);

CREATE TABLE materialized_category_counts (
    category TEXT PRIMARY KEY,
    total INTEGER NOT NULL DEFAULT 0,
    approved INTEGER NOT NULL DEFAULT 0,
    discovered INTEGER NOT NULL DEFAULT 0,
    ignored INTEGER NOT NULL DEFAULT 0,
    locations INTEGER NOT NULL DEFAULT 0,
    outliers INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TRIGGER patterns_status_insert AFTER INSERT ON patterns BEGIN
    UPDATE materialized_status SET
        total_patterns = total_patterns + 1,
        approved = approved + (NEW.status = 'approved'),
        discovered = discovered + (NEW.status = 'discovered'),
        ignored = ignored + (NEW.status = 'ignored'),
        level_high = level_high + (NEW.confidence_level = 'high'),
        level_medium = level_medium + (NEW.confidence_level = 'medium'),
        level_low = level_low + (NEW.confidence_level = 'low'),
        level_uncertain = level_uncertain + (NEW.confidence_level = 'uncertain'),
        total_locations = total_locations + NEW.location_count,
        total_outliers = total_outliers + NEW.outlier_count,
        approved_locations = approved_locations + NEW.location_count * (NEW.status = 'approved'),
        approved_outliers = approved_outliers + NEW.outlier_count * (NEW.status = 'approved'),
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    WHERE id = 1;
    INSERT INTO materialized_category_counts (category) VALUES (NEW.category)
        ON CONFLICT (category) DO NOTHING;
    UPDATE materialized_category_counts SET
        total = total + 1,
        approved = approved + (NEW.status = 'approved'),
        discovered = discovered + (NEW.status = 'discovered'),
        ignored = ignored + (NEW.status = 'ignored'),
        locations = locations + NEW.location_count,
        outliers = outliers + NEW.outlier_count
    WHERE category = NEW.category;
END;

CREATE TRIGGER patterns_status_delete AFTER DELETE ON patterns BEGIN
    UPDATE materialized_status SET
        total_patterns = total_patterns - 1,
        approved = approved - (OLD.status = 'approved'),
        discovered = discovered - (OLD.status = 'discovered'),
        ignored = ignored - (OLD.status = 'ignored'),
        level_high = level_high - (OLD.confidence_level = 'high'),
        level_medium = level_medium - (OLD.confidence_level = 'medium'),
        level_low = level_low - (OLD.confidence_level = 'low'),
        level_uncertain = level_uncertain - (OLD.confidence_level = 'uncertain'),
        total_locations = total_locations - OLD.location_count,
        total_outliers = total_outliers - OLD.outlier_count,
        approved_locations = approved_locations - OLD.location_count * (OLD.status = 'approved'),
        approved_outliers = approved_outliers - OLD.outlier_count * (OLD.status = 'approved'),
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    WHERE id = 1;
    UPDATE materialized_category_counts SET
        total = total - 1,
        approved = approved - (OLD.status = 'approved'),
        discovered = discovered - (OLD.status = 'discovered'),
        ignored = ignored - (OLD.status = 'ignored'),
        locations = locations - OLD.location_count,
        outliers = outliers - OLD.outlier_count
    WHERE category = OLD.category;
END;

CREATE TRIGGER patterns_status_update
AFTER UPDATE OF status, confidence_level, category, location_count, outlier_count ON patterns
BEGIN
    UPDATE materialized_status SET
        approved = approved + (NEW.status = 'approved') - (OLD.status = 'approved'),
        discovered = discovered + (NEW.status = 'discovered') - (OLD.status = 'discovered'),
        ignored = ignored + (NEW.status = 'ignored') - (OLD.status = 'ignored'),
        level_high = level_high + (NEW.confidence_level = 'high') - (OLD.confidence_level = 'high'),
        level_medium = level_medium + (NEW.confidence_level = 'medium')
            - (OLD.confidence_level = 'medium'),
        level_low = level_low + (NEW.confidence_level = 'low') - (OLD.confidence_level = 'low'),
        level_uncertain = level_uncertain + (NEW.confidence_level = 'uncertain')
            - (OLD.confidence_level = 'uncertain'),
        total_locations = total_locations + NEW.location_count - OLD.location_count,
        total_outliers = total_outliers + NEW.outlier_count - OLD.outlier_count,
        approved_locations = approved_locations + NEW.location_count * (NEW.status = 'approved')
            - OLD.location_count * (OLD.status = 'approved'),
        approved_outliers = approved_outliers + NEW.outlier_count * (NEW.status = 'approved')
            - OLD.outlier_count * (OLD.status = 'approved'),
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    WHERE id = 1;
    UPDATE materialized_category_counts SET
        total = total - 1,
        approved = approved - (OLD.status = 'approved'),
        discovered = discovered - (OLD.status = 'discovered'),
        ignored = ignored - (OLD.status = 'ignored'),
        locations = locations - OLD.location_count,
        outliers = outliers - OLD.outlier_count
    WHERE category = OLD.category;
    INSERT INTO materialized_category_counts (category) VALUES (NEW.category)
        ON CONFLICT (category) DO NOTHING;
    UPDATE materialized_category_counts SET
        total = total + 1,
        approved = approved + (NEW.status = 'approved'),
        discovered = discovered + (NEW.status = 'discovered'),
        ignored = ignored + (NEW.status = 'ignored'),
        locations = locations + NEW.location_count,
        outliers = outliers + NEW.outlier_count
    WHERE category = NEW.category;
END;

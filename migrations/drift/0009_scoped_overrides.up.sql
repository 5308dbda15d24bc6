-- Scoped overrides (`drift override RULE --path GLOB`): a severity, or "off", for one
-- convention under a gitignore-style glob of paths, with who set it and until when. Like
-- learned_patterns they are people's decisions, kept by the stable pattern id without a
-- foreign key: re-learning deletes and re-creates patterns, and an override read from
-- drift.lock arrives before the scan has learned its pattern. The rule code and the
-- convention's key are kept beside the id so an override can be listed, locked and removed
-- while its pattern is gone.
CREATE TABLE pattern_variants_new (
    id INTEGER PRIMARY KEY,
    pattern_id TEXT NOT NULL,
    detector_id TEXT NOT NULL,
    convention_key TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('global', 'directory', 'file', 'glob')),
    scope_path TEXT,
    severity TEXT CHECK (severity IS NULL OR severity IN ('error', 'warning', 'info', 'hint', 'off')),
    overrides TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(overrides)),
    reason TEXT,
    expires_at TEXT,
    created_by TEXT NOT NULL DEFAULT 'user',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((scope = 'global') = (scope_path IS NULL))
);
INSERT INTO pattern_variants_new (id, pattern_id, detector_id, convention_key, scope, scope_path,
    severity, overrides, reason, expires_at, created_at)
SELECT v.id, v.pattern_id, p.detector_id, p.convention_key, v.scope, v.scope_path, v.severity,
    v.overrides, v.reason, v.expires_at, v.created_at
FROM pattern_variants v JOIN patterns p ON p.id = v.pattern_id;
DROP TABLE pattern_variants;
ALTER TABLE pattern_variants_new RENAME TO pattern_variants;
CREATE UNIQUE INDEX idx_variants_pattern
    ON pattern_variants(pattern_id, scope, coalesce(scope_path, ''));

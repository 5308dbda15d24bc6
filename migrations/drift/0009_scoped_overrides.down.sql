-- Back to variants that belong to a pattern: glob overrides, "off" and those whose pattern
-- is gone have no place in the old table and are dropped.
CREATE TABLE pattern_variants_old (
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
INSERT INTO pattern_variants_old (id, pattern_id, scope, scope_path, severity, overrides, reason,
    expires_at, created_at)
SELECT id, pattern_id, scope, scope_path, severity, overrides, reason, expires_at, created_at
FROM pattern_variants
WHERE scope != 'glob' AND (severity IS NULL OR severity != 'off')
    AND pattern_id IN (SELECT id FROM patterns);
DROP TABLE pattern_variants;
ALTER TABLE pattern_variants_old RENAME TO pattern_variants;
CREATE INDEX idx_variants_pattern ON pattern_variants(pattern_id, scope);

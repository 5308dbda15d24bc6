-- One name per concept. `pattern_id` is the 16-hex id of a pattern (patterns.id and every
-- column referencing it); the "value/context@scope" string that tells a detector's
-- conventions apart is the `convention_key`. patterns.pattern_id held the latter, and
-- learned_patterns.pattern_key held it too. SQLite carries the renames into the unique
-- constraint and every index, trigger and view that names the columns.
ALTER TABLE patterns RENAME COLUMN pattern_id TO convention_key;
ALTER TABLE learned_patterns RENAME COLUMN pattern_key TO convention_key;

-- The old names: the convention key back in patterns.pattern_id and
-- learned_patterns.pattern_key.
ALTER TABLE learned_patterns RENAME COLUMN convention_key TO pattern_key;
ALTER TABLE patterns RENAME COLUMN convention_key TO pattern_id;

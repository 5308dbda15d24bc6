-- One set of conventions per language for the whole workspace again: package scopes are
-- stripped from observations, package patterns go, and every file is analysed again.
DROP TABLE packages;
ALTER TABLE files DROP COLUMN package;
DELETE FROM patterns WHERE instr(pattern_id, '#') > 0;
UPDATE observation_groups SET context = substr(context, 1, instr(context, '#') - 1)
WHERE instr(context, '#') > 0;
UPDATE files SET mtime_ns = -1, content_hash = '';

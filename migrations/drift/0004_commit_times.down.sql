ALTER TABLE files DROP COLUMN committed_at_ns;

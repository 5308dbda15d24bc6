-- When git last committed each file: the age of a convention in a fresh clone, where every
-- mtime is the time of the checkout. NULL outside git; learning then uses mtime_ns.
ALTER TABLE files ADD COLUMN committed_at_ns INTEGER;

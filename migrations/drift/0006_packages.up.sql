-- Packages of a monorepo (folders with their own manifest) that learn their own
-- conventions, per language, and the package each file's observations count for.
CREATE TABLE packages (
    path TEXT NOT NULL CHECK (path != ''),
    language TEXT NOT NULL,
    PRIMARY KEY (path, language)
) WITHOUT ROWID;
ALTER TABLE files ADD COLUMN package TEXT NOT NULL DEFAULT '';

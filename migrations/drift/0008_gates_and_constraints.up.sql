-- Quality-gate runs, health snapshots and constraints, as Drift v1 kept them in JSON files
-- (`drift upgrade` brings them in). The columns a query needs are lifted out; `data` keeps
-- the whole record as it was written, so nothing of it is lost.
CREATE TABLE gate_runs (
    id TEXT PRIMARY KEY,
    ran_at TEXT NOT NULL,
    branch TEXT NOT NULL DEFAULT '',
    commit_sha TEXT,
    policy_id TEXT,
    passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
    score REAL,
    violation_count INTEGER CHECK (violation_count IS NULL OR violation_count >= 0),
    source TEXT NOT NULL DEFAULT 'drift v1',
    data TEXT NOT NULL CHECK (json_valid(data))
) WITHOUT ROWID;
CREATE INDEX idx_gate_runs_branch ON gate_runs(branch, ran_at);

CREATE TABLE gate_snapshots (
    id TEXT PRIMARY KEY,
    branch TEXT NOT NULL DEFAULT '',
    commit_sha TEXT,
    taken_at TEXT NOT NULL,
    health_score REAL,
    source TEXT NOT NULL DEFAULT 'drift v1',
    data TEXT NOT NULL CHECK (json_valid(data))
) WITHOUT ROWID;
CREATE INDEX idx_gate_snapshots_branch ON gate_snapshots(branch, taken_at);

CREATE TABLE constraints (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    language TEXT,
    source TEXT NOT NULL DEFAULT 'drift v1',
    data TEXT NOT NULL CHECK (json_valid(data))
) WITHOUT ROWID;
CREATE INDEX idx_constraints_status ON constraints(status, category);

-- `drift gate` writes its own runs beside those imported from Drift v1: whether it ran in
-- CI, each gate's result (pass/fail with its numbers), and which run a snapshot belongs to.
ALTER TABLE gate_runs ADD COLUMN ci INTEGER NOT NULL DEFAULT 0 CHECK (ci IN (0, 1));
ALTER TABLE gate_runs ADD COLUMN gates TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(gates));
ALTER TABLE gate_snapshots ADD COLUMN run_id TEXT;
CREATE INDEX idx_gate_runs_ran ON gate_runs(ran_at);
CREATE INDEX idx_gate_snapshots_taken ON gate_snapshots(taken_at);

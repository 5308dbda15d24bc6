DROP INDEX idx_gate_snapshots_taken;
DROP INDEX idx_gate_runs_ran;
ALTER TABLE gate_snapshots DROP COLUMN run_id;
ALTER TABLE gate_runs DROP COLUMN gates;
ALTER TABLE gate_runs DROP COLUMN ci;

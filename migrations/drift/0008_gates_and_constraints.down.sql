DROP TABLE constraints;
DROP TABLE gate_snapshots;
DROP TABLE gate_runs;

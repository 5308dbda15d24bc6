"""Everything SQLite for Drift. Knows nothing of LSP or of drift_lsp."""

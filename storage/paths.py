"""Where a workspace keeps Drift's files: everything lives under `<root>/.drift/`.

The one place these names are spelled, so the CLI, the server and Cortex cannot disagree
about where a database or its backups are.
"""

from __future__ import annotations

from pathlib import Path

DRIFT_DIR = ".drift"
DB_FILE = "drift.db"
CORTEX_FILE = "cortex.db"
BACKUPS_DIR = "backups"


def drift_dir(root: Path) -> Path:
    return Path(root) / DRIFT_DIR


def db_path(root: Path) -> Path:
    return drift_dir(root) / DB_FILE


def cortex_db_path(root: Path) -> Path:
    return drift_dir(root) / CORTEX_FILE


def precomputed_path(root: Path) -> Path:
    """The L3 embedding file: shipped or exported vectors loaded at start-up."""
    return drift_dir(root) / "embeddings.npz"


def backups_dir(database_path: Path) -> Path:
    """Backups of a database live beside it, whichever database it is."""
    return Path(database_path).parent / BACKUPS_DIR

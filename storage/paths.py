"""Where Drift keeps its files: a workspace's under `<root>/.drift/`, the per-user project
registry under `drift_home()`.

The one place these names are spelled, so the CLI, the server and Cortex cannot disagree
about where a database or its backups are.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from storage.errors import UnsafeDirectoryError

DRIFT_DIR = ".drift"
DB_FILE = "drift.db"
CORTEX_FILE = "cortex.db"
GLOBAL_FILE = "global.db"
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


def drift_home() -> Path:
    """The per-user folder (the project registry): `$DRIFT_HOME` if set, else
    `$XDG_DATA_HOME/drift` if that is set, else `~/.drift`."""
    if os.environ.get("DRIFT_HOME"):
        return Path(os.environ["DRIFT_HOME"])
    if os.environ.get("XDG_DATA_HOME"):
        return Path(os.environ["XDG_DATA_HOME"]) / "drift"
    return Path.home() / DRIFT_DIR


def global_db_path() -> Path:
    return drift_home() / GLOBAL_FILE


def backups_dir(database_path: Path) -> Path:
    """Backups of a database live beside it, whichever database it is."""
    return Path(database_path).parent / BACKUPS_DIR


def check_private_dir(path: Path) -> None:
    """Refuse a folder Drift writes into that is a symbolic link or belongs to another user.

    A repository can commit `.drift` as a link to anywhere (every write would land there),
    and on a shared machine another user can create it first; nothing is created here.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UnsafeDirectoryError(Path(path), f"cannot be inspected ({exc.strerror})") from exc
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeDirectoryError(Path(path), f"is a symbolic link to {os.readlink(path)}")
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeDirectoryError(Path(path), "is not a folder")
    if info.st_uid != os.geteuid():
        raise UnsafeDirectoryError(Path(path), f"belongs to another user (uid {info.st_uid})")

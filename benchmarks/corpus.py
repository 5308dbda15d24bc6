"""The default benchmark corpus: the running interpreter's standard library, copied into a
temporary workspace so `.drift/` never lands in it."""

from __future__ import annotations

import os
import shutil
import sysconfig
from pathlib import Path

STDLIB = Path(sysconfig.get_paths()["stdlib"])


def copy_corpus(source: Path, destination: Path) -> Path:
    shutil.copytree(
        source,
        destination,
        ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc"),
        symlinks=True,
    )
    return destination


def private_registry(tmp: Path) -> None:
    """Register the benchmark's workspaces (every scan and server start does) in a registry
    of their own under `tmp`, inherited by the servers and CLIs it starts: they are deleted
    afterwards and must not show up in the user's `drift projects`."""
    os.environ["DRIFT_HOME"] = str(tmp / "drift-home")

"""The workspace folders: which Drift workspace a document belongs to, one per folder
(multi-root).

A folder whose database or config can't be opened is kept in degraded mode with the reason,
so the user is told once and `drift.restore` can still repair it. Documents outside every
folder belong to none and get no Drift features.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from pygls.uris import from_fs_path, to_fs_path

from drift_lsp.config import ConfigError
from drift_lsp.workspace import Workspace
from storage.errors import StorageError

log = logging.getLogger(__name__)


@dataclass
class Folders:
    # The folders given at start-up, in the client's order: the first is the default.
    pending_roots: list[Path] = field(default_factory=list)
    # Deepest first, so a nested folder wins over the folder that contains it.
    roots: list[Path] = field(default_factory=list)
    workspaces: dict[Path, Workspace] = field(default_factory=dict)
    degraded: dict[Path, str] = field(default_factory=dict)
    # The drift.config.json problem last reported per root, so it is reported once.
    config_problems: dict[Path, str] = field(default_factory=dict)
    # Scans in flight, so shutdown can stop them before closing their databases.
    scans: set[threading.Event] = field(default_factory=set)
    # Set once the folders given at start-up are open (or known to be degraded): work that
    # arrives earlier waits for it rather than finding no workspace.
    folders_open: asyncio.Event = field(default_factory=asyncio.Event)

    def add_root(self, root: Path) -> bool:
        """Track a folder; False when it is already tracked."""
        if root in self.roots:
            return False
        self.roots.append(root)
        self.roots.sort(key=lambda p: len(p.parts), reverse=True)
        return True

    def remove_root(self, root: Path) -> None:
        if root in self.roots:
            self.roots.remove(root)
        self.degraded.pop(root, None)
        workspace = self.workspaces.pop(root, None)
        if workspace is not None:
            workspace.close()

    def attach(self, root: Path, opened: Workspace | str) -> str | None:
        """Record the outcome of `open_workspace`; returns the degraded reason, if any."""
        if isinstance(opened, str):
            self.degraded[root] = opened
            return opened
        self.degraded.pop(root, None)
        self.workspaces[root] = opened
        return None

    def detach(self, root: Path) -> Workspace | None:
        return self.workspaces.pop(root, None)

    def default_root(self) -> Path | None:
        """The first folder the client gave that is still open, else any open one."""
        return next((r for r in self.pending_roots + self.roots if r in self.roots), None)

    def root_for(self, uri: str) -> Path | None:
        path = path_of(uri)
        if path is None:
            return None
        resolved = path.resolve()
        return next((r for r in self.roots if resolved.is_relative_to(r)), None)

    def for_uri(self, uri: str) -> Workspace | None:
        root = self.root_for(uri)
        return self.workspaces.get(root) if root is not None else None

    def close(self) -> None:
        for workspace in self.workspaces.values():
            workspace.close()
        self.workspaces.clear()


def open_workspace(root: Path) -> Workspace | str:
    """The folder's Workspace, or why it is degraded (blocking: run it off the event loop)."""
    try:
        workspace = Workspace.open(root)
    except (StorageError, ConfigError) as exc:
        reason = f"Drift is in degraded mode for {root.name}: {exc}"
        log.error("%s", reason)
        return reason
    workspace.register()
    return workspace


def uri_of(root: Path, rel: str) -> str:
    return from_fs_path(str(root / rel)) or ""


def path_of(uri: str) -> Path | None:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None

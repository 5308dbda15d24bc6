"""Which Drift workspace a document belongs to: one per workspace folder (multi-root).

A folder whose database or config can't be opened is kept in degraded mode with the reason,
so the user is told once and `drift.restore` can still repair it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from pygls.uris import from_fs_path, to_fs_path

from drift_lsp.config import ConfigError
from drift_lsp.features.settings import Settings
from drift_lsp.workspace import Workspace
from storage.errors import StorageError

log = logging.getLogger(__name__)


@dataclass
class ServerState:
    settings: Settings = field(default_factory=Settings)
    pull_diagnostics: bool = False
    pending_roots: list[Path] = field(default_factory=list)
    roots: list[Path] = field(default_factory=list)
    workspaces: dict[Path, Workspace] = field(default_factory=dict)
    degraded: dict[Path, str] = field(default_factory=dict)

    def open_roots(self, roots: list[Path]) -> list[str]:
        """Open every root; returns one message per root that is degraded."""
        problems = []
        for root in roots:
            root = root.resolve()
            if root in self.roots:
                continue
            self.roots.append(root)
            problem = self._open(root)
            if problem:
                problems.append(problem)
        self.roots.sort(key=lambda p: len(p.parts), reverse=True)
        return problems

    def _open(self, root: Path) -> str | None:
        try:
            self.workspaces[root] = Workspace.open(root)
        except (StorageError, ConfigError) as exc:
            reason = f"Drift is in degraded mode for {root.name}: {exc}"
            self.degraded[root] = reason
            log.error("%s", reason)
            return reason
        self.degraded.pop(root, None)
        return None

    def reopen(self, root: Path) -> str | None:
        workspace = self.workspaces.pop(root, None)
        if workspace is not None:
            workspace.close()
        return self._open(root)

    def root_for(self, uri: str) -> Path | None:
        path = to_fs_path(uri)
        if path is None:
            return None
        resolved = Path(path).resolve()
        return next((r for r in self.roots if resolved.is_relative_to(r)), None)

    def for_uri(self, uri: str) -> Workspace | None:
        root = self.root_for(uri)
        return self.workspaces.get(root) if root is not None else None

    def default(self) -> Workspace | None:
        return next(iter(self.workspaces.values()), None)

    def close(self) -> None:
        for workspace in self.workspaces.values():
            workspace.close()
        self.workspaces.clear()


def uri_of(root: Path, rel: str) -> str:
    return from_fs_path(str(root / rel)) or ""


def path_of(uri: str) -> Path | None:
    path = to_fs_path(uri)
    return Path(path) if path else None

"""The server's state in one place: settings, what the client can do, the workspace folders
and the diagnostics scheduler. Features take what they need from the Session; they never
read each other's state or the raw client capabilities."""

from __future__ import annotations

from dataclasses import dataclass, field

from drift_lsp.features.client import ClientFeatures
from drift_lsp.features.diagnostics import Diagnostics
from drift_lsp.features.options import Settings
from drift_lsp.features.workspaces import Folders


@dataclass
class Session:
    settings: Settings = field(default_factory=Settings)
    # Settings problems already shown, so each is reported once while it lasts.
    reported_settings: set[str] = field(default_factory=set)
    client: ClientFeatures = field(default_factory=ClientFeatures)
    folders: Folders = field(default_factory=Folders)
    diagnostics: Diagnostics = field(init=False)

    def __post_init__(self) -> None:
        self.diagnostics = Diagnostics(self)

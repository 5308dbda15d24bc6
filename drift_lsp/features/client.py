"""What the client can do, resolved once at `initialize` from its capabilities."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types


@dataclass(frozen=True)
class ClientFeatures:
    """The client capabilities Drift acts on, resolved once at `initialize`."""

    # Pulls only with refresh support: see DriftProtocol.lsp_initialize.
    pull_diagnostics: bool = False
    diagnostic_refresh: bool = False
    work_done_progress: bool = False
    configuration: bool = False
    watched_files_registration: bool = False
    resolves_code_action_edits: bool = False

    @classmethod
    def of(cls, capabilities: types.ClientCapabilities) -> ClientFeatures:
        text_document = capabilities.text_document
        workspace = capabilities.workspace
        window = capabilities.window
        code_action = text_document.code_action if text_document else None
        resolve = code_action.resolve_support if code_action else None
        watched = workspace.did_change_watched_files if workspace else None
        refresh = workspace.diagnostics if workspace else None
        refreshes = bool(refresh and refresh.refresh_support)
        return cls(
            pull_diagnostics=bool(text_document and text_document.diagnostic) and refreshes,
            diagnostic_refresh=refreshes,
            work_done_progress=bool(window and window.work_done_progress),
            configuration=bool(workspace and workspace.configuration),
            watched_files_registration=bool(watched and watched.dynamic_registration),
            resolves_code_action_edits=bool(resolve and "edit" in resolve.properties),
        )

"""Applying the client's settings (the model is in `options`): from `initializationOptions`,
then pulled with `workspace/configuration` or pushed with `didChangeConfiguration`."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from drift_lsp.features.options import SECTION, parse_settings

if TYPE_CHECKING:
    from drift_lsp.features.core import DriftServer

log = logging.getLogger(__name__)


def apply(ls: DriftServer, raw: Any) -> None:
    settings, problems = parse_settings(raw)
    ls.session.settings = settings
    ls.set_log_level(settings.log.level)
    # Each problem is shown once while it lasts, however often the client resends it.
    fresh = [p for p in problems if p not in ls.session.reported_settings]
    ls.session.reported_settings = set(problems)
    if fresh:
        ls.show("Drift settings: " + "; ".join(fresh) + " (using the defaults for those)")


async def pull(ls: DriftServer, fallback: Any) -> Any:
    """The `drift` section from the client when it can be asked, else `fallback`."""
    if not ls.session.client.configuration:
        return fallback
    try:
        (value,) = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
        )
    except Exception as exc:  # a client that fails the request keeps the settings it had
        log.warning("workspace/configuration failed: %s", exc)
        return fallback
    return fallback if value is None else value


async def did_change_configuration(
    ls: DriftServer, params: types.DidChangeConfigurationParams
) -> None:
    apply(ls, await pull(ls, params.settings))
    ls.session.diagnostics.refresh_open_documents(ls)

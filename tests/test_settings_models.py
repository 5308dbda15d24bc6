"""The two settings models share one style (drift_lsp.json_model): camelCase keys in, every
problem named by its full key out; what a problem costs differs."""

from __future__ import annotations

import pytest

from drift_lsp.config import ConfigError, parse_config
from drift_lsp.features.options import parse_settings


def test_client_settings_fall_back_per_field() -> None:
    settings, problems = parse_settings(
        {"drift": {"diagnostics": {"on": "sometimes", "debounceMs": 50}, "hover": 3, "new": 1}}
    )
    assert settings.diagnostics.on == "save", "the invalid value keeps its default"
    assert settings.diagnostics.debounce_ms == 50, "its valid neighbour is taken"
    assert [p.partition(":")[0] for p in problems] == ["drift.diagnostics.on", "drift.hover"]


def test_config_names_every_invalid_key_and_ignores_unknown_ones(caplog) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config({"learning": {"minFiles": 0, "minFileShare": "most"}, "ci": []})
    message = str(raised.value)
    for key in ("learning.minFiles", "learning.minFileShare", "ci"):
        assert f"{key}: expected" in message
    config = parse_config({"learning": {"minFile": 2}, "performance": {"readers": 4}})
    assert (config.learning.min_files, config.performance.readers) == (3, 4)
    assert "learning.minFile is not a Drift setting; ignored" in caplog.text


def test_config_round_trips_through_its_json_keys() -> None:
    raw = {"ci": {"failOn": "warning"}, "learning": {"minFileShare": 1}}
    data = parse_config(raw).to_json()
    assert data["ci"]["failOn"] == "warning" and data["learning"]["minFileShare"] == 1.0
    assert parse_config(data) == parse_config(raw)

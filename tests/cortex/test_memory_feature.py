"""The editor-facing pieces: hover markdown, drift.addMemory, "Explain this convention…"."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types

from drift_lsp.features import memory
from drift_lsp.features.convert import DiagnosticData
from drift_lsp.workspace import TeamMemory
from storage.cortex import cortex_db_path

PATTERN = "0123456789abcdef"


@pytest.fixture
def team(tmp_path: Path) -> Iterator[TeamMemory]:
    team = TeamMemory(tmp_path)
    yield team
    team.close()


def _diagnostic(source: str = "drift", pattern_id: str | None = PATTERN) -> types.Diagnostic:
    point = types.Position(line=3, character=4)
    return types.Diagnostic(
        range=types.Range(start=point, end=point),
        message="function name should be snake_case",
        code="naming/function",
        source=source,
        data=DiagnosticData(
            "naming/function", pattern_id, "v1", "snake_case", "camelCase", 1
        ).to_lsp()
        if pattern_id
        else None,
    )


def test_hover_is_none_and_creates_nothing_without_memories(
    tmp_path: Path, team: TeamMemory
) -> None:
    assert memory.memory_hover_markdown(team, PATTERN, "snake_case functions") is None
    assert not cortex_db_path(tmp_path).exists()


def test_explain_then_hover_shows_the_linked_and_similar_memories(team: TeamMemory) -> None:
    [action] = memory.explain_code_actions([_diagnostic(), _diagnostic(), _diagnostic("mypy")])
    assert action.title == "Explain this convention: naming/function…"
    assert action.command.command == "drift.addMemory"
    assert action.command.arguments == [PATTERN]

    # The client asked the user and forwards [patternId, text].
    result = memory.add_memory(
        team, [PATTERN, "Functions are snake_case: PEP 8, enforced by ruff\nsee ADR-7"]
    )
    assert result.saved and result.to_json() == {
        "id": 1,
        "message": "Saved memory 1 for this convention.",
    }
    cortex = team.get(create=False)
    saved = cortex.get(1, track=False)
    assert (saved.type, saved.created_by, saved.tags) == ("rationale", "lsp", ("convention",))
    assert saved.content == {
        "explanation": "Functions are snake_case: PEP 8, enforced by ruff\nsee ADR-7"
    }
    assert cortex.links(1).patterns == [PATTERN]
    cortex.add("decision", "Method names are snake_case too, including test methods")
    cortex.add("incident", "The billing outage in May")

    markdown = memory.memory_hover_markdown(team, PATTERN, "snake_case function names")
    assert markdown is not None
    linked, similar = markdown.split("**Related memories**")
    assert "**Team memory**" in linked and "snake\\_case: PEP 8" in linked
    assert "Method names are snake\\_case" in similar and "billing" not in markdown


def test_add_memory_without_text_saves_nothing_and_says_how(team: TeamMemory) -> None:
    result = memory.add_memory(team, [PATTERN])
    assert not result.saved
    assert f"drift memory add --type rationale --pattern {PATTERN}" in result.message
    assert memory.add_memory(team, [PATTERN, "why"]).saved
    bad = memory.add_memory(team, ["not-a-pattern", "because"])
    assert not bad.saved and "16-character id" in bad.message


def test_warm_loads_the_vectors_in_the_background(tmp_path: Path, team: TeamMemory) -> None:
    memory.warm(team)  # nothing to load, nothing created
    for thread in [t for t in threading.enumerate() if t.name == "drift-memory-warm"]:
        thread.join()
    assert not cortex_db_path(tmp_path).exists()
    assert memory.add_memory(team, [PATTERN, "Functions are snake_case"]).saved
    team.close()
    memory.warm(team)
    for thread in [t for t in threading.enumerate() if t.name == "drift-memory-warm"]:
        thread.join()
    assert len(team.get(create=False).index) == 1


def test_closing_the_workspace_closes_its_memory(team: TeamMemory) -> None:
    assert memory.add_memory(team, [PATTERN, "why"]).saved
    cortex = team.get(create=False)
    team.close()
    assert team._cortex is None and cortex.db._closed

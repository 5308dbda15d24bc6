"""Hover, commands, settings and config changes, initial scan progress, degraded mode."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient
from support import python_repo
from support.lsp import (
    PROFILES,
    accept_registrations,
    diagnostics,
    initialize_params,
    open_file,
    wait_until,
)


async def test_hover_shows_the_convention_and_examples(client: LanguageClient, repo: Path) -> None:
    uri = open_file(client, repo / "pkg/deviant.py")
    await diagnostics(client, uri, bool)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri),
            position=types.Position(line=5, character=6),
        )
    )
    text = hover.contents.value
    assert text.startswith("**Drift:** expected `snake_case`, found `camelCase`")
    assert "**Function naming** · `naming/function` · approved automatically (score 0.81" in text
    assert "- `snake_case`: 8 (89%) in 4 files (80%)" in text
    assert "- `camelCase`: 1 (11%) in 1 file (20%)" in text
    assert "```python\n" in text and "def load_" in text
    assert "pkg/mod_" in text


async def test_hover_on_a_plain_line_is_empty(client: LanguageClient, repo: Path) -> None:
    uri = open_file(client, repo / "pkg/mod_1.py")
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri),
            position=types.Position(line=4, character=0),
        )
    )
    assert hover is None


async def test_backup_command_makes_a_verified_backup(client: LanguageClient, repo: Path) -> None:
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="drift.backup")
    )
    path = Path(result["path"])
    assert path.parent == repo / ".drift/backups"
    assert result["reason"] == "user_requested"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == result["sha256"]
    assert path.stat().st_size == result["size_bytes"]
    await wait_until(lambda: any(f"saved to {path}" in m.message for m in client.messages))


async def test_status_and_examples_commands(client: LanguageClient) -> None:
    status = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="drift.status")
    )
    assert status["total_patterns"] == status["approved"] + status["discovered"]
    assert status["last_scan_at"]


async def test_bad_command_arguments_are_errors_not_crashes(client: LanguageClient) -> None:
    for command, arguments in (
        ("drift.approvePattern", []),
        ("drift.approvePattern", ["0000000000000000"]),
        ("drift.restore", ["not a number"]),
        ("drift.noSuchCommand", []),
    ):
        with pytest.raises(JsonRpcException):
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(command=command, arguments=arguments)
            )
    status = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="drift.status")
    )
    assert status["total_patterns"] > 0


async def test_invalid_config_is_reported_and_the_old_one_kept(
    client: LanguageClient, repo: Path
) -> None:
    uri = open_file(client, repo / "pkg/deviant.py")
    before = await diagnostics(client, uri, bool)
    config = repo / "drift.config.json"
    config.write_text(json.dumps({"learning": {"minOccurrences": "three"}}))
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await wait_until(lambda: any("learning.minOccurrences" in m.message for m in client.messages))
    assert len(await diagnostics(client, uri, bool)) == len(before)


async def test_config_change_takes_effect(client: LanguageClient, repo: Path) -> None:
    uri = open_file(client, repo / "pkg/deviant.py")
    await diagnostics(client, uri, lambda d: any(x.code == "naming/function" for x in d))
    config = repo / "drift.config.json"
    config.write_text(json.dumps({"severity": {"naming": "error"}}))
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await diagnostics(
        client,
        uri,
        lambda d: any(
            x.code == "naming/function" and x.severity == types.DiagnosticSeverity.Error for x in d
        ),
    )


SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "drift_lsp"])


@pytest.fixture
def unscanned(tmp_path: Path) -> Path:
    return python_repo(tmp_path / "fresh")


@pytest_lsp.fixture(params=PROFILES, config=SERVER)
async def fresh_client(request, lsp_client: LanguageClient, unscanned: Path):
    accept_registrations(lsp_client)
    options = {"diagnostics": {"on": "sometimes"}, "hover": {"maxExamples": 2}}
    await lsp_client.initialize_session(initialize_params(request.param, unscanned, options))
    yield
    await lsp_client.shutdown_session()


async def test_initial_scan_reports_progress(fresh_client: LanguageClient, unscanned: Path):
    await wait_until(
        lambda: any(
            reports and isinstance(reports[-1], types.WorkDoneProgressEnd)
            for reports in fresh_client.progress_reports.values()
        )
    )
    (reports,) = fresh_client.progress_reports.values()
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert "scanning" in reports[0].title
    assert (unscanned / ".drift/drift.db").exists()
    messages = [m.message for m in fresh_client.messages]
    assert sum("drift.diagnostics.on" in m for m in messages) == 1, messages


@pytest.fixture
def corrupt(tmp_path: Path) -> Path:
    root = python_repo(tmp_path / "corrupt")
    (root / ".drift").mkdir()
    (root / ".drift/drift.db").write_bytes(b"this is not a database" * 100)
    return root


@pytest_lsp.fixture(params=PROFILES, config=SERVER)
async def corrupt_client(request, lsp_client: LanguageClient, corrupt: Path):
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(initialize_params(request.param, corrupt))
    yield
    await lsp_client.shutdown_session()


async def test_corrupt_database_means_degraded_mode(corrupt_client: LanguageClient, corrupt: Path):
    await wait_until(lambda: any("degraded" in m.message for m in corrupt_client.messages))
    (message,) = [m for m in corrupt_client.messages if "degraded" in m.message]
    assert "drift restore" in message.message and "drift.db" in message.message
    uri = open_file(corrupt_client, corrupt / "pkg/deviant.py")
    assert await diagnostics(corrupt_client, uri) == []
    with pytest.raises(JsonRpcException):
        await corrupt_client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="drift.status")
        )
    assert (corrupt / ".drift/drift.db").read_bytes().startswith(b"this is not a database")

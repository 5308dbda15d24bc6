"""The editor's approve/ignore actions, "Ignore this convention in <folder>/" and drift.lock:
a decision made in the editor is a change to the team's lock; a broken lock is said, not a
crash."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient
from support.lsp import diagnostics, open_file, scanned_repo, wait_until

from drift_lsp.workspace import Workspace
from lsp.test_diagnostics import naming

FUNCTION = ("naming/function", "snake_case/declaration@python")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The scanned repo of the other editor tests, with a lock written from it."""
    root = scanned_repo(tmp_path)
    with Workspace.open(root) as workspace:
        workspace.write_lock()
    return root


def locked_status(root: Path) -> str:
    rule, pattern = FUNCTION
    return tomllib.loads((root / "drift.lock").read_text())["conventions"][rule][pattern]["status"]


async def _decide(client: LanguageClient, command: str, pattern_id: str) -> dict:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=[pattern_id])
    )


async def test_ignoring_in_the_editor_updates_the_lock(client: LanguageClient, repo: Path) -> None:
    assert locked_status(repo) == "approved"
    uri = open_file(client, repo / "pkg/deviant.py")
    (function,) = naming(await diagnostics(client, uri, lambda d: bool(naming(d))))
    await _decide(client, "drift.ignorePattern", function.data["patternId"])
    assert locked_status(repo) == "ignored"
    await diagnostics(client, uri, lambda d: d and not naming(d))

    (repo / "drift.lock").write_text("version = [")
    with pytest.raises(JsonRpcException, match=r"malformed drift\.lock:1: not valid TOML"):
        await _decide(client, "drift.approvePattern", function.data["patternId"])
    assert (repo / "drift.lock").read_text() == "version = ["


async def test_ignore_this_convention_in_the_folder(client: LanguageClient, repo: Path) -> None:
    uri = open_file(client, repo / "pkg/deviant.py")
    (function,) = naming(await diagnostics(client, uri, lambda d: bool(naming(d))))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=function.range,
            context=types.CodeActionContext(diagnostics=[function]),
        )
    )
    (action,) = [a for a in actions if a.title.startswith("Ignore this convention")]
    assert action.title == "Ignore this convention (naming/function) in pkg/"
    # What the editor runs when the action is picked (the test client reads a code action
    # carrying a command as a bare Command, losing its arguments, so they are spelled here).
    arguments = [function.data["patternId"], "pkg/", uri]
    assert "drift.ignorePatternIn" in str(action.command) and str(arguments) in str(action.command)
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="drift.ignorePatternIn", arguments=arguments)
    )
    items = await diagnostics(client, uri, lambda d: d and not naming(d))
    assert items, "the other conventions are still checked"
    rule, pattern = FUNCTION
    overrides = tomllib.loads((repo / "drift.lock").read_text())["overrides"]
    assert overrides[rule][pattern]["pkg/"]["severity"] == "off"
    assert locked_status(repo) == "approved"  # still the convention elsewhere


async def test_a_pulled_lock_takes_effect_in_the_open_editor(
    client: LanguageClient, repo: Path
) -> None:
    uri = open_file(client, repo / "pkg/deviant.py")
    await diagnostics(client, uri, lambda d: bool(naming(d)))
    lock = repo / "drift.lock"
    pulled = lock.read_text()
    rule, pattern = FUNCTION
    header = f'[conventions."{rule}"."{pattern}"]\nstatus = "approved"\nby = "drift"'
    assert header in pulled

    def changed() -> None:
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=lock.as_uri(), type=types.FileChangeType.Changed)]
            )
        )

    lock.write_text(pulled.replace(header, header.replace("approved", "ignored")))  # git pull
    changed()
    await diagnostics(client, uri, lambda d: d and not naming(d))

    lock.write_text("version = 2\n")
    changed()
    await wait_until(lambda: any("drift.lock:1: version" in m.message for m in client.messages))
    assert not naming(await diagnostics(client, uri))

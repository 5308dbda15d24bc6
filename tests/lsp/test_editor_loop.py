"""The editor loop: what a user sees after typing, saving, fixing and deciding, without ever
reopening a file; edits that land where they should in any position encoding."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient
from support.lsp import (
    PROFILES,
    SERVER,
    accept_registrations,
    diagnostics,
    initialize_params,
    open_file,
    save_file,
    uses_pull,
)

from drift_lsp.workspace import Workspace

NEW_FUNCTION = "\n\ndef fetchEverything(itemId):\n    return itemId\n"
LOCAL_VARIABLE = "\n\ndef load_extra(item_id):\n    resultValue = item_id\n    return resultValue\n"


def named(items: list[types.Diagnostic], name: str) -> list[types.Diagnostic]:
    return [d for d in items if f"'{name}'" in d.message]


def _edit(action: types.CodeAction | types.Command) -> types.WorkspaceEdit | None:
    return getattr(action, "edit", None)


async def actions_for(
    client: LanguageClient, uri: str, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    return (
        await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        or []
    )


async def test_a_saved_deviation_appears_without_reopening(
    client: LanguageClient, repo: Path
) -> None:
    path = repo / "pkg/mod_1.py"
    uri = open_file(client, path)
    assert await diagnostics(client, uri) == []
    save_file(client, path, path.read_text() + NEW_FUNCTION, 2)
    items = await diagnostics(client, uri, lambda d: bool(named(d, "fetchEverything")))
    assert {d.range.start.line for d in named(items, "fetchEverything")} == {22}


async def test_pull_clients_are_asked_to_pull_again_after_a_save(
    client: LanguageClient, repo: Path
) -> None:
    if not uses_pull(client):
        pytest.skip("the server pushes to this client")
    path = repo / "pkg/mod_1.py"
    uri = open_file(client, path)
    assert await diagnostics(client, uri) == []
    before = client.diagnostic_refresh_count
    save_file(client, path, path.read_text() + NEW_FUNCTION, 2)
    await diagnostics(client, uri, lambda d: bool(named(d, "fetchEverything")))
    assert client.diagnostic_refresh_count > before


async def test_approving_elsewhere_refreshes_open_documents(
    client: LanguageClient, repo: Path
) -> None:
    uri = open_file(client, repo / "pkg/deviant.py")
    (function,) = named(await diagnostics(client, uri, bool), "fetchRemote")
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="drift.ignorePattern", arguments=[function.data["patternId"]]
        )
    )
    await diagnostics(client, uri, lambda d: not named(d, "fetchRemote"))


async def test_each_action_is_offered_once_and_approve_only_when_not_approved(
    client: LanguageClient, repo: Path
) -> None:
    path = repo / "pkg/deviant.py"
    uri = open_file(client, path)
    items = await diagnostics(client, uri, lambda d: bool(named(d, "fetchRemote")))
    on_line = [
        d for d in items if d.range.start.line == named(items, "fetchRemote")[0].range.start.line
    ]
    response = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=on_line[0].range,
            context=types.CodeActionContext(diagnostics=on_line + on_line),
        )
    )
    titles = [a.title for a in response]
    assert len(titles) == len(set(titles)), titles
    assert not any(t.startswith("Approve pattern") for t in titles), "already approved"
    assert "Explain this convention: naming/function…" in titles


async def test_an_edited_buffer_gets_no_stale_edits(client: LanguageClient, repo: Path) -> None:
    path = repo / "pkg/deviant.py"
    uri = open_file(client, path)
    items = await diagnostics(client, uri, lambda d: bool(named(d, "resultValue")))
    (variable,) = named(items, "resultValue")
    fresh = [a.title for a in await actions_for(client, uri, variable) if _edit(a)]
    assert any(t.startswith("Rename") for t in fresh)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument("\n" + path.read_text())],
        )
    )
    stale = await actions_for(client, uri, variable)
    assert [a.title for a in stale if _edit(a)] == []
    assert stale, "decisions need no edit: still offered"


async def test_fix_all_fixes_the_text_about_to_be_saved(client: LanguageClient, repo: Path) -> None:
    """codeActionsOnSave: the editor asks for source.fixAll on a buffer typed into since its
    last analysis; the fix must be for that text."""
    path = repo / "pkg/mod_1.py"
    uri = open_file(client, path)
    assert await diagnostics(client, uri) == []
    typed = path.read_text() + LOCAL_VARIABLE
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(typed)],
        )
    )
    (fix_all,) = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(start=types.Position(0, 0), end=types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.drift"]),
        )
    )
    if fix_all.edit is None:
        fix_all = await client.code_action_resolve_async(fix_all)
    (change,) = fix_all.edit.document_changes
    assert change.text_document.version == 2
    fixed = _apply(typed, change.edits, "utf-16")
    assert fixed == typed.replace("resultValue", "result_value")


# ---- positions outside the Basic Multilingual Plane -------------------------------------

WIDE = 'def load_1(item_id):\n    """💥 𠜎𠝹 中文 ü"""\n    label = "🎉🎉"; resultValue = item_id\n    return resultValue\n'


@pytest_lsp.fixture(params=[(p, e) for p in PROFILES for e in ("utf-16", "utf-8")], config=SERVER)
async def encoded_client(request, lsp_client: LanguageClient, repo: Path):
    profile, encoding = request.param
    params = initialize_params(profile, repo)
    params.capabilities.general = types.GeneralClientCapabilities(position_encodings=[encoding])
    accept_registrations(lsp_client)
    result = await lsp_client.initialize_session(params)
    lsp_client.encoding = result.capabilities.position_encoding or "utf-16"
    assert lsp_client.encoding == encoding
    yield
    await lsp_client.shutdown_session()


def _units(text: str, encoding: str) -> int:
    return len(text.encode("utf-16-le" if encoding == "utf-16" else "utf-8")) // (
        2 if encoding == "utf-16" else 1
    )


def _apply(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        line = lines[position.line]
        column = next(
            (i for i in range(len(line) + 1) if _units(line[:i], encoding) >= position.character),
            len(line),
        )
        return sum(len(x) + 1 for x in lines[: position.line]) + column

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def test_ranges_and_fixes_in_the_negotiated_encoding(
    encoded_client: LanguageClient, repo: Path
) -> None:
    client = encoded_client
    path = repo / "pkg/wide.py"
    path.write_text(WIDE)
    uri = open_file(client, path)
    items = await diagnostics(client, uri, lambda d: bool(named(d, "resultValue")))
    (variable,) = named(items, "resultValue")
    line = WIDE.split("\n")[2]
    start = _units(line[: line.index("resultValue")], client.encoding)
    assert variable.range.start == types.Position(line=2, character=start)
    actions = await actions_for(client, uri, variable)
    rename = next(a for a in actions if a.title.startswith("Rename"))
    (change,) = rename.edit.document_changes
    fixed = _apply(WIDE, change.edits, client.encoding)
    assert fixed == WIDE.replace("resultValue", "result_value")
    ignore = next(a for a in actions if a.title.startswith("Ignore") and _edit(a))
    (change,) = ignore.edit.document_changes
    assert _apply(WIDE, change.edits, client.encoding).split("\n")[2] == (
        "    # drift-ignore[naming/variable]"
    )


async def test_hover_examples_start_at_the_line_they_are_labelled_with(
    client: LanguageClient, repo: Path
) -> None:
    uri = open_file(client, repo / "pkg/deviant.py")
    await diagnostics(client, uri, bool)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri),
            position=types.Position(line=5, character=6),
        )
    )
    examples = re.findall(
        r"\[([^\]]+):(\d+)\]\([^)]*\)\n`{3,}python\n([^\n]*)", hover.contents.value
    )
    assert examples
    for rel, line, first in examples:
        assert (repo / rel).read_text().split("\n")[int(line) - 1] == first


# ---- a save that changes what is enforced -------------------------------------------------

SNAKE = 'def load_{n}(item_id):\n    """Load."""\n    return item_id\n\n\ndef save_{n}(item_id):\n    """Save."""\n    return item_id\n'


@pytest_lsp.fixture(params=PROFILES, config=SERVER)
async def young_client(request, lsp_client: LanguageClient, tmp_path: Path):
    """A workspace too young to have a naming convention: one file of snake_case functions."""
    root = tmp_path / "young"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/first.py").write_text(SNAKE.format(n=1))
    (root / "pkg/odd.py").write_text(
        'def fetchThing(item_id):\n    """Fetch."""\n    return item_id\n'
    )
    (root / "drift.config.json").write_text(
        json.dumps(
            {
                "learning": {
                    "autoApproveThreshold": 0.3,
                    "minOccurrences": 2,
                    "minFiles": 2,
                    "minFileShare": 0.5,
                }
            }
        )
    )
    with Workspace.open(root) as workspace:
        workspace.scan()
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(initialize_params(request.param, root))
    lsp_client.root = root
    yield
    await lsp_client.shutdown_session()


async def test_a_save_that_teaches_a_convention_rechecks_other_open_documents(
    young_client: LanguageClient,
) -> None:
    client, root = young_client, young_client.root
    odd = open_file(client, root / "pkg/odd.py")
    assert not named(await diagnostics(client, odd), "fetchThing")
    second = root / "pkg/second.py"
    second.write_text("")
    open_file(client, second)
    save_file(client, second, SNAKE.format(n=2) + "\n\n" + SNAKE.format(n=3), 2)
    await diagnostics(client, odd, lambda d: bool(named(d, "fetchThing")))

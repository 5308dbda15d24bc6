"""What an editor shows: diagnostics on open and save, fixes, suppressions, decisions."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient
from support.lsp import diagnostics, open_file, save_file, uses_pull

from drift_lsp.analysis.fixes import apply_edits
from drift_lsp.analysis.languages import language_for_path, parse
from drift_lsp.analysis.model import TextEdit


def naming(items: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in items if d.code == "naming/function"]


async def test_open_shows_drift_diagnostics(client: LanguageClient, repo: Path) -> None:
    uri = open_file(client, repo / "pkg/deviant.py")
    items = await diagnostics(client, uri, lambda d: bool(naming(d)))
    (function,) = naming(items)
    assert function.source == "drift"
    assert function.message == "Function naming: expected snake_case, found camelCase 'fetchRemote'"
    assert function.range.start == types.Position(line=5, character=4)
    assert function.data["patternId"]
    assert function.related_information and "mod_" in function.related_information[0].location.uri
    if uses_pull(client):
        assert uri not in client.diagnostics


async def test_conforming_file_has_no_diagnostics(client: LanguageClient, repo: Path) -> None:
    uri = open_file(client, repo / "pkg/mod_1.py")
    assert await diagnostics(client, uri) == []


def _edits(action: types.CodeAction) -> list[TextEdit]:
    (change,) = action.edit.document_changes
    return [
        TextEdit(e.range.start.line, e.range.start.character, e.range.end.line,
                 e.range.end.character, e.new_text)
        for e in change.edits
    ]  # fmt: skip


async def test_quick_fix_removes_the_diagnostic(client: LanguageClient, repo: Path) -> None:
    path = repo / "pkg/deviant.py"
    uri = open_file(client, path)
    items = await diagnostics(client, uri, lambda d: any(x.code == "naming/variable" for x in d))
    variable = next(d for d in items if d.code == "naming/variable")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=variable.range,
            context=types.CodeActionContext(diagnostics=[variable]),
        )
    )
    titles = [a.title for a in actions]
    assert "Rename 'resultValue' to 'result_value' in this function" in titles
    assert any(t.startswith("Ignore naming/variable on this line") for t in titles)
    assert any(t.startswith("Ignore pattern") for t in titles)
    fix = next(a for a in actions if a.title.startswith("Rename"))
    assert fix.is_preferred
    fixed = apply_edits(path.read_text(), _edits(fix))
    assert not parse(language_for_path(path), fixed.encode()).root_node.has_error
    save_file(client, path, fixed, 2)
    await diagnostics(client, uri, lambda d: d and not any(x.code == "naming/variable" for x in d))


async def test_ignore_line_action_suppresses(client: LanguageClient, repo: Path) -> None:
    path = repo / "pkg/deviant.py"
    uri = open_file(client, path)
    items = await diagnostics(client, uri, lambda d: bool(naming(d)))
    (function,) = naming(items)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=function.range,
            context=types.CodeActionContext(diagnostics=[function]),
        )
    )
    ignore = next(a for a in actions if a.title.startswith("Ignore naming/function on this line"))
    fixed = apply_edits(path.read_text(), _edits(ignore))
    assert "# drift-ignore[naming/function]\ndef fetchRemote" in fixed
    save_file(client, path, fixed, 2)
    await diagnostics(client, uri, lambda d: d and not naming(d))


async def test_ignore_pattern_command_clears_it_everywhere(
    client: LanguageClient, repo: Path
) -> None:
    uri = open_file(client, repo / "pkg/deviant.py")
    (function,) = naming(await diagnostics(client, uri, lambda d: bool(naming(d))))
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="drift.ignorePattern", arguments=[function.data["patternId"]]
        )
    )
    assert result["status"] == "ignored"
    await diagnostics(client, uri, lambda d: d and not naming(d))
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="drift.approvePattern", arguments=[function.data["patternId"]]
        )
    )
    assert result["status"] == "approved"
    await diagnostics(client, uri, lambda d: bool(naming(d)))


async def test_fifty_rapid_saves_end_with_one_correct_set(
    client: LanguageClient, repo: Path
) -> None:
    path = repo / "pkg/deviant.py"
    uri = open_file(client, path)
    original = path.read_text()
    for version in range(2, 52):
        name = "fetchRemote" if version % 2 else "fetch_remote"
        save_file(client, path, original.replace("fetchRemote", name), version)
    # The last save (version 51) keeps the camelCase name: exactly one naming diagnostic.
    items = await diagnostics(client, uri, lambda d: len(naming(d)) == 1)
    assert len(naming(items)) == 1
    status = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="drift.status")
    )
    assert status["total_patterns"] > 0


async def test_binary_and_garbage_files_do_not_crash(client: LanguageClient, repo: Path) -> None:
    garbage = repo / "pkg/garbage.py"
    garbage.write_bytes(b"\x00\xff\xfe" * 1000)
    uri = open_file(client, garbage, text="\x00\ufffd" * 3000)
    assert await diagnostics(client, uri) == []
    huge = repo / "pkg/huge.py"
    huge.write_text("x = 1\n" * 900_000)
    assert await diagnostics(client, open_file(client, huge)) == []
    status = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="drift.status")
    )
    assert status["total_patterns"] > 0


async def test_closing_clears_pushed_diagnostics(client: LanguageClient, repo: Path) -> None:
    if uses_pull(client):
        return
    uri = open_file(client, repo / "pkg/deviant.py")
    await diagnostics(client, uri, lambda d: bool(naming(d)))
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri))
    )
    await diagnostics(client, uri, lambda d: d == [])

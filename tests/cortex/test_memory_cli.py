"""`drift memory …` as a user types it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from drift_lsp.commands import memory
from storage.cortex import Cortex
from storage.errors import StorageError


def drift(root: Path, *argv: str) -> int:
    """The `drift` entry point with only the memory commands registered (as cli.main does)."""
    parser = argparse.ArgumentParser(prog="drift")
    parser.add_argument("--root", default=".")
    memory.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["--root", str(root), *argv])
    return args.handler(args)


def test_add_list_search_show_supersede_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pattern = "0123456789abcdef"
    assert drift(tmp_path, "memory", "add", "--type", "rationale", "--summary",
                 "Jobs re-raise exceptions because the runner retries", "--tag", "errors",
                 "--pattern", pattern, "--file", "jobs/runner.py",
                 "--content", '{"ticket": "OPS-12"}') == 0  # fmt: skip
    added = capsys.readouterr()
    assert "added memory 1" in added.out
    assert f"drift.db has no pattern {pattern} (yet)" in added.err
    drift(tmp_path, "memory", "add", "--type", "tribal", "--summary", "print is fine in scripts/")
    drift(tmp_path, "memory", "add", "--type", "glossary", "--summary", "SLO: service level")
    capsys.readouterr()

    drift(tmp_path, "memory", "list", "--limit", "2")
    out = capsys.readouterr().out
    assert "SLO" in out and "print is fine" in out and "more: drift memory list --after 2" in out
    drift(tmp_path, "memory", "list", "--after", "2", "--json")
    page = json.loads(capsys.readouterr().out)
    assert [m["id"] for m in page["items"]] == [1] and page["next_after"] is None

    drift(tmp_path, "memory", "search", "why do we rethrow errors in jobs", "--k", "1", "--json")
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["id"] == 1 and hits[0]["patterns"][0]["pattern_id"] == pattern

    drift(tmp_path, "memory", "supersede", "1", "--summary", "Jobs re-raise; the queue retries")
    assert "memory 4 supersedes 1" in capsys.readouterr().out
    drift(tmp_path, "memory", "link", "2", "related", "4")
    drift(tmp_path, "memory", "archive", "3", "--reason", "we dropped SLOs")
    capsys.readouterr()

    drift(tmp_path, "memory", "show", "4", "--json")
    shown = json.loads(capsys.readouterr().out)
    assert shown["supersedes"] == 1 and shown["supersede_chain"] == [1, 4]
    assert shown["links"]["files"] == ["jobs/runner.py"]
    assert shown["content"] == {"ticket": "OPS-12"}
    drift(tmp_path, "memory", "show", "1")
    assert "supersede chain: 1 → 4" in capsys.readouterr().out
    drift(tmp_path, "memory", "show", "3", "--json")
    assert json.loads(capsys.readouterr().out)["archive_reason"] == "we dropped SLOs"
    drift(tmp_path, "memory", "purge", "--older-than-days", "30")
    assert "removed 0 memories" in capsys.readouterr().out
    drift(tmp_path, "memory", "precompute")
    assert "wrote 5 embeddings to" in capsys.readouterr().out
    assert (tmp_path / ".drift" / "embeddings.npz").exists()


def test_show_as_of_prints_the_version_known_then(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drift(tmp_path, "memory", "add", "--type", "decision", "--summary", "Use tabs")
    capsys.readouterr()
    drift(tmp_path, "memory", "show", "1", "--json")
    recorded = json.loads(capsys.readouterr().out)["recorded_at"]
    drift(tmp_path, "memory", "archive", "1", "--reason", "changed our minds")
    capsys.readouterr()
    drift(tmp_path, "memory", "show", "1", "--as-of", recorded, "--json")
    then = json.loads(capsys.readouterr().out)
    assert then["archived"] is False and then["version"] == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("add", "--type", "gossip", "--summary", "x"), "unknown memory type 'gossip'"),
        (("add", "--type", "core", "--summary", "x", "--content", "{oops"),
         "content is not valid JSON"),
        (("add", "--type", "core", "--summary", "x", "--valid-from", "yesterday"),
         "invalid time 'yesterday'"),
        (("show", "42"), "no memory with id 42"),
        (("link", "1", "likes", "2"), "unknown relationship 'likes'"),
        (("archive", "1", "--reason", "  "), "needs a reason"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_error_and_writes_nothing(
    tmp_path: Path, argv: tuple[str, ...], message: str
) -> None:
    drift(tmp_path, "memory", "add", "--type", "core", "--summary", "keep me")
    with pytest.raises(StorageError, match=message):
        drift(tmp_path, "memory", *argv)
    with Cortex.open(tmp_path) as cortex:
        assert [m.summary for m in cortex.list(include_archived=True).items] == ["keep me"]
        assert len(cortex.history(1)) == 1

"""Running `drift` and git as a user or a CI job does: in a subprocess, in a temporary
repository whose commits are old enough for learning to trust them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Commits old enough that the age part of confidence is saturated in every clone.
_OLD = "2020-09-13T12:00:00+00:00"
_GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_DATE": _OLD,
    "GIT_COMMITTER_DATE": _OLD,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, env=_GIT_ENV, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def init_repo(root: Path, user: str = "Ann") -> None:
    """A repository on branch main whose commits are `user`'s."""
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", user)
    git(root, "config", "user.email", f"{user.lower()}@example.com")


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def drift(root: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
    """`drift --root ROOT ARGS…`, asserting its exit code and that it printed no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "drift_lsp.cli", "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == expect, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done

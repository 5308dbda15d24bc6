"""Running git on a repository Drift did not write: read-only, and with every setting through
which the repository's own config could make git run a program turned off.

A cloned repository's `.git/config` is as untrusted as its code: `core.fsmonitor`, a filter
driver's `clean`/`process` (run by `git status` on a file whose stat changed), `diff.external`
or a hook would otherwise execute whenever Drift scans, checks or the server starts.
"""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)

TIMEOUT_S = 30
# Settings that name a program, overridden on the command line, which wins over every config
# file (Drift only reads history and status: none is needed), and stable path quoting.
_SETTINGS = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.sshCommand=",
    "core.askPass=",
    "core.pager=cat",
    "credential.helper=",
    "diff.external=",
    "protocol.allow=never",
    "core.quotepath=off",
)
# Keys naming a program per driver, which can't be turned off by one name: the repository's
# own ones are listed (without running anything) and emptied one by one.
_DRIVER_PROGRAMS = r"^(filter|diff|merge)\..+\.(clean|smudge|process|textconv|command|driver)$"
_UNTRUSTED_SCOPES = (b"local", b"worktree")
_ENVIRONMENT = {
    "GIT_TERMINAL_PROMPT": "0",  # never wait for a password on a terminal nobody watches
    "GIT_OPTIONAL_LOCKS": "0",  # `status` must not rewrite the user's index
    "GIT_PAGER": "cat",
}


def _command(*config: str) -> list[str]:
    command = ["git"]
    for setting in (*_SETTINGS, *config):
        command += ["-c", setting]
    return command


def _run(root: Path, command: list[str], timeout: float) -> bytes | None:
    try:
        completed = subprocess.run(
            command,
            cwd=root,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
            env={**os.environ, **_ENVIRONMENT},
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.info("git %s in %s failed: %s", command[-1:], root, exc)
        return None
    return completed.stdout if completed.returncode == 0 else None


def _repository_drivers(root: Path, timeout: float) -> list[str]:
    """`key=` for every filter/diff/merge program the repository's own config names."""
    query = ["config", "--show-scope", "--name-only", "-z", "--get-regexp", _DRIVER_PROGRAMS]
    listed = _run(root, _command() + query, timeout)
    if not listed:
        return []
    fields = listed.split(b"\0")
    return [
        key.decode("utf-8", "surrogateescape") + "="
        for scope, key in zip(fields[::2], fields[1::2], strict=False)
        if scope in _UNTRUSTED_SCOPES
    ]


def git(root: Path, *args: str, timeout: float = TIMEOUT_S) -> bytes | None:
    """stdout of `git args` in `root`, or None when git is missing, fails or times out."""
    return _run(root, _command(*_repository_drivers(root, timeout)) + list(args), timeout)


def git_user(root: Path) -> str | None:
    """Who decides, as git knows them in `root` (user.name), or None when it doesn't."""
    name = git(root, "config", "user.name")
    return name.decode("utf-8", "replace").strip() or None if name else None

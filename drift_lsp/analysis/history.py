"""When each file last changed according to git: the age of a convention.

File mtimes say nothing in a fresh clone or checkout (every file is "new"), so learning
takes a file's age from its last commit when the workspace is in a git repository, and from
its mtime otherwise. Reading the history is bounded: the newest `MAX_COMMITS` commits, and a
tracked file none of them touched is at least as old as the oldest of them.
"""

from __future__ import annotations

from pathlib import Path

from drift_lsp.analysis.git import git

MAX_COMMITS = 5000
_NS = 10**9


def last_commit_times(root: Path, max_commits: int = MAX_COMMITS) -> dict[str, int]:
    """Workspace-relative path -> commit time (ns) of the last commit that touched it, for
    every tracked file under `root`; empty outside a git repository or without git."""
    tracked = git(root, "ls-files", "-z")
    if not tracked:
        return {}
    history = git(
        root, "log", "--no-ext-diff", "--no-textconv", f"-n{max_commits}", "--format=%x00%ct",
        "--name-only", "--relative", "-z",
    )  # fmt: skip
    if history is None:
        return {}
    times: dict[str, int] = {}
    commits, when, after_gap = 0, 0, True
    # Each commit is "\0<time>\0" then its paths, each ending in "\0", the first after "\n".
    for token in history.split(b"\0"):
        if not token:
            after_gap = True
            continue
        if after_gap:
            when, after_gap, commits = int(token) * _NS, False, commits + 1
            continue
        times.setdefault(token.lstrip(b"\n").decode("utf-8", "surrogateescape"), when)
    oldest = when if commits >= max_commits else None
    result = {}
    for raw in tracked.split(b"\0"):
        path = raw.decode("utf-8", "surrogateescape")
        if path and (found := times.get(path, oldest)) is not None:
            result[path] = found
    return result

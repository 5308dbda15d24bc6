"""`drift check --baseline REF`: the files changed since a git commit, and each one's text
at that commit (under its old name when it was renamed since)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drift_lsp.analysis.baseline import Compared, compare, fingerprints
from drift_lsp.analysis.git import git
from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.model import Violation
from drift_lsp.workspace import Workspace

# Where the default branch is looked for when --baseline names no commit.
_DEFAULT_BRANCHES = ("origin/HEAD", "origin/main", "origin/master", "main", "master")


class BaselineError(ValueError):
    """A baseline that can't be used: not a repository, not a commit."""


@dataclass(frozen=True)
class Baseline:
    root: Path
    ref: str  # as the user named it
    commit: str
    # Workspace-relative path now -> path at the baseline, for the files that changed
    # (None: added since).
    changed: dict[str, str | None]
    deleted: list[str]  # paths at the baseline of the files deleted since

    def text_at(self, old: str) -> str | None:
        """The text at the baseline of the file then at `old`, if it was text."""
        # "./" makes the path relative to the workspace, which may be below the repository.
        data = git(self.root, "show", f"{self.commit}:./{old}")
        try:
            return None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def text(self, rel: str, now: str) -> str | None:
        """The file's text at the baseline (`now` is its text now): None when it did not
        exist or wasn't text."""
        if rel not in self.changed:
            return now
        old = self.changed[rel]
        return None if old is None else self.text_at(old)


def resolve(root: Path, ref: str) -> Baseline:
    """The baseline commit `ref` names ("" for the merge base with the default branch)."""
    if git(root, "rev-parse", "--is-inside-work-tree") is None:
        raise BaselineError(f"{root} is not in a git repository")
    if not ref:
        ref, commit = _merge_base(root)
    else:
        found = git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        if found is None:
            raise BaselineError(f"{ref!r} is not a commit in {root}")
        commit = found.decode().strip()
    changed, deleted = _changed_since(root, commit)
    return Baseline(root, ref, commit, changed, deleted)


def _merge_base(root: Path) -> tuple[str, str]:
    for branch in _DEFAULT_BRANCHES:
        found = git(root, "merge-base", "HEAD", branch)
        if found is not None:
            return f"merge-base with {branch}", found.decode().strip()
    raise BaselineError("no default branch to compare with; name the commit: --baseline REF")


def _changed_since(root: Path, commit: str) -> tuple[dict[str, str | None], list[str]]:
    """Files that differ between `commit` and the working tree, tracked or not: their path
    now -> their path then (None for a file added since); and the files deleted since."""
    listed = git(root, "diff", "--name-status", "-z", "-M", "--relative", commit)
    fields = (listed or b"").decode("utf-8", "surrogateescape").split("\0")
    changed: dict[str, str | None] = {}
    deleted = []
    index = 0
    while index < len(fields) - 1:
        status = fields[index]
        if status.startswith(("R", "C")):
            changed[fields[index + 2]] = fields[index + 1]
            index += 3
            continue
        if status.startswith("D"):
            deleted.append(fields[index + 1])
        else:
            changed[fields[index + 1]] = None if status.startswith("A") else fields[index + 1]
        index += 2
    untracked = git(root, "ls-files", "--others", "--exclude-standard", "-z")
    for rel in (untracked or b"").decode("utf-8", "surrogateescape").split("\0"):
        if rel:
            changed[rel] = None
    return changed, deleted


def compare_file(
    workspace: Workspace, baseline: Baseline, path: Path, text: str, found: list[Violation]
) -> Compared:
    """The file's violations now (`found`, in `text`) against those of its baseline text,
    both checked with today's conventions: what is new is what this change brought."""
    rel = workspace.relative(path) or path.name
    old = baseline.text(rel, text)
    before = workspace.check_text(path, old) if old is not None else []
    return compare(fingerprints(found, text, rel), fingerprints(before, old or "", rel))


def deleted_violations(workspace: Workspace, baseline: Baseline) -> Compared:
    """The violations of the files deleted since the baseline: all of them gone ("absent")."""
    gone = Compared()
    for rel in baseline.deleted:
        old = baseline.text_at(rel) if language_for_path(rel) else None
        if old is not None:
            found = workspace.check_text(workspace.root / rel, old)
            gone.absent += fingerprints(found, old, rel)
    return gone

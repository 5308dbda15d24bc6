"""What a convention is learned over: one language, source or test code apart, and one
package of a monorepo.

A slot's context carries its scope (`declaration@python`, `declaration@python:test`,
`declaration@typescript#packages|web`), so every part of Drift that keys on (detector,
context) learns, stores and enforces per scope without knowing about scopes: Python
conventions never reach TypeScript, what tests do (no docstrings, print, broad excepts) is
never learned as a rule for the source, or back, nor is what examples and docs do
(`python:example`), and packages that differ (one uses `var`, another `const`) each keep
their own way.

A package is a folder below the workspace root with its own manifest. It learns on its own
only with enough code of a language to learn from (`MIN_PACKAGE_FILES`); a smaller one
follows the workspace-wide conventions of that language.

TypeScript and TSX share their conventions (one language, with or without JSX); JavaScript
is apart from both: a codebase's JS is often build scripts and configs with habits of their
own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import PurePosixPath

from drift_lsp.analysis.detectors.tests import is_test_file

LANGUAGE_GROUP = {"tsx": "typescript"}
# Categories where test code legitimately differs from source: learned per role. The
# others (imports, style) describe the codebase as a whole.
BY_ROLE = frozenset({"documentation", "types", "logging", "errors", "naming", "tests"})
_TEST_PARTS = frozenset({"test", "tests", "__tests__", "spec", "testing"})
_EXAMPLE_PARTS = frozenset({"docs", "doc", "examples", "example", "demo", "demos", "samples"})
MANIFESTS = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "package.json", "tsconfig.json"})
MIN_PACKAGE_FILES = 20


@lru_cache(maxsize=4096)
def is_test_code(rel_path: str) -> bool:
    path = PurePosixPath(rel_path)
    return (
        is_test_file(rel_path)
        or path.stem == "conftest"
        or any(part in _TEST_PARTS for part in path.parts[:-1])
    )


def language_group(language: str) -> str:
    return LANGUAGE_GROUP.get(language, language)


@lru_cache(maxsize=4096)
def role_of(rel_path: str) -> str:
    """ "example" for code written to show, not to ship (docs/, examples/: jinja2's
    `examples/basic/test_loop_filter.py` is no test, its `docs/examples` are unannotated),
    "test" for test code, "" for source."""
    if any(part in _EXAMPLE_PARTS for part in PurePosixPath(rel_path).parts[:-1]):
        return "example"
    return "test" if is_test_code(rel_path) else ""


def scope_of(rel_path: str, language: str, category: str, package: str = "") -> str:
    scope = language_group(language)
    if category in BY_ROLE and (role := role_of(rel_path)):
        scope += f":{role}"
    # "/" separates a pattern's value from its context: a package path must not hold one.
    return f"{scope}#{package.replace('/', '|')}" if package else scope


class Packages:
    """The packages of a workspace that learn on their own, per language group."""

    def __init__(self, learning: Iterable[tuple[str, str]] = ()) -> None:
        self.learning = frozenset(learning)  # (package folder, language group)

    @classmethod
    def of(cls, folders: Iterable[str], files: Iterable[tuple[str, str]]) -> Packages:
        """From the folders holding a manifest and the (path, language) of every file."""
        candidates = {folder for folder in folders if folder}
        counts: Counter[tuple[str, str]] = Counter()
        for rel, language in files:
            folder = _nearest(rel, candidates)
            if folder:
                counts[folder, language_group(language)] += 1
        return cls(key for key, count in counts.items() if count >= MIN_PACKAGE_FILES)

    def package_of(self, rel_path: str, language: str) -> str:
        """The package whose conventions apply to the file, or "" for the workspace's."""
        group = language_group(language)
        return next((f for f in _folders_above(rel_path) if (f, group) in self.learning), "")


def _nearest(rel_path: str, folders: set[str]) -> str:
    return next((folder for folder in _folders_above(rel_path) if folder in folders), "")


def _folders_above(rel_path: str) -> Iterator[str]:
    """ "a/b/c.py" → "a/b", "a": string slicing, since a scan asks this of every file twice."""
    folder = rel_path
    while (cut := folder.rfind("/")) > 0:
        folder = folder[:cut]
        yield folder


def scoped(context: str, scope: str) -> str:
    return f"{context}@{scope}"


def unscoped(context: str) -> tuple[str, str]:
    """(plain context, scope) of a stored slot context."""
    plain, _, scope = context.partition("@")
    return plain, scope


def describe(scope: str) -> str:
    """For people: "python", "python tests", "typescript in packages/web"."""
    scope, _, package = scope.partition("#")
    language, _, role = scope.partition(":")
    described = f"{language} {role}s" if role else language
    return f"{described} in {package.replace('|', '/')}" if package else described

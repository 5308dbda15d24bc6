"""What a convention is learned over: one language, and source or test code apart.

A slot's context carries its scope (`declaration@python`, `declaration@python:test`), so
every part of Drift that keys on (detector, context) learns, stores and enforces per scope
without knowing about scopes: Python conventions never reach TypeScript, and what tests do
(no docstrings, print, broad excepts) is never learned as a rule for the source, or back.

TypeScript and TSX share their conventions (one language, with or without JSX); JavaScript
is apart from both: a codebase's JS is often build scripts and configs with habits of their
own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import PurePosixPath

from drift_lsp.analysis.detectors.tests import is_test_file

LANGUAGE_GROUP = {"tsx": "typescript"}
# Categories where test code legitimately differs from source: learned per role. The
# others (imports, style) describe the codebase as a whole.
BY_ROLE = frozenset({"documentation", "types", "logging", "errors", "naming", "tests"})
_TEST_PARTS = frozenset({"test", "tests", "__tests__", "spec", "testing"})


@lru_cache(maxsize=4096)
def is_test_code(rel_path: str) -> bool:
    path = PurePosixPath(rel_path)
    return (
        is_test_file(rel_path)
        or path.stem == "conftest"
        or any(part in _TEST_PARTS for part in path.parts[:-1])
    )


def scope_of(rel_path: str, language: str, category: str) -> str:
    scope = LANGUAGE_GROUP.get(language, language)
    if category in BY_ROLE and is_test_code(rel_path):
        scope += ":test"
    return scope


def scoped(context: str, scope: str) -> str:
    return f"{context}@{scope}"


def unscoped(context: str) -> tuple[str, str]:
    """(plain context, scope) of a stored slot context."""
    plain, _, scope = context.partition("@")
    return plain, scope


def describe(scope: str) -> str:
    """For people: "python", "python tests"."""
    language, _, role = scope.partition(":")
    return f"{language} {role}s" if role else language

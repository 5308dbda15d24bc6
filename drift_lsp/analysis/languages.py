"""The language table: file extensions → tree-sitter grammar, comment syntax, query folder.

Adding a language adds a row here and a folder of query files; nothing else changes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath
from typing import Any

import tree_sitter
import tree_sitter_javascript
import tree_sitter_python
import tree_sitter_typescript


@dataclass(frozen=True)
class Language:
    name: str
    extensions: tuple[str, ...]
    line_comment: str
    # Query folders read in order: `ecmascript` holds what JavaScript and TypeScript share.
    query_dirs: tuple[str, ...]
    grammar: Callable[[], Any]
    fence: str
    # Opening of a block comment, where the language has one (suppression comments may use it).
    block_comment: str | None = None

    @property
    def ts_language(self) -> tree_sitter.Language:
        return _ts_language(self.name)


LANGUAGES: tuple[Language, ...] = (
    Language("python", (".py", ".pyi"), "#", ("python",), tree_sitter_python.language, "python"),
    Language(
        "javascript",
        (".js", ".jsx", ".mjs", ".cjs"),
        "//",
        ("ecmascript", "javascript", "jsx"),
        tree_sitter_javascript.language,
        "javascript",
        "/*",
    ),
    Language(
        "typescript",
        (".ts", ".mts", ".cts"),
        "//",
        ("ecmascript", "typescript"),
        tree_sitter_typescript.language_typescript,
        "typescript",
        "/*",
    ),
    Language(
        "tsx",
        (".tsx",),
        "//",
        ("ecmascript", "typescript", "jsx"),
        tree_sitter_typescript.language_tsx,
        "tsx",
        "/*",
    ),
)
_BY_EXTENSION = {ext: lang for lang in LANGUAGES for ext in lang.extensions}
_BY_NAME = {lang.name: lang for lang in LANGUAGES}


def language_for_path(path: str | PurePath) -> Language | None:
    # os.path, not PurePath: the walker asks this for every file of the workspace.
    return _BY_EXTENSION.get(os.path.splitext(path)[1].lower())


@cache
def _ts_language(name: str) -> tree_sitter.Language:
    return tree_sitter.Language(_BY_NAME[name].grammar())


@cache
def _parser(name: str) -> tree_sitter.Parser:
    return tree_sitter.Parser(_ts_language(name))


def parse(language: Language, source: bytes) -> tree_sitter.Tree:
    """Parse with this process's parser for the language (parsers are reused, not shared)."""
    return _parser(language.name).parse(source)

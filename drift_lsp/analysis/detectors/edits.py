"""Small helpers that turn tree-sitter nodes into Drift text edits."""

from __future__ import annotations

from functools import cache

import tree_sitter

from drift_lsp.analysis.languages import Language
from drift_lsp.analysis.model import TextEdit
from drift_lsp.analysis.source import Source


def replace_node(source: Source, node: tree_sitter.Node, new_text: str) -> TextEdit:
    line, column = source.char_point(node.start_point)
    end_line, end_column = source.char_point(node.end_point)
    return TextEdit(line, column, end_line, end_column, new_text)


@cache
def compiled(language: Language, pattern: str) -> tree_sitter.Query:
    return tree_sitter.Query(language.ts_language, pattern)


def captures(
    language: Language, pattern: str, node: tree_sitter.Node
) -> dict[str, list[tree_sitter.Node]]:
    return tree_sitter.QueryCursor(compiled(language, pattern)).captures(node)

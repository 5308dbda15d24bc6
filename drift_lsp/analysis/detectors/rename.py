"""Rename a local name to the expected style everywhere in its function, or not at all."""

from __future__ import annotations

import tree_sitter

from drift_lsp.analysis.detectors.base import FixRequest
from drift_lsp.analysis.detectors.edits import captures, replace_node
from drift_lsp.analysis.model import QuickFix
from drift_lsp.analysis.naming_styles import convert

_SCOPES = frozenset(
    {
        "function_definition",
        "function_declaration",
        "method_definition",
        "arrow_function",
        "function_expression",
        "generator_function_declaration",
    }
)
# `{name}` shorthand in JavaScript binds a property name too: renaming it would change the
# object's shape, so a scope with one gets no fix.
_NAMES = {
    "python": "(identifier) @name",
    "javascript": "[(identifier) (shorthand_property_identifier)"
    " (shorthand_property_identifier_pattern)] @name",
}


def _enclosing_scope(node: tree_sitter.Node) -> tree_sitter.Node | None:
    scope = node.parent
    while scope is not None and scope.type not in _SCOPES:
        scope = scope.parent
    return scope


def _is_reference(node: tree_sitter.Node) -> bool:
    """Identifiers that name something else: `obj.attr` and `f(name=...)` keep their text."""
    parent = node.parent
    if parent is None:
        return True
    if parent.type == "attribute" and parent.child_by_field_name("attribute") == node:
        return False
    return not (parent.type == "keyword_argument" and parent.child_by_field_name("name") == node)


def rename_in_scope(request: FixRequest) -> QuickFix | None:
    source, node = request.source, request.node
    old = source.text(node)
    new = convert(old, request.expected)
    if new == old or not new.isidentifier():
        return None
    scope = _enclosing_scope(node)
    if scope is None:
        return None
    occurrences = []
    for name in captures(
        source.language, _NAMES.get(source.language.name, _NAMES["javascript"]), scope
    ).get("name", []):
        text = source.text(name)
        if text == new:
            return None
        if text == old:
            if name.type != "identifier":
                return None
            if _is_reference(name):
                occurrences.append(name)
    if not occurrences:
        return None
    return QuickFix(
        f"Rename '{old}' to '{new}' in this function",
        tuple(replace_node(source, name, new) for name in occurrences),
    )

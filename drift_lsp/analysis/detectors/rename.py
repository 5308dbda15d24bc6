"""Rename a local name to the expected style everywhere in its function, or not at all."""

from __future__ import annotations

import keyword

import tree_sitter

from drift_lsp.analysis.detectors.base import FixRequest
from drift_lsp.analysis.detectors.edits import captures, replace_node
from drift_lsp.analysis.model import QuickFix
from drift_lsp.analysis.naming_styles import convert
from drift_lsp.analysis.source import Source

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
# Names a style conversion could produce that are not usable as identifiers.
_JS_RESERVED = (
    "await break case catch class const continue debugger default delete do else enum export"
    " extends false finally for function if import in instanceof let new null return static"
    " super switch this throw true try typeof var void while with yield"
)
_RESERVED = frozenset(keyword.kwlist) | frozenset(_JS_RESERVED.split())
# A class body inside a function binds attributes, not locals of the function.
_NOT_IN_FUNCTION = frozenset({"class_definition", "class_body"})
# `{name}` shorthand in JavaScript binds a property name too: renaming it would change the
# object's shape, so a scope with one gets no fix.
_NAMES = {
    # A `global`/`nonlocal` name lives outside the function: it is never renamed here.
    "python": "(identifier) @name [(global_statement) (nonlocal_statement)] @outer",
    "javascript": "[(identifier) (shorthand_property_identifier)"
    " (shorthand_property_identifier_pattern)] @name",
}


def enclosing_function(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The innermost function around `node`, or None at module or class level."""
    scope = node.parent
    while scope is not None and scope.type not in _SCOPES:
        if scope.type in _NOT_IN_FUNCTION:
            return None
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


def _keyword_callable(node: tree_sitter.Node, scope: tree_sitter.Node, source: Source) -> bool:
    """Whether `node` is a parameter callers outside may pass by name: a Python parameter,
    not positional-only, of a function that is public (a module-level function or a method,
    named without a leading underscore, dunders included)."""
    if source.language.name != "python":
        return False
    parameters = node.parent
    if parameters is not None and parameters.type != "parameters":
        parameters = parameters.parent
    if parameters is None or parameters.type != "parameters":
        return False
    separator = next(
        (c for c in parameters.named_children if c.type == "positional_separator"), None
    )
    if separator is not None and node.start_byte < separator.start_byte:
        return False
    name = source.text(scope.child_by_field_name("name") or scope)
    private = name.startswith("_") and not name.endswith("__")
    return not private and enclosing_function(scope) is None


def rename_in_scope(request: FixRequest) -> QuickFix | None:
    source, node = request.source, request.node
    old = source.text(node)
    new = convert(old, request.expected)
    if new == old or not new.isidentifier() or new in _RESERVED:
        return None
    scope = enclosing_function(node)
    if scope is None or _keyword_callable(node, scope, source):
        # A public parameter's name is API: keyword callers elsewhere would break.
        return None
    found = captures(source.language, _NAMES.get(source.language.name, _NAMES["javascript"]), scope)
    outer = {source.text(n) for stmt in found.get("outer", []) for n in stmt.named_children}
    if old in outer:
        return None
    # A JavaScript binding in a nested block: the same name elsewhere in the function is
    # another binding, so renaming is only safe when the name appears nowhere else.
    declarator = node.parent
    block = declarator.parent.parent if declarator.type == "variable_declarator" else None
    occurrences = []
    for name in found.get("name", []):
        if block is not None and not block.start_byte <= name.start_byte < block.end_byte:
            if source.text(name) == old:
                return None
            continue
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

"""Docstrings on public Python functions and classes; JSDoc on JavaScript/TypeScript ones."""

from __future__ import annotations

import tree_sitter

from drift_lsp.analysis.detectors.base import ABSENCE, PRACTICE, Detector
from drift_lsp.analysis.source import Source


def is_public(name: str) -> bool:
    # `#name` is a JavaScript private member.
    return not name.startswith(("_", "#")) and name != "constructor"


def _jsdoc_before(declaration: tree_sitter.Node, source: Source) -> bool:
    holder = declaration
    if holder.parent is not None and holder.parent.type == "export_statement":
        holder = holder.parent
    comment = holder.prev_sibling
    # Tool comments (`/* istanbul ignore next */`, `// eslint-disable-next-line …`) may sit
    # between the JSDoc and what it documents.
    while comment is not None and comment.type == "comment":
        if source.text(comment).startswith("/**"):
            return True
        comment = comment.prev_sibling
    return False


def _accessor(method: tree_sitter.Node) -> str | None:
    """`get` or `set` for an accessor (after any `static`/`public`), else None."""
    for child in method.children:
        if child.type in ("get", "set"):
            return child.type
        if child.is_named:
            return None
    return None


def _documented_elsewhere(method: tree_sitter.Node, source: Source) -> bool:
    """Whether the method needs no JSDoc of its own: a setter whose getter carries the
    property's JSDoc (or the reverse), or a method of an object literal passed to a call
    (ws's `Object.defineProperty(…, { get() {…}, set(handler) {…} })`), which is an
    argument, not an API of the module."""
    holder = method.parent
    if holder is None:
        return False
    if holder.type == "object":
        return holder.parent is not None and holder.parent.type == "arguments"
    kind = _accessor(method)
    if kind is None:
        return False
    other = "set" if kind == "get" else "get"
    name = source.text(method.child_by_field_name("name"))
    return any(
        sibling.type == "method_definition"
        and _accessor(sibling) == other
        and source.text(sibling.child_by_field_name("name")) == name
        and _jsdoc_before(sibling, source)
        for sibling in holder.named_children
    )


def _docstring(node: tree_sitter.Node, source: Source) -> str | None:
    if not is_public(source.text(node)):
        return None
    if source.language.name == "python":
        # The query marks the names of definitions that open with a string.
        present = node.start_byte in source.capture_starts("_docstring")
    elif node.parent.type == "method_definition" and _documented_elsewhere(node.parent, source):
        return None
    else:
        present = _jsdoc_before(node.parent, source)
    return "present" if present else "missing"


DETECTORS = (
    Detector(
        "documentation/docstring",
        "documentation",
        "Docstrings",
        "Whether public functions, methods and classes carry a docstring or JSDoc comment.",
        "declaration",
        classify=_docstring,
        severity="info",
        captures=("function.name", "class.name", "method.name"),
        values={"missing": ABSENCE, "present": PRACTICE},
        suppressed_by=(
            *("D100", "D101", "D102", "D103", "D104", "D105", "D106", "D107"),
            *("missing-docstring", "missing-function-docstring", "missing-class-docstring"),
            *("C0111", "C0115", "C0116", "require-jsdoc", "jsdoc/require-jsdoc"),
        ),
    ),
)

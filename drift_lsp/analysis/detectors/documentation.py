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
    return (
        comment is not None and comment.type == "comment" and source.text(comment).startswith("/**")
    )


def _docstring(node: tree_sitter.Node, source: Source) -> str | None:
    if not is_public(source.text(node)):
        return None
    if source.language.name == "python":
        # The query marks the names of definitions that open with a string.
        present = node.start_byte in source.capture_starts("_docstring")
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

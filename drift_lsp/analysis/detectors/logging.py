"""Logging: which output is used (logging vs print, logger vs console), how messages are
formatted, and how loggers are created."""

from __future__ import annotations

import tree_sitter

from drift_lsp.analysis.detectors.base import Detector, FixRequest
from drift_lsp.analysis.detectors.edits import captures, replace_node
from drift_lsp.analysis.model import QuickFix
from drift_lsp.analysis.source import Source

_MODULE_LOGGER = """
(module (expression_statement (assignment
  left: (identifier) @name
  right: (call function: (attribute attribute: (identifier) @get)))
  (#eq? @get "getLogger")))
"""


def _output(node: tree_sitter.Node, source: Source) -> str:
    if source.language.name == "python":
        return "print" if node.parent.type == "call" else "logging"
    return "console" if source.text(node.prev_named_sibling) == "console" else "logger"


def _format(node: tree_sitter.Node, source: Source) -> str | None:
    if node.type == "string":
        text = source.text(node)
        prefix = text[: len(text) - len(text.lstrip("rRbBuUfF"))]
        if "f" in prefix.lower():
            return "fstring"
        return "lazy_args" if node.next_named_sibling is not None else None
    if node.type == "binary_operator" and source.text(node.child(1)) == "%":
        return "percent_operator"
    if node.type == "call" and source.text(node.child_by_field_name("function")).endswith(
        ".format"
    ):
        return "format_method"
    return None


def _logger_name(node: tree_sitter.Node, source: Source) -> str:
    arguments = source.text(node)[1:-1].strip()
    if arguments == "__name__":
        return "dunder_name"
    if not arguments:
        return "root"
    return "literal" if arguments[0] in "'\"" else "expression"


def _fix_output(request: FixRequest) -> QuickFix | None:
    """`print(...)` → `<module logger>.info(...)` where the module already has a logger."""
    if request.source.language.name != "python" or request.expected != "logging":
        return None
    names = captures(request.source.language, _MODULE_LOGGER, request.tree.root_node)
    if not names.get("name"):
        return None
    logger = request.source.text(names["name"][0])
    return QuickFix(
        f"Log with {logger}.info instead of print",
        (replace_node(request.source, request.node, f"{logger}.info"),),
    )


DETECTORS = (
    Detector(
        "logging/output",
        "logging",
        "Logging output",
        "Whether diagnostics go through a logger or straight to print/console.",
        "call",
        classify=_output,
        fix=_fix_output,
    ),
    Detector(
        "logging/format",
        "logging",
        "Log message formatting",
        "How log messages are formatted: lazy %-args, f-strings, % or str.format.",
        "call",
        classify=_format,
    ),
    Detector(
        "logging/logger_name",
        "logging",
        "Logger creation",
        "How loggers are named: getLogger(__name__), a literal, or the root logger.",
        "call",
        classify=_logger_name,
    ),
)

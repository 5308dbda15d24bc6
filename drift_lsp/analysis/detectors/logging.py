"""Logging: which output is used (logging vs print, logger vs console), how messages are
formatted, and how loggers are created."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath

import tree_sitter

from drift_lsp.analysis.detectors.base import ABSENCE, PRACTICE, Detector, FixRequest
from drift_lsp.analysis.detectors.edits import captures, replace_node
from drift_lsp.analysis.detectors.rename import enclosing_function
from drift_lsp.analysis.detectors.tests import is_test_file
from drift_lsp.analysis.model import QuickFix, TextEdit
from drift_lsp.analysis.source import Source

_LOGGING_IMPORT = """
(module (import_statement name: (dotted_name) @module) (#eq? @module "logging"))
"""
_HEADER = frozenset(
    {"comment", "future_import_statement", "import_statement", "import_from_statement"}
)
_NOT_POSITIONAL = frozenset({"keyword_argument", "list_splat", "dictionary_splat"})
# Logger calls are told apart by the text of the called attribute, on the file's bytes: a
# receiver named like a logger (`log`, `logger`, `_log`, `self.logger`, `access_log`,
# `logging`), or made by a logger factory (`structlog.get_logger().info`). That covers the
# standard `logging`, structlog (`log = structlog.get_logger()`) and loguru (`logger`).
_LOGGER = (
    rb"(?:.*[.\s])?(?:_?(?:\w+_)?(?:log|logger|logging|LOG|LOGGER)_?"
    rb"|\w*(?:getLogger|get_logger)\([^)]*\)"
)
_PY_LOG_CALL = re.compile(
    _LOGGER + rb")\.(?:debug|info|warning|warn|error|exception|critical)\Z", re.S
)
# JavaScript: `console`, or a logger of winston, pino, bunyan or loglevel, conventionally
# named `log`/`logger`; calls of `debug` (the `debug` package) are matched by the query.
_JS_OUTPUT_CALL = re.compile(
    rb"(?:(console)|"
    + _LOGGER
    + rb"|winston|pino|bunyan))\.(log|debug|info|warn|error|trace|fatal)\Z",
    re.S,
)
# Where printing is a program's output, not a way of logging: tests, scripts, command-line
# entry points, examples and docs. Their print/console calls are no evidence either way.
_PROGRAM_DIRS = frozenset(
    {"bin", "scripts", "script", "tools", "examples", "example", "docs", "doc", "demo", "demos"}
    | {"benchmarks", "bench", "ci", ".github", "cli"}
)
_PROGRAM_FILES = frozenset({"__main__", "cli", "setup", "conftest", "noxfile", "manage"})
_PROGRAM_TEXT = re.compile(
    rb"^#!|__name__\s*==\s*['\"]__main__['\"]|\bimport argparse\b|\bimport click\b"
    rb"|\bimport typer\b|\bsys\.argv\b|\bprocess\.argv\b"
)
_ARGUMENTS = frozenset({"argument_list", "arguments"})
_MODULE_LOGGER = """
(module (expression_statement (assignment
  left: (identifier) @name
  right: (call function: (attribute attribute: (identifier) @get)))
  (#eq? @get "getLogger")))
"""


def _callee(node: tree_sitter.Node) -> tree_sitter.Node:
    """What a captured call calls: `x.info` for the method name `info`; `print` (or
    JavaScript's `debug`) itself."""
    parent = node.parent
    return node if parent.type in ("call", "call_expression") else parent


def is_program(source: Source) -> bool:
    """Whether the file is a program or its test rather than library code: printing there
    is the output, not a choice against logging."""
    found = source.memo.get("program")
    if found is None:
        path = PurePosixPath(source.rel_path)
        found = source.memo["program"] = (
            is_test_file(source.rel_path)
            or not _PROGRAM_DIRS.isdisjoint(path.parts[:-1])
            or path.name.split(".")[0] in _PROGRAM_FILES
            or _PROGRAM_TEXT.search(source.data) is not None
        )
    return found


def _output(node: tree_sitter.Node, source: Source) -> str | None:
    callee = _callee(node)
    python = source.language.name == "python"
    if callee is node:
        # `print(…)` in Python; in JavaScript a call of `debug(…)`, the `debug` package's
        # logger.
        if not python:
            return "logger"
        return None if is_program(source) else "print"
    if python:
        return (
            "logging"
            if _PY_LOG_CALL.match(source.data, callee.start_byte, callee.end_byte)
            else None
        )
    match = _JS_OUTPUT_CALL.match(source.data, callee.start_byte, callee.end_byte)
    if match is None:
        return None
    if match.group(1) is None:
        return "logger"
    # `console.warn`/`console.error` are how a library tells its user something (mocha's
    # deprecation warnings), as Python writes to stderr: output, not a logging choice.
    if match.group(2) in (b"warn", b"error") or is_program(source):
        return None
    return "console"


def _arguments(call_function: tree_sitter.Node) -> tree_sitter.Node | None:
    arguments = call_function.next_named_sibling
    return arguments if arguments is not None and arguments.type in _ARGUMENTS else None


def _first_argument(call_function: tree_sitter.Node) -> tree_sitter.Node | None:
    arguments = _arguments(call_function)
    return arguments.named_children[0] if arguments and arguments.named_child_count else None


def _format(node: tree_sitter.Node, source: Source) -> str | None:
    callee = node.parent
    if not _PY_LOG_CALL.match(source.data, callee.start_byte, callee.end_byte):
        return None
    first = _first_argument(callee)
    if first is None:
        return None
    if first.type == "string":
        text = source.text(first)
        prefix = text[: len(text) - len(text.lstrip("rRbBuUfF"))]
        if "f" in prefix.lower():
            return "fstring"
        return "lazy_args" if first.next_named_sibling is not None else None
    if first.type == "binary_operator" and source.text(first.child(1)) == "%":
        return "percent_operator"
    if first.type == "call" and source.text(first.child_by_field_name("function")).endswith(
        ".format"
    ):
        return "format_method"
    return None


def _logger_name(node: tree_sitter.Node, source: Source) -> str | None:
    callee = node.parent
    if not source.data.endswith(b".getLogger", callee.start_byte, callee.end_byte):
        return None
    arguments = _arguments(callee)
    if arguments is None:
        return None
    inside = source.text(arguments)[1:-1].strip()
    if inside == "__name__":
        return "dunder_name"
    if not inside:
        return "root"
    return "literal" if inside[0] in "'\"`" else "expression"


def _span_first_argument(node: tree_sitter.Node) -> tree_sitter.Node:
    callee = node.parent
    return _first_argument(callee) or callee


def _span_arguments(node: tree_sitter.Node) -> tree_sitter.Node:
    callee = node.parent
    return _arguments(callee) or callee


def _print_arguments(call: tree_sitter.Node, source: Source) -> str | None:
    """`print`'s arguments rewritten for a logging call, or None when print's own semantics
    (`sep=`, `end=`, `file=`, `*args`) have no logging equivalent."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "argument_list":
        return None
    values = [a for a in arguments.named_children if a.type != "comment"]
    if not values or any(a.type in _NOT_POSITIONAL for a in values):
        return None
    if len(values) == 1:
        return source.text(arguments)
    # print joins its arguments with spaces; logging would treat the extras as %-args.
    placeholders = " ".join(["%s"] * len(values))
    return f'("{placeholders}", {", ".join(source.text(v) for v in values)})'


def _header_end(module: tree_sitter.Node) -> tree_sitter.Node | None:
    """The last node of the file's opening comments, docstring and imports."""
    last = None
    code_seen = False
    for child in module.children:
        docstring = (
            not code_seen
            and child.type == "expression_statement"
            and child.named_children[0].type == "string"
        )
        if child.type not in _HEADER and not docstring:
            break
        last = child
        code_seen = code_seen or child.type != "comment"
    return last


def _add_logger(source: Source, tree: tree_sitter.Tree) -> tuple[str, tuple[TextEdit, ...]] | None:
    """A module logger added below `import logging` (added after the imports if missing)."""
    text = source.text(tree.root_node)
    name = next((n for n in ("logger", "log") if not re.search(rf"\b{n}\b", text)), None)
    if name is None:
        return None
    create = f"{name} = logging.getLogger(__name__)"
    imported = captures(source.language, _LOGGING_IMPORT, tree.root_node).get("module")
    if imported:
        anchor, lines = imported[0].parent, ["", create, ""]
    elif re.search(r"\blogging\b", text):
        # `logging` means something else here; adding the import would shadow or clash.
        return None
    else:
        anchor, lines = _header_end(tree.root_node), ["import logging", "", create, ""]
    if anchor is None:
        return name, (TextEdit(0, 0, 0, 0, "\n".join(lines) + "\n"),)
    # Inserted at the end of the anchor's line, so it never shares a position with the edit
    # of a print on the next line.
    line, column = source.char_point(anchor.end_point)
    return name, (TextEdit(line, column, line, column, "\n" + "\n".join(lines)),)


def _fix_output(request: FixRequest) -> QuickFix | None:
    """`print(...)` → `<module logger>.info(...)`, adding the logger when the module has none."""
    source, call = request.source, request.node.parent
    if source.language.name != "python" or request.expected != "logging":
        return None
    arguments = _print_arguments(call, source)
    if arguments is None:
        return None
    loggers = captures(source.language, _MODULE_LOGGER, request.tree.root_node)
    added: tuple[TextEdit, ...] = ()
    if loggers.get("name"):
        logger = loggers["name"][0]
        # A module-level print above the logger's assignment would run before it exists.
        if enclosing_function(call) is None and call.start_byte < logger.start_byte:
            return None
        name = source.text(logger)
    else:
        new = _add_logger(source, request.tree)
        if new is None:
            return None
        name, added = new
    replacement = replace_node(source, call, f"{name}.info{arguments}")
    if added and (added[0].line, added[0].column) == (replacement.line, replacement.column):
        # The print opens the file: one edit, so no insert shares a position with it.
        replacement = replace(replacement, new_text=added[0].new_text + replacement.new_text)
        added = ()
        title = f"Log with {name}.info instead of print (adds a module logger)"
    else:
        title = f"Log with {name}.info instead of print" + (
            " (adds a module logger)" if added else ""
        )
    return QuickFix(title, (*added, replacement))


DETECTORS = (
    Detector(
        "logging/output",
        "logging",
        "Logging output",
        "Whether diagnostics go through a logger or straight to print/console.",
        "call",
        classify=_output,
        span=_callee,
        fix=_fix_output,
        captures=("logging.method", "logging.print", "logging.debug"),
        values={"print": ABSENCE, "console": ABSENCE, "logging": PRACTICE, "logger": PRACTICE},
        suppressed_by=("T201", "T203", "print-statement", "no-console"),
    ),
    Detector(
        "logging/format",
        "logging",
        "Log message formatting",
        "How log messages are formatted: lazy %-args, f-strings, % or str.format.",
        "call",
        classify=_format,
        span=_span_first_argument,
        captures=("logging.method",),
        languages=("python",),
        suppressed_by=(
            *("G001", "G002", "G003", "G004"),
            *("logging-fstring-interpolation", "logging-format-interpolation", "logging-not-lazy"),
        ),
    ),
    Detector(
        "logging/logger_name",
        "logging",
        "Logger creation",
        "How loggers are named: getLogger(__name__), a literal, or the root logger.",
        "call",
        classify=_logger_name,
        span=_span_arguments,
        captures=("logging.method",),
    ),
)

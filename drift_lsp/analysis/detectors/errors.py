"""Error handling: bare/broad/specific except clauses; swallowed, logged or re-raised errors."""

from __future__ import annotations

import re

import tree_sitter

from drift_lsp.analysis.detectors.base import ABSENCE, PRACTICE, Detector, FixRequest
from drift_lsp.analysis.detectors.rename import enclosing_function
from drift_lsp.analysis.model import QuickFix, TextEdit
from drift_lsp.analysis.source import Source

_BROAD = frozenset({"Exception", "BaseException"})
_NOT_CAUGHT = frozenset({"block", "comment"})
_LOG_CALL = re.compile(r"\b(log|logger|logging|console|_log|_logger|LOG|LOGGER)\.\w+\(")
_RAISE = re.compile(r"\b(raise|throw)\b")


def _caught_type(clause: tree_sitter.Node) -> tree_sitter.Node | None:
    value = clause.child_by_field_name("value")
    if value is None:
        value = next((c for c in clause.named_children if c.type not in _NOT_CAUGHT), None)
    if value is not None and value.type == "as_pattern":
        value = value.named_children[0]
    return value


# A line that raises or ends the process: the handler passes the error on (bare `raise`),
# turns it into the module's own error (`raise LoadError(…)`, as ruff's BLE001 allows), or
# exits (a forked child's `os._exit(127)`), so it swallows nothing.
_PASSES_ON = re.compile(rb"^[ \t]*(?:raise\b|(?:os\._exit|sys\.exit)\()", re.M)


# Reporting the error with its traceback (`traceback.format_exc()`, `log.exception(…)`,
# `exc_info`), or handing the current error to a handler (jinja2's
# `self.environment.handle_exception()`, `server.handle_error(…)`, cookiejar's
# `_warn_unhandled_exception()`, a logging handler's `self.handleError(record)`): a
# top-level guard, not a swallow. (`ValueError(` starts with a capital: not a handler.)
_REPORTS = re.compile(
    rb"\btraceback\.|\w*traceback\w*\(|\.exception\(|\bexc_info\b|\bstderr\b"
    rb"|\b[a-z_]\w*(?:_exception|_error|Exception|Error)\("
)

# Releasing a resource must not raise, whatever went wrong: werkzeug's `try: self.stream.close()
# except Exception: pass` is `contextlib.suppress(Exception)` around a cleanup.
_CLEANUP_CALL = re.compile(
    rb"(?:await\s+)?[\w.]*\b(?:close|aclose|shutdown|release|cleanup|terminate|kill|unlink|rmtree)"
    rb"\([^\n]*\)"
)


def _guards_cleanup(clause: tree_sitter.Node, source: Source) -> bool:
    """Whether the handler's `try` does nothing but one cleanup call, or sits in `__del__`
    (where an exception can only be printed as a warning)."""
    guarded = clause.parent.child_by_field_name("body") if clause.parent else None
    statements = [c for c in guarded.named_children if c.type != "comment"] if guarded else []
    if len(statements) == 1 and _CLEANUP_CALL.fullmatch(
        source.data, statements[0].start_byte, statements[0].end_byte
    ):
        return True
    function = enclosing_function(clause)
    name = function.child_by_field_name("name") if function else None
    return name is not None and source.text(name) == "__del__"


def _uses_error(clause: tree_sitter.Node, body: tree_sitter.Node, source: Source) -> bool:
    """Whether the handler uses the error it binds: hands it on (flask's `except Exception
    as e: rv = self.handle_user_exception(e)`) or puts it in its message (`f"{msg} ({e})"`)."""
    value = clause.child_by_field_name("value") or next(
        (c for c in clause.named_children if c.type == "as_pattern"), None
    )
    target = value.child_by_field_name("alias") if value and value.type == "as_pattern" else None
    if target is None:
        return False
    name = re.escape(source.data[target.start_byte : target.end_byte].strip())
    return (
        re.compile(rb"\b" + name + rb"\b").search(source.data, body.start_byte, body.end_byte)
        is not None
    )


def _breadth(node: tree_sitter.Node, source: Source) -> str | None:
    caught = _caught_type(node)
    kind = "bare" if caught is None else "broad" if source.text(caught) in _BROAD else "specific"
    body = _body(node)
    if kind == "specific" or body is None:
        return kind
    # `except BaseException: cleanup(); raise` cleans up and passes everything on: it
    # swallows nothing, so catching everything is right there. Nor do handlers that report
    # the error or hand it on.
    line_start = source.data.rfind(b"\n", 0, body.start_byte) + 1
    if (
        _PASSES_ON.search(source.data, line_start, body.end_byte)
        or _REPORTS.search(source.data, body.start_byte, body.end_byte)
        or _uses_error(node, body, source)
        or _guards_cleanup(node, source)
    ):
        return None
    return kind


def _body(node: tree_sitter.Node) -> tree_sitter.Node | None:
    body = node.child_by_field_name("body")
    if body is None:
        body = next((c for c in node.named_children if c.type == "block"), None)
    return body


def _handling(node: tree_sitter.Node, source: Source) -> str | None:
    body = _body(node)
    if body is None:
        return None
    statements = [c for c in body.named_children if c.type != "comment"]
    if not statements or all(c.type == "pass_statement" for c in statements):
        return "swallowed"
    text = source.text(body)
    if _RAISE.search(text):
        return "reraised"
    if _LOG_CALL.search(text):
        return "logged"
    return "handled"


def _except_keyword_end(node: tree_sitter.Node, source: Source) -> TextEdit | None:
    keyword = node.child(0)
    if keyword is None or keyword.type != "except":
        return None
    line, column = source.char_point(keyword.end_point)
    return TextEdit(line, column, line, column, " Exception")


def _fix_breadth(request: FixRequest) -> QuickFix | None:
    if request.expected == "broad" and _breadth(request.node, request.source) == "bare":
        edit = _except_keyword_end(request.node, request.source)
        if edit is not None:
            return QuickFix("Catch Exception instead of everything", (edit,))
    return None


def _span(node: tree_sitter.Node) -> tree_sitter.Node:
    """Report on the `except`/`catch` line, not the whole handler."""
    return node.child(0) or node


DETECTORS = (
    Detector(
        "errors/breadth",
        "errors",
        "Exception breadth",
        "Whether handlers catch everything (`except:`), `Exception`, or specific exceptions.",
        "conditional",
        classify=_breadth,
        span=_span,
        fix=_fix_breadth,
        captures=("errors.handler",),
        # A JavaScript `catch` has no exception type to be broad or specific about.
        languages=("python",),
        values={"bare": ABSENCE, "broad": ABSENCE, "specific": PRACTICE},
        suppressed_by=(
            *("BLE001", "E722", "B001", "W0702", "W0703", "W0718"),
            *("bare-except", "broad-except", "broad-exception-caught"),
        ),
    ),
    Detector(
        "errors/handling",
        "errors",
        "Error handling",
        "What handlers do with a caught error: swallow it, log it, or re-raise it.",
        "conditional",
        classify=_handling,
        span=_span,
        captures=("errors.handler",),
        values={
            "swallowed": ABSENCE,
            "handled": PRACTICE,
            "logged": PRACTICE,
            "reraised": PRACTICE,
        },
        suppressed_by=("S110", "S112", "SIM105", "W0702", "no-empty"),
    ),
)

"""Style: quote characters, let/const/var, loose vs strict equality, TODO comment format."""

from __future__ import annotations

import getpass
import re
from collections.abc import Iterator

import tree_sitter

from drift_lsp.analysis.detectors.base import ABSENCE, PRACTICE, Detector, FixRequest
from drift_lsp.analysis.detectors.edits import replace_node
from drift_lsp.analysis.model import QuickFix
from drift_lsp.analysis.source import Source

_PREFIX = "rRbBuUfF"
_TODO = re.compile(r"\b(TODO|FIXME)\b(\([^)]*\))?:?\s*")
_TODO_BYTES = re.compile(rb"TODO|FIXME")


def _split_string(text: str) -> tuple[str, str, str] | None:
    """(prefix, quote, body) of a one-line string literal, or None if it can't be requoted.

    A body with either quote character in it (escaped or not) keeps its delimiters: they
    were chosen for it. Any other escape means the same between either quote.
    """
    prefix = text[: len(text) - len(text.lstrip(_PREFIX))]
    rest = text[len(prefix) :]
    if len(rest) < 2 or rest[0] not in "'\"" or rest[:3] in ('"""', "'''") or rest[-1] != rest[0]:
        return None
    body = rest[1:-1]
    if "'" in body or '"' in body or "\n" in body:
        return None
    return prefix, rest[0], body


_QUOTE_OR_NEWLINE = re.compile(rb"['\"\n]")


def _quotes(node: tree_sitter.Node, source: Source) -> str | None:
    # The same test as `_split_string`, on the bytes: it runs on every string in a scan.
    data, start, end = source.data, node.start_byte, node.end_byte
    quote = data[end - 1 : end]
    if quote == b"'":
        value = "single"
    elif quote == b'"':
        value = "double"
    else:
        return None
    opening = data.find(quote, start, end)
    if (
        end - opening < 2
        or data.startswith(quote * 3, opening)
        or _QUOTE_OR_NEWLINE.search(data, opening + 1, end - 1)
        # Docstrings, directives (`"use strict"`) and JSX attribute values: not the code's
        # quote choice; the queries capture them as `_not_quote_style`.
        or start in source.capture_starts("_not_quote_style")
        # The other quote inside an f-string's replacement field (`f"{d['k']}"`).
        or source.inside("_fstring_field", node)
    ):
        return None
    return value


def _fix_quotes(request: FixRequest) -> QuickFix | None:
    parts = _split_string(request.source.text(request.node))
    if parts is None:
        return None
    prefix, _quote, body = parts
    quote = "'" if request.expected == "single" else '"'
    return QuickFix(
        f"Use {request.expected} quotes",
        (replace_node(request.source, request.node, f"{prefix}{quote}{body}{quote}"),),
    )


def _declared_names(node: tree_sitter.Node, source: Source) -> list[str]:
    # `let { value } = descriptor` declares `value`, which a later `value = …` reassigns.
    return [
        source.text(name)
        for declarator in node.named_children
        if declarator.type == "variable_declarator"
        and (target := declarator.child_by_field_name("name")) is not None
        for name in _pattern_names(target)
    ]


_PATTERN_NAMES = frozenset({"identifier", "shorthand_property_identifier_pattern"})


def _pattern_names(pattern: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """The names a destructuring pattern binds: not keys (`{key: name}`), not defaults'
    values (`{a = fallback}`), nor the object of a member target."""
    stack = [pattern]
    while stack:
        node = stack.pop()
        if node.type in _PATTERN_NAMES:
            yield node
        elif node.type in ("assignment_pattern", "object_assignment_pattern"):
            stack.extend(n for n in (node.child_by_field_name("left"),) if n is not None)
        elif node.type == "pair_pattern":
            stack.extend(n for n in (node.child_by_field_name("value"),) if n is not None)
        elif node.type != "member_expression":
            stack.extend(node.named_children)


def _assigned_at(source: Source) -> dict[str, list[int]]:
    """Each name assigned to in the file → the byte offsets of those assignments."""
    found = source.memo.get("assigned")
    if found is None:
        found = {}
        written = list(source.captures.get("_written", ()))
        for pattern in source.captures.get("_written_pattern", ()):
            written.extend(_pattern_names(pattern))
        for node in written:
            found.setdefault(source.text(node), []).append(node.start_byte)
        source.memo["assigned"] = found
    return found


def _reassigned(name: str, node: tree_sitter.Node, source: Source) -> bool:
    """Whether `name` is assigned anywhere in the scope of the declaration `node` (closures
    and functions hoisted above it included; a shadowing inner binding counts too)."""
    scope = node.parent or node
    return any(
        scope.start_byte <= offset < scope.end_byte for offset in _assigned_at(source).get(name, ())
    )


def _declaration(node: tree_sitter.Node, source: Source) -> str | None:
    keyword = source.text(node.child(0))
    if keyword == "let":
        names = _declared_names(node, source)
        # A `let` that is reassigned later is the right choice, not a style.
        if not names or any(_reassigned(name, node, source) for name in names):
            return None
        return "let"
    return keyword if keyword in ("const", "var") else None


def _fix_declaration(request: FixRequest) -> QuickFix | None:
    node = request.node
    if request.expected != "const" or _declaration(node, request.source) != "let":
        return None
    if any(
        d.child_by_field_name("value") is None
        for d in node.named_children
        if d.type == "variable_declarator"
    ):
        return None
    return QuickFix(
        "Declare with const (never reassigned)",
        (replace_node(request.source, node.child(0), "const"),),
    )


_NULLISH = frozenset({"null", "undefined"})


def _is_typeof(node: tree_sitter.Node) -> bool:
    if node.type != "unary_expression":
        return False
    operator = node.child_by_field_name("operator")
    return operator is not None and operator.type == "typeof"


def _equality(node: tree_sitter.Node, source: Source) -> str | None:
    if source.text(node) in ("===", "!=="):
        return "strict"
    # `x == null` is the idiom for "null or undefined", not a style: `===` would change it.
    # `typeof x == "string"` compares two strings: both operators mean the same there
    # (ESLint's eqeqeq "smart" allows both idioms).
    comparison = node.parent
    if any(source.text(side) in _NULLISH or _is_typeof(side) for side in comparison.named_children):
        return None
    return "loose"


def _fix_equality(request: FixRequest) -> QuickFix | None:
    operator = request.source.text(request.node)
    swapped = {"==": "===", "!=": "!==", "===": "==", "!==": "!="}[operator]
    if _equality(request.node, request.source) == request.expected:
        return None
    return QuickFix(f"Use {swapped}", (replace_node(request.source, request.node, swapped),))


def _todo(node: tree_sitter.Node, source: Source) -> str | None:
    if _TODO_BYTES.search(source.data, node.start_byte, node.end_byte) is None:
        return None
    match = _TODO.search(source.text(node))
    if match is None:
        return None
    return "owner" if match.group(2) else "bare"


def _fix_todo(request: FixRequest) -> QuickFix | None:
    if request.expected != "owner":
        return None
    text = request.source.text(request.node)
    match = _TODO.search(text)
    if match is None or match.group(2):
        return None
    owner = re.sub(r"\W", "", getpass.getuser()) or "owner"
    fixed = f"{text[: match.start()]}{match.group(1)}({owner}): {text[match.end() :]}"
    return QuickFix(
        f"Write as {match.group(1)}({owner}): …",
        (replace_node(request.source, request.node, fixed.rstrip()),),
    )


def _keyword(node: tree_sitter.Node) -> tree_sitter.Node:
    return node.child(0) or node


DETECTORS = (
    Detector(
        "style/quotes",
        "style",
        "String quotes",
        "Whether string literals use single or double quotes.",
        "unknown",
        classify=_quotes,
        severity="hint",
        fix=_fix_quotes,
        suppressed_by=("Q000", "Q001", "Q002", "Q003", "quotes", "inconsistent-quotes"),
    ),
    Detector(
        "style/declaration",
        "style",
        "Variable declarations",
        "Whether variables that are never reassigned are declared with const, let or var.",
        "declaration",
        classify=_declaration,
        span=_keyword,
        fix=_fix_declaration,
        # `const` for what is never reassigned is the practice; `var` the oldest absence.
        values={"var": ABSENCE, "let": ABSENCE, "const": PRACTICE},
        suppressed_by=("prefer-const", "no-var"),
    ),
    Detector(
        "style/equality",
        "style",
        "Equality operators",
        "Whether comparisons use strict (===) or loose (==) equality.",
        "conditional",
        classify=_equality,
        fix=_fix_equality,
        values={"loose": ABSENCE, "strict": PRACTICE},
        suppressed_by=("eqeqeq",),
    ),
    Detector(
        "style/todo",
        "style",
        "TODO comments",
        "Whether TODO/FIXME comments name an owner: TODO(owner): …",
        "unknown",
        classify=_todo,
        severity="info",
        fix=_fix_todo,
        values={"bare": ABSENCE, "owner": PRACTICE},
        suppressed_by=("TD002", "TD003", "FIX001", "FIX002", "fixme", "no-warning-comments"),
    ),
)

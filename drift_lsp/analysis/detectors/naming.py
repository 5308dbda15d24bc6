"""Naming styles of functions, methods, classes, constants, variables, parameters, files."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import tree_sitter

from drift_lsp.analysis.detectors.base import Detector
from drift_lsp.analysis.detectors.rename import enclosing_function, rename_in_scope
from drift_lsp.analysis.naming_styles import (
    CAMEL,
    PASCAL,
    SNAKE,
    UPPER,
    naming_style,
    shows_style,
)
from drift_lsp.analysis.source import Source

_SELF = frozenset({"self", "cls"})
# Other linters' codes for "this name breaks the naming rules", whatever the kind of name.
_ANY_NAME = ("invalid-name", "C0103", "camelcase", "naming-convention", "id-match")


# Values a local name can be bound to that are data, never a class or a constructor.
_LITERALS = frozenset(
    {
        *("integer", "float", "string", "concatenated_string", "true", "false", "none"),
        *("list", "dictionary", "tuple", "set", "number", "template_string", "null"),
        *("array", "object"),
    }
)
_JS_FUNCTIONS = frozenset({"function_declaration", "generator_function_declaration"})
_FIELDS = frozenset({"field_definition", "public_field_definition"})
_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression"})


_STABILITY_MARKERS = ("unstable_", "experimental_", "unsafe_", "UNSAFE_", "UNSTABLE_")


def _name_style(node: tree_sitter.Node, source: Source) -> str | None:
    if not shows_style(source.data, node.start_byte, node.end_byte):
        return None
    # A `#private` member's `#` is syntax and a `$` a sigil (trpc's `$Generics`), not style;
    # a stability marker (trpc's `unstable_concat`, React's `UNSAFE_componentWillMount`) is a
    # label, not a word break.
    name = source.text(node).lstrip("#$")
    if name.startswith(_STABILITY_MARKERS):
        name = name.partition("_")[2] or name
    if name.startswith("__") and name.endswith("__"):
        return None
    return naming_style(name)


def _is_python_method(node: tree_sitter.Node, source: Source) -> bool:
    return node.start_byte in source.capture_starts("_method")


def _callable_style(node: tree_sitter.Node, source: Source) -> str | None:
    """A function's or method's style. A PascalCase callable is a class by right, not a
    function named against the convention: Python factories and stand-ins of classes (`def
    Factory`, a fallback `def SOCKSProxyManager` stub, a test double's `OpenKey`), JavaScript
    constructors (counted as classes, see `_class`) and components."""
    style = _name_style(node, source)
    return None if style == PASCAL else style


def _function(node: tree_sitter.Node, source: Source) -> str | None:
    return None if _is_python_method(node, source) else _callable_style(node, source)


def _is_constructor(function: tree_sitter.Node, name: str, source: Source) -> bool:
    """An ES5 constructor: its body sets `this.x`, or the file uses `new Name` or
    `Name.prototype`."""
    body = function.child_by_field_name("body")
    if body is not None and source.data.find(b"this.", body.start_byte, body.end_byte) >= 0:
        return True
    uses = rf"\bnew\s+{re.escape(name)}\b|\b{re.escape(name)}\.prototype\b".encode()
    return re.search(uses, source.data) is not None


# ctypes bases: a class deriving from one mirrors a C struct and takes its name from C
# (rich's `class CONSOLE_SCREEN_BUFFER_INFO(Structure)` is the Win32 type).
_C_TYPE_BASE = re.compile(rb"\b(?:(?:BigEndian|LittleEndian)?Structure|Union)\b")


def _mirrors_c_type(definition: tree_sitter.Node, source: Source) -> bool:
    bases = definition.child_by_field_name("superclasses")
    return bases is not None and bool(
        _C_TYPE_BASE.search(source.data, bases.start_byte, bases.end_byte)
    )


# A class that is called or read like a function (`__call__`, a descriptor's `__get__`, a
# `property`, werkzeug's `environ_property(_DictAccessorProperty[T])`) takes a function's name,
# as the builtins `property` and `cached_property` do.
_FUNCTION_LIKE = re.compile(rb"\bdef\s+__(?:call|get)__\b|\(\s*[\w.]*(?:property|Property)\b")


def _stands_in_for_a_function(definition: tree_sitter.Node, source: Source) -> bool:
    return (
        _FUNCTION_LIKE.search(source.data, definition.start_byte, definition.end_byte) is not None
    )


def _mirrors_a_value(name: tree_sitter.Node, source: Source) -> bool:
    """`type unifySymbol = typeof unifySymbol`: the type is named after its value."""
    value = name.parent.child_by_field_name("value")
    return (
        value is not None
        and value.type == "type_query"
        and source.text(value).removeprefix("typeof").strip() == source.text(name)
    )


def _class(node: tree_sitter.Node, source: Source) -> str | None:
    """Classes, interfaces, type aliases and enums; and ES5 constructor functions
    (`function Runner() { this.x = … }`), which are classes written the old way."""
    parent = node.parent.type
    if parent == "function_definition":
        return None
    if parent == "class_definition" and _mirrors_c_type(node.parent, source):
        return None
    if parent in _JS_FUNCTIONS:
        style = _name_style(node, source)
        if style == PASCAL and _is_constructor(node.parent, source.text(node), source):
            return style
        return None
    if parent == "type_alias_declaration" and _mirrors_a_value(node, source):
        return None
    style = _name_style(node, source)
    if (
        style == CAMEL
        and parent == "type_alias_declaration"
        and node.parent.child_by_field_name("type_parameters") is not None
    ):
        # A generic alias computes a type from its parameters, a function of types, and may
        # be named like one (trpc's `inferRouterInputs<TRouter>`).
        return None
    if style == UPPER:
        # An all-caps class mirrors a name from elsewhere on purpose: a C struct, a sentinel
        # or a type named like the project's type aliases (urllib3's `class
        # _TYPE_PEER_CERT_RET_DICT(TypedDict)`), never a case style slipped by mistake.
        return None
    if (
        style == SNAKE
        and parent == "class_definition"
        and _stands_in_for_a_function(node.parent, source)
    ):
        return None
    return style


def _holds_function(field: tree_sitter.Node) -> bool:
    value = field.child_by_field_name("value")
    return value is not None and value.type in _FUNCTION_VALUES


def _method(node: tree_sitter.Node, source: Source) -> str | None:
    # Python methods are marked by the query; in JavaScript and TypeScript a method's name
    # is a property_identifier, a function declaration's (also `@function.name`) is not. A
    # class field holding an arrow function is a method too.
    if source.language.name == "python":
        is_method = _is_python_method(node, source)
    elif node.parent.type in _FIELDS:
        is_method = _holds_function(node.parent)
    elif node.parent.type == "property_signature":
        is_method = False
    else:
        is_method = node.type in ("property_identifier", "private_property_identifier")
    return _callable_style(node, source) if is_method else None


def _property(node: tree_sitter.Node, source: Source) -> str | None:
    """Class fields and interface members that hold data (a field holding a function is a
    method; one holding a class, `View = Backbone.View`, is PascalCase by right)."""
    field = node.parent
    if field.type in _FIELDS and _holds_function(field):
        return None
    style = _name_style(node, source)
    return None if style == PASCAL else style


def _bound_to_data(node: tree_sitter.Node) -> bool:
    """Whether the name is assigned a literal (`Limit = 10`), not something that may be a
    class or a constructor (`Data = make_dataclass(…)`, `Mocha = require('mocha')`, `View =
    this.get('view')`)."""
    binding = node.parent
    value = binding.child_by_field_name("value") or binding.child_by_field_name("right")
    return value is not None and value.type in _LITERALS


def _variable(node: tree_sitter.Node, source: Source) -> str | None:
    style = _name_style(node, source)
    if style is None:
        return None
    declarator = node.parent
    if declarator.type == "variable_declarator":
        value = declarator.child_by_field_name("value")
        if value is not None and value.type in _FUNCTION_VALUES:
            return None
    else:
        # Python: a `block` is also a class body or a module-level `if`, whose names are
        # attributes and globals, not locals; so is a name the function declares `global`.
        function = enclosing_function(node)
        if function is None or _declared_outer(function, source.text(node), source):
            return None
    if style == UPPER:
        # A local constant (`MAX_TRIES = 3`) is written like a module-level one by right.
        return None
    if style == PASCAL and not _bound_to_data(node):
        return None
    return style


# The names a `global`/`nonlocal` statement declares, up to a comment. One pattern for all
# names: compiling one per name thrashed `re`'s cache and cost a third of a scan's detection.
_OUTER_DECLARATION = re.compile(rb"^[ \t]*(?:global|nonlocal)\b([^\n#]*)", re.M)


def _declared_outer(function: tree_sitter.Node, name: str, source: Source) -> bool:
    """Whether `function` declares `name` `global` or `nonlocal`."""
    start = source.data.rfind(b"\n", 0, function.start_byte) + 1
    wanted = name.encode()
    return any(
        wanted in re.findall(rb"\w+", declared.group(1))
        for declared in _OUTER_DECLARATION.finditer(source.data, start, function.end_byte)
    )


def _parameter(node: tree_sitter.Node, source: Source) -> str | None:
    if source.text(node) in _SELF:
        return None
    style = _name_style(node, source)
    # A PascalCase parameter holds a class or a constructor (`new ErrorCtor(…)`, a component).
    return None if style == PASCAL else style


def _constant(node: tree_sitter.Node, source: Source) -> str | None:
    declaration = node.parent.parent if node.parent is not None else None
    if (
        declaration is not None
        and declaration.type == "lexical_declaration"
        and declaration.child(0).type != "const"
    ):
        return None
    name = source.text(node)
    return None if name.startswith("_") and source.language.name == "python" else naming_style(name)


def _file(rel_path: str) -> str | None:
    stem = PurePosixPath(rel_path).name.split(".")[0]
    if stem in ("__init__", "__main__", "index", "conftest", "setup"):
        return None
    style = naming_style(stem)
    # A PascalCase file is named after the class or component it holds (rxjs's
    # `Observable.ts` beside `map.ts`): PascalCase by right, like the class.
    return None if style == PASCAL else style


DETECTORS = (
    Detector(
        "naming/function",
        "naming",
        "Function naming",
        "How module-level functions are named.",
        "declaration",
        classify=_function,
        captures=("function.name", "naming.function"),
        suppressed_by=("N802", *_ANY_NAME),
    ),
    Detector(
        "naming/method",
        "naming",
        "Method naming",
        "How methods of classes are named.",
        "declaration",
        # `constructor` needs no exception: a single lowercase word shows no style.
        classify=_method,
        captures=("function.name", "method.name", "naming.field", "naming.method"),
        suppressed_by=("N802", "N815", *_ANY_NAME),
    ),
    Detector(
        "naming/class",
        "naming",
        "Class naming",
        "How classes (and TypeScript interfaces, type aliases and enums) are named.",
        "declaration",
        classify=_class,
        captures=("class.name", "naming.class", "function.name"),
        suppressed_by=("N801", "N818", "new-cap", *_ANY_NAME),
    ),
    Detector(
        "naming/property",
        "naming",
        "Field naming",
        "How class fields and interface members are named.",
        "declaration",
        classify=_property,
        captures=("naming.field",),
        languages=("javascript", "typescript", "tsx"),
        suppressed_by=("N815", *_ANY_NAME),
    ),
    Detector(
        "naming/enum_member",
        "naming",
        "Enum member naming",
        "How members of TypeScript enums are named.",
        "declaration",
        classify=_name_style,
        suppressed_by=_ANY_NAME,
    ),
    Detector(
        "naming/constant",
        "naming",
        "Constant naming",
        "How module-level constants bound to literals are named.",
        "assignment",
        classify=_constant,
        suppressed_by=("N816", *_ANY_NAME),
    ),
    Detector(
        "naming/variable",
        "naming",
        "Local variable naming",
        "How variables local to a function are named.",
        "assignment",
        classify=_variable,
        fix=rename_in_scope,
        suppressed_by=("N806", "N816", *_ANY_NAME),
    ),
    Detector(
        "naming/parameter",
        "naming",
        "Parameter naming",
        "How function parameters are named.",
        "declaration",
        classify=_parameter,
        fix=rename_in_scope,
        suppressed_by=("N803", *_ANY_NAME),
    ),
    Detector(
        "naming/file",
        "naming",
        "File naming",
        "How source files are named.",
        "unknown",
        classify_path=_file,
        severity="info",
        suppressed_by=(
            "N999",
            "invalid-name",
            "C0103",
            "filenames/match-regex",
            "unicorn/filename-case",
        ),
    ),
)

"""Naming styles of functions, methods, classes, constants, variables, parameters, files."""

from __future__ import annotations

from pathlib import PurePosixPath

import tree_sitter

from drift_lsp.analysis.detectors.base import Detector
from drift_lsp.analysis.detectors.rename import enclosing_function, rename_in_scope
from drift_lsp.analysis.naming_styles import naming_style, shows_style
from drift_lsp.analysis.source import Source

_SELF = frozenset({"self", "cls"})
# Other linters' codes for "this name breaks the naming rules", whatever the kind of name.
_ANY_NAME = ("invalid-name", "C0103", "camelcase", "naming-convention", "id-match")


def _name_style(node: tree_sitter.Node, source: Source) -> str | None:
    if not shows_style(source.data, node.start_byte, node.end_byte):
        return None
    name = source.text(node)
    if name.startswith("__") and name.endswith("__"):
        return None
    return naming_style(name)


def _is_python_method(node: tree_sitter.Node, source: Source) -> bool:
    return node.start_byte in source.capture_starts("_method")


def _function(node: tree_sitter.Node, source: Source) -> str | None:
    return None if _is_python_method(node, source) else _name_style(node, source)


def _method(node: tree_sitter.Node, source: Source) -> str | None:
    # Python methods are marked by the query; in JavaScript and TypeScript a method's name
    # is a property_identifier, a function declaration's (also `@function.name`) is not.
    if source.language.name == "python":
        is_method = _is_python_method(node, source)
    else:
        is_method = node.type == "property_identifier"
    return _name_style(node, source) if is_method else None


def _variable(node: tree_sitter.Node, source: Source) -> str | None:
    style = _name_style(node, source)
    if style is None:
        return None
    declarator = node.parent
    if declarator.type == "variable_declarator":
        value = declarator.child_by_field_name("value")
        if value is not None and value.type in ("arrow_function", "function_expression"):
            return None
    elif enclosing_function(node) is None:
        # Python: a `block` is also a class body or a module-level `if`, whose names are
        # attributes and globals, not locals.
        return None
    return style


def _parameter(node: tree_sitter.Node, source: Source) -> str | None:
    return None if source.text(node) in _SELF else _name_style(node, source)


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
    return (
        None
        if stem in ("__init__", "__main__", "index", "conftest", "setup")
        else naming_style(stem)
    )


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
        captures=("function.name", "method.name"),
        suppressed_by=("N802", "N815", *_ANY_NAME),
    ),
    Detector(
        "naming/class",
        "naming",
        "Class naming",
        "How classes (and TypeScript interfaces) are named.",
        "declaration",
        classify=_name_style,
        captures=("class.name", "naming.class"),
        suppressed_by=("N801", "N818", "new-cap", *_ANY_NAME),
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

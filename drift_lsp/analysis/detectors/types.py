"""Type annotations on public functions, and `any` in TypeScript."""

from __future__ import annotations

import tree_sitter

from drift_lsp.analysis.detectors.base import ABSENCE, PRACTICE, Detector
from drift_lsp.analysis.detectors.documentation import is_public
from drift_lsp.analysis.source import Source
from drift_lsp.analysis.suppression import BARE_TYPE_IGNORE


def _annotations(node: tree_sitter.Node, source: Source) -> str | None:
    name = source.text(node)
    if not is_public(name) or name.startswith("test"):
        return None
    function = node.parent
    return "annotated" if function.child_by_field_name("return_type") else "unannotated"


_PARAMETERS = ("required_parameter", "optional_parameter")


def _annotated_callable(annotation: tree_sitter.Node) -> tree_sitter.Node | None:
    """The function or method whose parameter or return type `annotation` is (or whatever
    else holds it)."""
    holder = annotation.parent
    if holder is not None and holder.type in _PARAMETERS:
        holder = holder.parent.parent if holder.parent else None
    return holder


def _overrides(annotation: tree_sitter.Node) -> bool:
    """A parameter's or the return type of an `override` method: the base class's signature
    (trpc's `override _transform(chunk: any, …)` of a Node stream), not the code's choice."""
    holder = _annotated_callable(annotation)
    return (
        holder is not None
        and holder.type == "method_definition"
        and any(child.type == "override_modifier" for child in holder.children)
    )


def _ignored_parameter(annotation: tree_sitter.Node, source: Source) -> bool:
    """`_`-named parameters are there for their position (`(_target: any, prop: string)`) or
    as a phantom (effect's variance markers `_A: (_: any) => _`): their type says nothing."""
    parameter = annotation.parent
    if parameter is None or parameter.type not in _PARAMETERS:
        return False
    name = parameter.child_by_field_name("pattern")
    return name is not None and source.text(name).startswith("_")


# An implementation and the kind of node its overloads are.
_SIGNATURES = {
    "function_declaration": "function_signature",
    "method_definition": "method_signature",
}


def _overload_implementation(annotation: tree_sitter.Node, source: Source) -> bool:
    """A parameter or return type of the implementation behind overloads (tanstack's
    `function partialMatchKey(a: QueryKey, …): boolean` then `function partialMatchKey(a: any,
    …)`): callers only see the overloads, and `any` is how the one body accepts them all."""
    function = _annotated_callable(annotation)
    if function is None or function.type not in _SIGNATURES:
        return False
    holder = function.parent if function.parent.type == "export_statement" else function
    previous = holder.prev_named_sibling
    while previous is not None and previous.type == "comment":
        previous = previous.prev_named_sibling
    if previous is not None and previous.type == "export_statement":
        previous = previous.named_children[-1] if previous.named_child_count else None
    if previous is None or previous.type != _SIGNATURES[function.type]:
        return False
    name = function.child_by_field_name("name")
    other = previous.child_by_field_name("name")
    return name is not None and other is not None and source.text(name) == source.text(other)


def _any(node: tree_sitter.Node, source: Source) -> str | None:
    if source.inside("_type_level", node):
        return None
    annotated = node.named_children[0] if node.named_child_count else None
    if annotated is None or annotated.type != "predefined_type" or source.text(annotated) != "any":
        return "specific"
    if (
        _overrides(node)
        or _ignored_parameter(node, source)
        or _overload_implementation(node, source)
    ):
        return None
    return "any"


DETECTORS = (
    Detector(
        "types/annotations",
        "types",
        "Return type annotations",
        "Whether public functions declare their return type.",
        "declaration",
        classify=_annotations,
        severity="info",
        captures=("function.name", "method.name"),
        languages=("python", "typescript", "tsx"),
        values={"unannotated": ABSENCE, "annotated": PRACTICE},
        suppressed_by=(
            *("ANN201", "ANN202", "ANN204", "ANN205", "ANN206"),
            *("explicit-function-return-type", "explicit-module-boundary-types"),
            # mypy's `# type: ignore[no-untyped-def]`, or a bare `# type: ignore`
            *("no-untyped-def", BARE_TYPE_IGNORE),
        ),
    ),
    Detector(
        "types/any",
        "types",
        "Use of any",
        "Whether the annotations of values (not declarations of types) fall back to `any`.",
        "declaration",
        classify=_any,
        values={"any": ABSENCE, "specific": PRACTICE},
        suppressed_by=("ANN401", "no-explicit-any"),
    ),
)

"""Import conventions: relative vs absolute, `import x` vs `from x import y`, ESM vs
require, default vs named imports."""

from __future__ import annotations

import tree_sitter

from drift_lsp.analysis.detectors.base import Detector
from drift_lsp.analysis.source import Source


def _style(node: tree_sitter.Node, _source: Source) -> str:
    return "import" if node.type == "import_statement" else "from_import"


def _relative(node: tree_sitter.Node, source: Source) -> str | None:
    if node.type == "relative_import":
        return "relative"
    if node.type == "dotted_name":
        return "absolute"
    if node.type == "string":
        spec = source.text(node)[1:-1]
        # Only sibling modules can be reached either way; packages are always bare.
        if spec.startswith("."):
            return "relative"
        if spec.startswith(("@/", "~/", "src/")):
            return "absolute"
    return None


# Extensions that fix the module system: no choice of the code's.
_FIXED_SYSTEM = (".mjs", ".cjs", ".mts", ".cts")


def _module_system(node: tree_sitter.Node, source: Source) -> str | None:
    if source.rel_path.endswith(_FIXED_SYSTEM):
        return None
    if node.type != "import_statement":
        return "commonjs"
    # TypeScript's `import x = require('y')` is CommonJS in import syntax.
    required = any(child.type == "import_require_clause" for child in node.named_children)
    return "commonjs" if required else "esm"


# The project's own modules: relative, or through a root alias (`@/lib`, `~/lib`).
_OWN_MODULE = (".", "@/", "~/")


def _default_named(node: tree_sitter.Node, source: Source) -> str | None:
    # A package's exports decide how it is imported (`import http from 'http'`, `import
    # React from 'react'`): only the project's own modules show a choice.
    specifier = node.parent.child_by_field_name("source") if node.parent else None
    if specifier is None or not source.text(specifier)[1:].startswith(_OWN_MODULE):
        return None
    kinds = {child.type for child in node.named_children}
    if kinds == {"identifier"}:
        return "default"
    if kinds == {"named_imports"}:
        return "named"
    return None


DETECTORS = (
    Detector(
        "imports/style",
        "imports",
        "Import style",
        "Whether modules are imported whole (`import x`) or by name (`from x import y`).",
        "import",
        classify=_style,
        severity="info",
    ),
    Detector(
        "imports/relative",
        "imports",
        "Relative imports",
        "Whether the project's own modules are imported relatively or absolutely.",
        "import",
        classify=_relative,
        suppressed_by=("TID252", "import/no-relative-parent-imports"),
    ),
    Detector(
        "imports/module_system",
        "imports",
        "Module system",
        "ES modules (`import`) or CommonJS (`require`).",
        "import",
        classify=_module_system,
        suppressed_by=("no-var-requires", "no-require-imports", "import/no-commonjs"),
    ),
    Detector(
        "imports/default_named",
        "imports",
        "Default vs named imports",
        "Whether the project's own modules are imported as the default export or by name.",
        "import",
        classify=_default_named,
        severity="info",
    ),
)

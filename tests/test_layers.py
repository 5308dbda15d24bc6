"""The import rules of ARCHITECTURE.md, checked on the source: imports point down only, with
no cycles in drift_lsp, and the pure and storage layers stay pure."""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("drift_lsp", "storage")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


_FILES = {_module(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
_MODULES = frozenset(_FILES)


def _imports(path: Path, *, typing_too: bool = False) -> set[str]:
    """Modules the file imports when it runs (and with `typing_too`, for type checking as
    well); `from package import submodule` imports the submodule."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            typing_only = isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test)
            if typing_only and not typing_too:
                for orelse in child.orelse:
                    visit(orelse)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                submodules = {f"{child.module}.{alias.name}" for alias in child.names}
                found.update(submodules & _MODULES or {child.module})
            visit(child)

    visit(ast.parse(path.read_text("utf-8")))
    return found


@cache
def _graph(typing_too: bool = False) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in _FILES.items():
        imports = _imports(path, typing_too=typing_too)
        graph[name] = {imported for imported in imports if imported in _MODULES}
        graph[name].update(i for i in imports if i.split(".")[0] in ("apsw", "pygls"))
    return graph


def _importers(prefix: str, imported: str) -> list[str]:
    return sorted(
        module
        for module, targets in _graph().items()
        if module.startswith(prefix) and any(t.startswith(imported) for t in targets)
    )


def test_analysis_is_pure() -> None:
    assert _importers("drift_lsp.analysis", "storage") == []
    assert _importers("drift_lsp.analysis", "apsw") == []
    assert _importers("drift_lsp.analysis", "drift_lsp.features") == []
    assert _importers("drift_lsp.analysis", "drift_lsp.indexing") == []


def test_storage_knows_nothing_of_drift_lsp_or_lsp() -> None:
    assert _importers("storage", "drift_lsp") == []
    assert _importers("storage", "pygls") == []


def test_only_the_server_front_end_speaks_lsp() -> None:
    for layer in ("drift_lsp.indexing", "drift_lsp.workspace", "drift_lsp.commands"):
        assert _importers(layer, "pygls") == [], layer
        assert _importers(layer, "drift_lsp.features") == [], layer


def test_no_import_cycles_not_even_for_type_checking() -> None:
    graph = _graph(typing_too=True)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycle = stack[stack.index(target) :] + [target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)

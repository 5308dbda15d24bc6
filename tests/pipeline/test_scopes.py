"""Conventions are learned per language and per role: Python's naming never reaches
TypeScript, and what tests do is never a rule for the source (or back)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_tree

from drift_lsp.workspace import Workspace
from storage.repositories.patterns import PatternFilter

PY = 'def load_{n}(item_id):\n    """Load."""\n    return item_id\n'
TS = "export function loadItem{n}(itemId: number): number {{\n  return itemId;\n}}\n"
TYPED = 'def load_{n}(item_id: int) -> int:\n    """Load."""\n    return item_id\n'
UNTYPED_TEST = "def test_load_{n}():\n    assert load(1) == 1\n"


def scan(root: Path, files: dict[str, str]) -> Workspace:
    write_tree(root, files)
    (root / "drift.config.json").write_text(json.dumps({"learning": {"autoApproveThreshold": 0.5}}))
    workspace = Workspace.open(root)
    workspace.scan()
    return workspace


def rules(workspace: Workspace, path: Path, text: str) -> set[tuple[str, str]]:
    return {(v.detector_id, v.actual) for v in workspace.check_text(path, text)}


def test_python_naming_never_applies_to_typescript(tmp_path: Path) -> None:
    files = {f"py/mod_{n}.py": PY.format(n=n) for n in range(10)}
    files |= {f"web/item{n}.ts": TS.format(n=n) for n in range(5)}
    with scan(tmp_path, files) as workspace:
        found = workspace.patterns(
            PatternFilter(detector_id="naming/function"), after=None, limit=50
        )
        scopes = {p.context.partition("@")[2] for p in found}
        assert scopes == {"python", "typescript"}
        ts = tmp_path / "web/new.ts"
        assert rules(workspace, ts, TS.format(n=9)) == set()
        py = tmp_path / "py/new.py"
        assert ("naming/function", "camelCase") in rules(
            workspace, py, 'def loadItem(item_id):\n    """Load."""\n    return item_id\n'
        )


def test_untyped_tests_do_not_teach_the_source_to_be_untyped(tmp_path: Path) -> None:
    files = {f"src/mod_{n}.py": TYPED.format(n=n) for n in range(4)}
    files |= {f"tests/test_mod_{n}.py": UNTYPED_TEST.format(n=n) for n in range(8)}
    with scan(tmp_path, files) as workspace:
        source = tmp_path / "src/new.py"
        assert not {
            rule for rule, actual in rules(workspace, source, TYPED.format(n=9)) if "type" in rule
        }
        test = tmp_path / "tests/test_new.py"
        assert rules(workspace, test, UNTYPED_TEST.format(n=9)) == set()

"""Conventions are learned per language and per role: Python's naming never reaches
TypeScript, and what tests do is never a rule for the source (or back)."""

from __future__ import annotations

import json
from pathlib import Path

import apsw
from support import write_tree

from drift_lsp.analysis.scope import MIN_PACKAGE_FILES
from drift_lsp.workspace import Workspace, db_path
from storage.migrate import migrate
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


def test_examples_and_docs_are_not_held_to_the_source_conventions(tmp_path: Path) -> None:
    # jinja2: untyped `docs/examples`, and `examples/basic/test_loop_filter.py`, which is an
    # example named like a test beside no code under test.
    files = {f"src/mod_{n}.py": TYPED.format(n=n) for n in range(20)}
    files |= {f"tests/test_mod_{n}.py": UNTYPED_TEST.format(n=n) for n in range(20)}
    files |= {"docs/examples/ext.py": PY.format(n=1), "examples/basic/test_loop.py": PY.format(n=2)}
    with scan(tmp_path, files) as workspace:
        for rel in ("docs/examples/new.py", "examples/basic/test_new.py"):
            assert rules(workspace, tmp_path / rel, PY.format(n=9)) == set()
        assert ("types/annotations", "unannotated") in rules(
            workspace, tmp_path / "src/new.py", PY.format(n=9)
        )


VAR = "var total{n} = {n};\nvar other{n} = total{n} + 1;\nconsole.log(other{n});\n"
CONST = "const total{n} = {n};\nconst other{n} = total{n} + 1;\nconsole.log(other{n});\n"


def test_packages_of_a_monorepo_keep_their_own_conventions(tmp_path: Path) -> None:
    files = {"packages/old/package.json": "{}", "packages/new/package.json": "{}"}
    files |= {f"packages/old/src/m{n}.js": VAR.format(n=n) for n in range(MIN_PACKAGE_FILES)}
    files |= {f"packages/new/src/m{n}.js": CONST.format(n=n) for n in range(MIN_PACKAGE_FILES)}
    # A package too small to learn on its own follows the workspace's JavaScript.
    files |= {"packages/tiny/package.json": "{}", "packages/tiny/a.js": VAR.format(n=1)}
    with scan(tmp_path, files) as workspace:
        found = workspace.patterns(PatternFilter(category="style"), after=None, limit=100)
        scopes = {p.context.partition("@")[2] for p in found}
        assert {"javascript#packages|old", "javascript#packages|new"} <= scopes
        old, new = tmp_path / "packages/old/src/x.js", tmp_path / "packages/new/src/x.js"
        assert rules(workspace, old, VAR.format(n=99)) == set()
        assert rules(workspace, new, CONST.format(n=99)) == set()
        assert rules(workspace, new, VAR.format(n=99)), "var in the const package deviates"
        assert workspace.packages().package_of("packages/tiny/b.js", "javascript") == ""


def test_package_scopes_go_down_and_come_back_with_a_scan(tmp_path: Path) -> None:
    files = {"packages/old/package.json": "{}"}
    files |= {f"packages/old/src/m{n}.js": VAR.format(n=n) for n in range(MIN_PACKAGE_FILES)}
    with scan(tmp_path, files) as workspace:
        contexts = workspace.db.read(
            "contexts",
            lambda c: {x for (x,) in c.execute("SELECT context FROM observation_groups")},
        )
    assert contexts and all(c.endswith("#packages|old") for c in contexts)
    conn = apsw.Connection(str(db_path(tmp_path)))
    migrate(conn, "drift", 5)
    down = {x for (x,) in conn.execute("SELECT context FROM observation_groups")}
    assert down == {c.partition("#")[0] for c in contexts}
    assert conn.execute("SELECT count(*) FROM patterns WHERE pattern_id LIKE '%#%'").fetchone() == (
        0,
    )
    migrate(conn, "drift", 6)
    conn.close()
    with Workspace.open(tmp_path) as workspace:
        workspace.scan()
        again = workspace.db.read(
            "contexts",
            lambda c: {x for (x,) in c.execute("SELECT context FROM observation_groups")},
        )
    assert again == contexts

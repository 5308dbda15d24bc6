"""Every quick-fix kind: applying it leaves a file that parses and no longer has the violation."""

from __future__ import annotations

import pytest
from support import approved

from drift_lsp.analysis.detect import analyze, detect
from drift_lsp.analysis.fixes import apply_edits
from drift_lsp.analysis.languages import language_for_path, parse
from drift_lsp.analysis.model import ApprovedPattern
from drift_lsp.analysis.violations import find_violations, ignore_line_edit

CASES = [
    ("a.py", "naming/variable", "assignment", "snake_case",
     "def f(x):\n    totalCount = x\n    return totalCount + other.totalCount\n",
     "def f(x):\n    total_count = x\n    return total_count + other.totalCount\n"),
    ("a.py", "naming/parameter", "declaration", "snake_case",
     "def _f(itemId):\n    return g(itemId=itemId)\n",
     "def _f(item_id):\n    return g(itemId=item_id)\n"),
    ("a.js", "naming/variable", "assignment", "camelCase",
     "function f() {\n  const total_count = 1;\n  return total_count;\n}\n",
     "function f() {\n  const totalCount = 1;\n  return totalCount;\n}\n"),
    ("a.py", "style/quotes", "unknown", "double", "x = 'abc'\n", 'x = "abc"\n'),
    ("a.ts", "style/quotes", "unknown", "single", 'const x = "abc";\n', "const x = 'abc';\n"),
    ("a.js", "style/declaration", "declaration", "const", "let a = 1;\nuse(a);\n",
     "const a = 1;\nuse(a);\n"),
    ("a.js", "style/equality", "conditional", "strict", "if (a != b) {}\n",
     "if (a !== b) {}\n"),
    ("a.py", "errors/breadth", "conditional", "broad",
     "try:\n    pass\nexcept:\n    cleanup()\n",
     "try:\n    pass\nexcept Exception:\n    cleanup()\n"),
    ("a.py", "logging/output", "call", "logging",
     "import logging\nlog = logging.getLogger(__name__)\nprint('x')\n",
     "import logging\nlog = logging.getLogger(__name__)\nlog.info('x')\n"),
    ("a.py", "logging/output", "call", "logging",
     "import os\n\n\ndef f():\n    print('x', os.sep)\n",
     "import os\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n\n\ndef f():\n"
     "    logger.info(\"%s %s\", 'x', os.sep)\n"),
    ("a.py", "logging/output", "call", "logging",
     "# Copyright the authors.\n'''Doc.'''\nprint(1)\n",
     "# Copyright the authors.\n'''Doc.'''\nimport logging\n\nlogger = logging.getLogger(__name__)"
     "\n\nlogger.info(1)\n"),
    ("a.py", "logging/output", "call", "logging",
     "x = 1\nimport logging\nprint(x)\n",
     "x = 1\nimport logging\n\nlogger = logging.getLogger(__name__)\n\nlogger.info(x)\n"),
    ("a.py", "logging/output", "call", "logging", "print('x')\n",
     "import logging\n\nlogger = logging.getLogger(__name__)\n\nlogger.info('x')\n"),
    ("a.py", "style/quotes", "unknown", "double", "x = 'a\\tb'\n", 'x = "a\\tb"\n'),
    ("a.py", "style/quotes", "unknown", "single", 'x = f"{y}!"\n', "x = f'{y}!'\n"),
    ("a.js", "style/declaration", "declaration", "const",
     "function f() { let a = 1; use(a); }\nfunction g() { let a = 1; a = 2; }\n",
     "function f() { const a = 1; use(a); }\nfunction g() { let a = 1; a = 2; }\n"),
    ("a.ts", "naming/parameter", "declaration", "camelCase",
     "function f(item_id: number): number {\n  return item_id + 1;\n}\n",
     "function f(itemId: number): number {\n  return itemId + 1;\n}\n"),
    ("a.py", "errors/breadth", "conditional", "broad",
     "try:\n    pass\nexcept:  # why\n    cleanup()\n",
     "try:\n    pass\nexcept Exception:  # why\n    cleanup()\n"),
]  # fmt: skip


def violations(path: str, text: str, pattern: ApprovedPattern):
    analysis = analyze(language_for_path(path), text.encode(), path)
    return find_violations(path, text, analysis.observations, [pattern], analysis=analysis)


@pytest.mark.parametrize(("path", "detector_id", "context", "value", "before", "after"), CASES)
def test_fix_applies_cleanly(path, detector_id, context, value, before, after) -> None:
    pattern = approved(detector_id, context, value)
    found = violations(path, before, pattern)
    assert found, "the planted deviation is a violation"
    fixes = found[0].quick_fixes
    assert fixes, "a safe fix is offered"
    fixed = apply_edits(before, fixes[0].edits)
    assert fixed == after
    assert not parse(language_for_path(path), fixed.encode()).root_node.has_error
    assert violations(path, fixed, pattern) == []


def test_todo_fix_names_an_owner() -> None:
    pattern = approved("style/todo", "unknown", "owner")
    before = "x = 1  # TODO fix this\n"
    (violation,) = violations("a.py", before, pattern)
    fixed = apply_edits(before, violation.quick_fixes[0].edits)
    assert "TODO(" in fixed and "): fix this" in fixed
    assert violations("a.py", fixed, pattern) == []


def test_rename_is_refused_when_the_new_name_is_taken() -> None:
    pattern = approved("naming/variable", "assignment", "snake_case")
    text = "def f():\n    item_id = 1\n    itemId = 2\n    return item_id + itemId\n"
    (violation,) = violations("a.py", text, pattern)
    assert violation.quick_fixes == ()


def test_reassigned_let_is_not_a_const_candidate() -> None:
    pattern = approved("style/declaration", "declaration", "const")
    assert violations("a.js", "let a = 1;\na += 2;\n", pattern) == []


def test_violation_json_has_the_documented_keys() -> None:
    pattern = approved("style/quotes", "unknown", "double")
    (violation,) = violations("a.py", "x = 'abc'\n", pattern)
    data = violation.to_json()
    assert set(data) == {
        "id", "patternId", "severity", "message", "file", "range", "expected", "actual",
        "quickFixes",
    }  # fmt: skip
    assert data["range"] == {"start": {"line": 0, "character": 4},
                             "end": {"line": 0, "character": 9}}  # fmt: skip
    assert data["expected"] == "double" and data["actual"] == "single"
    assert data["quickFixes"][0]["edits"][0]["newText"] == '"abc"'


@pytest.mark.parametrize(
    ("text", "suppressed"),
    [
        ("x = 'a'  # drift-ignore\n", True),
        ("# drift-ignore[style/quotes]\nx = 'a'\n", True),
        ("x = 'a'  # drift-ignore[String quotes]\n", True),
        ("x = 'a'  # drift-ignore[naming/function]\n", False),
        ("# drift-ignore-file\n\nx = 'a'\n", True),
        ("x = 'a'\n", False),
        ("y = 1  # drift-ignore\nx = 'a'\n", False),
        ("x = 'a'  // drift-ignore\n", False),
        ("# drift-ignore[a, style/quotes]\nx = 'a'\n", True),
    ],
)
def test_suppression_comments(text: str, suppressed: bool) -> None:
    pattern = approved("style/quotes", "unknown", "double")
    pattern = ApprovedPattern(**{**pattern.__dict__, "name": "String quotes"})
    assert (violations("a.py", text, pattern) == []) is suppressed


def test_ignore_line_edit_suppresses_the_line() -> None:
    pattern = approved("style/quotes", "unknown", "double")
    text = "def f():\n    return 'a'\n"
    (violation,) = violations("a.py", text, pattern)
    edit = ignore_line_edit(language_for_path("a.py"), text, violation.line, pattern.detector_id)
    fixed = apply_edits(text, (edit,))
    assert fixed == "def f():\n    # drift-ignore[style/quotes]\n    return 'a'\n"
    assert violations("a.py", fixed, pattern) == []


def test_js_block_comment_suppresses() -> None:
    pattern = approved("style/equality", "conditional", "strict")
    assert violations("a.js", "if (a == b) {} /* drift-ignore */\n", pattern) == []
    assert len(violations("a.js", "if (a == b) {} # drift-ignore\n", pattern)) == 1


def test_fixes_without_the_analysis_parse_the_text_again() -> None:
    pattern = approved("style/quotes", "unknown", "double")
    text = "x = 'abc'\n"
    observations = detect(language_for_path("a.py"), text.encode(), "a.py")
    (violation,) = find_violations("a.py", text, observations, [pattern])
    assert violation.message == "style/quotes: expected double, found single ''abc''"
    assert apply_edits(text, violation.quick_fixes[0].edits) == 'x = "abc"\n'


@pytest.mark.parametrize(
    "text",
    [
        "import sys\n\ndef f():\n    print('x', file=sys.stderr)\n",
        "def f(items):\n    print(*items)\n",
        "import logging\nprint('early')\nlog = logging.getLogger(__name__)\n",
        "logging = None\nprint('x')\n",
    ],
)
def test_print_fix_is_refused_where_logging_would_differ(text: str) -> None:
    (violation,) = violations("a.py", text, approved("logging/output", "call", "logging"))
    assert violation.quick_fixes == ()


@pytest.mark.parametrize(
    "text",
    [
        "function g() { a = 2; }\nlet a = 1;\n",
        "let a = 1;\n[a] = [2];\n",
        "let a = 1;\n({ a } = o);\n",
        "let a;\nfor (a of xs) {}\n",
        "for (let i = 0; i < 3; i++) {}\n",
    ],
)
def test_let_that_is_assigned_in_its_scope_is_not_a_const_candidate(text: str) -> None:
    assert violations("a.js", text, approved("style/declaration", "declaration", "const")) == []


@pytest.mark.parametrize(
    ("path", "text", "pattern"),
    [
        ("a.py", "def f():\n    'Doc.'\n", ("style/quotes", "unknown", "double")),
        ("a.jsx", 'const a = <div className="x" />;\n', ("style/quotes", "unknown", "single")),
        ("a.tsx", 'const a = <div className="x" />;\n', ("style/quotes", "unknown", "single")),
        ("a.js", '"use strict";\n', ("style/quotes", "unknown", "single")),
        ("a.js", "if (a == null) {}\n", ("style/equality", "conditional", "strict")),
        ("a.py", "if X:\n    fooBar = 1\n", ("naming/variable", "assignment", "snake_case")),
    ],
)
def test_not_a_style_choice(path: str, text: str, pattern: tuple[str, str, str]) -> None:
    assert violations(path, text, approved(*pattern)) == []


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("a.py", "def f():\n    Class = 1\n    return Class\n"),
        ("a.js", "function f() {\n  if (x) { const item_id = 1; }\n  return item_id;\n}\n"),
    ],
)
def test_rename_is_refused_when_it_would_change_meaning(path: str, text: str) -> None:
    expected = "snake_case" if path.endswith(".py") else "camelCase"
    (violation,) = violations(path, text, approved("naming/variable", "assignment", expected))
    assert violation.quick_fixes == ()

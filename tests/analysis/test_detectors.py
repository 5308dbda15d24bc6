"""Each detector on a small snippet: the values it records, in order of appearance."""

from __future__ import annotations

import os

import pytest

from drift_lsp.analysis.detect import detect, detectors_for
from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.analysis.languages import LANGUAGES, language_for_path

CASES = [
    ("a.py", "def load_item(): pass\ndef loadItem(): pass\n", "naming/function",
     ["snake_case", "camelCase"]),
    ("a.py", "class A:\n    def get_x(self): pass\n    def getY(self): pass\n"
     "    def __init__(self): pass\n", "naming/method", ["snake_case", "camelCase"]),
    ("a.py", "class ItemStore: pass\nclass item_store: pass\n", "naming/class",
     ["PascalCase", "snake_case"]),
    ("a.py", "MAX_SIZE = 3\nmaxSize = 4\n_private = 1\n", "naming/constant",
     ["UPPER_CASE", "camelCase"]),
    ("a.py", "def f():\n    total_count = 1\n    totalCount = 2\n", "naming/variable",
     ["snake_case", "camelCase"]),
    ("a.py", "def f(self, item_id, itemName=1, *args): pass\n", "naming/parameter",
     ["snake_case", "camelCase"]),
    ("a.js", "function fooBar() {}\nclass A {\n  do_thing() {}\n}\n", "naming/method",
     ["snake_case"]),
    ("a.js", "function fooBar() {}\nclass A {\n  do_thing() {}\n}\n", "naming/function",
     ["camelCase"]),
    ("pkg/my_module.py", "", "naming/file", ["snake_case"]),
    ("src/myModule.ts", "", "naming/file", ["camelCase"]),
    ("a.py", "import os\nfrom os import path\n", "imports/style", ["import", "from_import"]),
    ("a.py", "from . import x\nfrom pkg.sub import y\n", "imports/relative",
     ["relative", "absolute"]),
    ("a.js", "import a from 'a';\nconst b = require('b');\n", "imports/module_system",
     ["esm", "commonjs"]),
    ("a.ts", "import a from './a';\nimport { b } from '@/b';\nimport http from 'http';\n",
     "imports/default_named", ["default", "named"]),
    ("a.js", "import x from './x';\n", "imports/relative", ["relative"]),
    ("a.py", "try:\n    pass\nexcept:\n    pass\nexcept Exception:\n    cleanup()\n"
     "except KeyError as e:\n    log.error('x')\n", "errors/breadth",
     ["bare", "broad", "specific"]),
    ("a.py", "try:\n    pass\nexcept:\n    pass\nexcept Exception:\n    raise\n"
     "except KeyError as e:\n    log.error('x')\n", "errors/handling",
     ["swallowed", "reraised", "logged"]),
    ("a.js", "try {} catch (e) {}\ntry {} catch (e) { throw e; }\n", "errors/handling",
     ["swallowed", "reraised"]),
    ("a.py", "print('x')\nlogger.info('x')\n", "logging/output", ["print", "logging"]),
    ("a.js", "console.log('x');\nlogger.info('x');\n", "logging/output", ["console", "logger"]),
    ("a.py", "logger.info('a %s', x)\nlogger.info(f'a {x}')\nlogger.info('a %s' % x)\n",
     "logging/format", ["lazy_args", "fstring", "percent_operator"]),
    ("a.py", "a = logging.getLogger(__name__)\nb = logging.getLogger('x')\n",
     "logging/logger_name", ["dunder_name", "literal"]),
    ("a.py", "def f():\n    '''Doc.'''\ndef g():\n    pass\ndef _h():\n    pass\n",
     "documentation/docstring", ["present", "missing"]),
    ("a.js", "/** Doc. */\nfunction f() {}\nfunction g() {}\n", "documentation/docstring",
     ["present", "missing"]),
    ("a.py", "def f() -> int:\n    return 1\ndef g():\n    return 1\n", "types/annotations",
     ["annotated", "unannotated"]),
    ("a.ts", "function f(a: any): string { return ''; }\n", "types/any", ["any", "specific"]),
    ("a.py", "a = 'x'\nb = \"y\"\nc = '''z'''\nd = 'it\"s'\n", "style/quotes",
     ["single", "double"]),
    ("a.js", "const a = 1;\nlet b = 2;\nlet c = 3;\nc = 4;\nvar d = 5;\n", "style/declaration",
     ["const", "let", "var"]),
    ("a.js", "if (a == b) {}\nif (a !== b) {}\n", "style/equality", ["loose", "strict"]),
    ("a.py", "# TODO(ann): one\n# TODO two\n# nothing\n", "style/todo", ["owner", "bare"]),
    ("tests/test_api.py", "", "tests/file_naming", ["test_prefix_in_test_dir"]),
    ("src/api.test.ts", "", "tests/file_naming", ["dot_test_beside_code"]),
    ("tests/test_api.py", "def test_get(): pass\ndef testPost(): pass\n",
     "tests/function_naming", ["snake_case", "camelCase"]),
]  # fmt: skip


@pytest.mark.parametrize(("path", "source", "detector_id", "values"), CASES)
def test_detector_values(path: str, source: str, detector_id: str, values: list[str]) -> None:
    language = language_for_path(path)
    assert language is not None
    found = [o for o in detect(language, source.encode(), path) if o.detector_id == detector_id]
    found.sort(key=lambda o: (o.line, o.column))
    assert [o.value for o in found] == values


def test_at_least_fourteen_detectors_in_seven_categories() -> None:
    assert len(DETECTORS) >= 14
    assert len({d.category for d in DETECTORS.values()}) >= 7


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda lang: lang.name)
def test_every_language_compiles_its_queries(language) -> None:
    assert detectors_for(language)


def test_positions_are_characters_not_bytes() -> None:
    source = "é = 'ü'; ß = \"x\"\n".encode()
    quotes = [o for o in detect(language_for_path("a.py"), source, "a.py")
              if o.detector_id == "style/quotes"]  # fmt: skip
    assert [(o.column, o.end_column) for o in quotes] == [(4, 7), (13, 16)]


@pytest.mark.parametrize("size", [0, 1, 4096, 256 * 1024])
def test_detect_never_raises_on_arbitrary_bytes(size: int) -> None:
    data = os.urandom(size)
    for language in LANGUAGES:
        detect(language, data, "x" + language.extensions[0])

"""What a maintainer would accept: conventions are enforced only towards a practice, become
rules only on real evidence, and code shapes that are fine in real projects are not reported.

Snippets are cut down from the real code the false positives came from (requests, click,
attrs, the standard library, mocha, rxjs)."""

from __future__ import annotations

import json
from dataclasses import fields
from importlib import resources

import pytest
from support import approved

from drift_lsp.analysis.detect import analyze
from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.analysis.fixes import apply_edits
from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.learn import learn_convention
from drift_lsp.analysis.violations import find_violations
from drift_lsp.config import ConfigError, DriftConfig, LearningConfig, parse_config

OLD = 0
NOW = 10**20


def reported(path: str, text: str, detector_id: str, value: str) -> list[str]:
    """The values reported against an approved `detector_id` convention of `value`."""
    detector = DETECTORS[detector_id]
    pattern = approved(detector_id, detector.context, value)
    analysis = analyze(language_for_path(path), text.encode(), path)
    found = find_violations(path, text, analysis.observations, [pattern], analysis=analysis)
    return [v.actual for v in found]


def observed(path: str, text: str, detector_id: str) -> list[str]:
    analysis = analyze(language_for_path(path), text.encode(), path)
    return [o.value for o in analysis.observations if o.detector_id == detector_id]


# --- direction ---------------------------------------------------------------------------

GOOD_PYTHON = '''import logging

log = logging.getLogger(__name__)


def load(path: str) -> str:
    """Read the file."""
    try:
        return open(path).read()
    except OSError:
        log.debug("cannot read %s", path)
        return ""
'''


@pytest.mark.parametrize(
    ("detector_id", "absence"),
    [
        ("documentation/docstring", "missing"),
        ("types/annotations", "unannotated"),
        ("logging/output", "print"),
        ("errors/breadth", "broad"),
        ("errors/breadth", "bare"),
        ("errors/handling", "swallowed"),
    ],
)
def test_an_absence_is_never_enforced_against_the_practice(detector_id: str, absence: str):
    assert reported("pkg/mod.py", GOOD_PYTHON, detector_id, absence) == []
    assert not DETECTORS[detector_id].may_become_rule(absence)


def test_a_practice_is_enforced_against_its_absence() -> None:
    text = "def load(path):\n    print(path)\n    try:\n        pass\n    except:\n        pass\n"
    assert reported("pkg/mod.py", text, "documentation/docstring", "present") == ["missing"]
    assert reported("pkg/mod.py", text, "types/annotations", "annotated") == ["unannotated"]
    assert reported("pkg/mod.py", text, "logging/output", "logging") == ["print"]
    assert reported("pkg/mod.py", text, "errors/breadth", "specific") == ["bare"]
    assert reported("pkg/mod.py", text, "errors/handling", "logged") == ["swallowed"]


def test_practices_are_not_enforced_against_each_other() -> None:
    # Re-raising, logging or recovering is the situation's call, not a style.
    text = "try:\n    pass\nexcept OSError:\n    raise\nexcept KeyError:\n    return None\n"
    assert reported("a.py", text, "errors/handling", "logged") == []


def test_a_worse_absence_is_still_reported() -> None:
    text = "try:\n    pass\nexcept:\n    cleanup()\nexcept Exception:\n    cleanup()\n"
    assert reported("a.py", text, "errors/breadth", "broad") == ["bare"]
    assert reported("a.py", text, "errors/breadth", "bare") == []


@pytest.mark.parametrize(
    ("path", "text", "detector_id", "absence"),
    [
        ("a.js", "const a = 1;\n", "style/declaration", "var"),
        ("a.js", "if (a === b) {}\n", "style/equality", "loose"),
        ("a.ts", "function f(a: string): number { return 1; }\n", "types/any", "any"),
        ("a.py", "# TODO(ann): tidy\n", "style/todo", "bare"),
    ],
)
def test_js_and_style_absences_are_not_enforced(path, text, detector_id, absence) -> None:
    assert reported(path, text, detector_id, absence) == []


def test_every_declared_value_is_a_practice_or_an_absence() -> None:
    for detector in DETECTORS.values():
        assert set(detector.values.values()) <= {"practice", "absence"}, detector.id


# --- evidence ----------------------------------------------------------------------------


def rows(value: str, files: int, per_file: int, *, other: str = "", other_files: int = 0):
    found = [(value, f"f{n}.py", per_file, OLD) for n in range(files)]
    found += [(other, f"g{n}.py", 1, OLD) for n in range(other_files)]
    return found


def test_five_prints_are_no_convention_a_person_did_not_approve() -> None:
    convention = learn_convention(rows("print", 3, 2), now_ns=NOW)
    assert convention is not None and convention.value == "print"
    assert not convention.auto_approvable
    # Nor would a practice on so little evidence.
    naming = learn_convention(rows("snake_case", 3, 2), now_ns=NOW)
    assert naming is not None and not naming.auto_approvable


def test_enough_evidence_of_a_practice_is_auto_approved() -> None:
    convention = learn_convention(
        rows("logging", 12, 3), now_ns=NOW, detector=DETECTORS["logging/output"]
    )
    assert convention is not None and convention.auto_approvable


def test_an_absence_is_never_auto_approved() -> None:
    for detector_id, absence in [("types/annotations", "unannotated"), ("logging/output", "print")]:
        convention = learn_convention(
            rows(absence, 40, 5), now_ns=NOW, detector=DETECTORS[detector_id]
        )
        assert convention is not None and convention.score >= 0.85
        assert not convention.auto_approvable


def test_share_is_measured_per_file_too() -> None:
    # rxjs: `any` in a third of the files, though most annotations are specific.
    found = rows("specific", 20, 30) + [("any", f"f{n}.py", 1, OLD) for n in range(7)]
    convention = learn_convention(found, now_ns=NOW, detector=DETECTORS["types/any"])
    assert convention is not None and convention.value == "specific"
    assert convention.frequency > 0.95
    assert not convention.auto_approvable


@pytest.mark.parametrize(
    "learning",
    [
        LearningConfig(auto_approve=False),
        LearningConfig(min_files=13),
        LearningConfig(min_occurrences=37),
        LearningConfig(auto_approve_threshold=1.0),
        LearningConfig(min_file_share=1.0),
    ],
)
def test_auto_approval_follows_the_learning_settings(learning: LearningConfig) -> None:
    found = rows("snake_case", 12, 3, other="camelCase", other_files=1)
    assert learn_convention(found, now_ns=NOW).auto_approvable
    assert not learn_convention(found, now_ns=NOW, learning=learning).auto_approvable


# --- suppressions of other linters -------------------------------------------------------


# Lines silenced by another linter: for the same concern, and for another one.
SUPPRESSED = [
    ("a.py", "try:\n    pass\nexcept Exception:  # noqa: BLE001\n    pass\n",
     "errors/breadth", "specific"),
    ("a.py", "try:\n    pass\nexcept:  # noqa: E722\n    pass\n", "errors/breadth", "specific"),
    ("a.py", "try:\n    pass\nexcept:  # noqa\n    pass\n", "errors/breadth", "specific"),
    ("a.py", "try:\n    pass\nexcept Exception:  # pylint: disable=broad-except\n    pass\n",
     "errors/breadth", "specific"),
    ("a.py", "def loadItem():  # noqa: N802\n    pass\n", "naming/function", "snake_case"),
    ("a.py", "def f(itemId):  # noqa: N803\n    pass\n", "naming/parameter", "snake_case"),
    ("a.py", "print('x')  # noqa: T201\n", "logging/output", "logging"),
    ("a.js", "if (a == b) {} // eslint-disable-line eqeqeq\n", "style/equality", "strict"),
    ("a.js", "// eslint-disable-next-line eqeqeq -- legacy API\nif (a == b) {}\n",
     "style/equality", "strict"),
    ("a.js", "// eslint-disable-next-line\nif (a == b) {}\n", "style/equality", "strict"),
    ("a.ts", "function f(a_b: string) {} // eslint-disable-line "
     "@typescript-eslint/naming-convention\n", "naming/parameter", "camelCase"),
    ("a.js", "/* eslint-disable no-console */\nconsole.log('x');\n", "logging/output",
     "logger"),
    ("a.js", "let a = 1; // eslint-disable-line prefer-const\nuse(a);\n",
     "style/declaration", "const"),
    ("a.js", "const s = \"x\"; // eslint-disable-line quotes\n", "style/quotes", "single"),
]  # fmt: skip
NOT_SUPPRESSED = [
    ("a.py", "def loadItem():  # type: ignore\n    pass\n", "naming/function", "snake_case"),
    ("a.py", "try:\n    pass\nexcept:  # noqa: E501\n    pass\n", "errors/breadth", "specific"),
    ("a.js", "if (a == b) {} // eslint-disable-line no-console\n", "style/equality", "strict"),
    ("a.js", "// eslint-disable-next-line eqeqeq\nx();\nif (a == b) {}\n",
     "style/equality", "strict"),
    ("a.js", "/* eslint-disable eqeqeq */\n/* eslint-enable */\nif (a == b) {}\n",
     "style/equality", "strict"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "text", "detector_id", "value", "suppressed"),
    [(*case, True) for case in SUPPRESSED] + [(*case, False) for case in NOT_SUPPRESSED],
)
def test_another_linters_suppression_counts_for_the_same_concern_only(
    path: str, text: str, detector_id: str, value: str, suppressed: bool
) -> None:
    assert (reported(path, text, detector_id, value) == []) is suppressed


# --- known false-positive shapes ---------------------------------------------------------

REAL_SHAPES = [
    # attrs _make.py: the other quote inside an f-string's replacement field (before 3.12).
    ("a.py", 'name = (\n    f"<attrs generated {func_name}."\n'
     '    f"{getattr(cls, \'__qualname__\', cls.__name__)}>"\n)\n', "style/quotes", "double"),
    # requests cookies.py
    ("a.py", "raise TypeError(f\"max-age: {morsel['max-age']} must be integer\")\n",
     "style/quotes", "double"),
    # content that holds the preferred quote keeps the other one
    ("a.py", "x = 'say \"hi\"'\n", "style/quotes", "double"),
    ("a.js", "const x = \"it's\";\n", "style/quotes", "single"),
    # names bound to classes and constructors
    ("a.py", "def build():\n    Data = make_dataclass('Data', ['x'])\n    return Data\n",
     "naming/variable", "snake_case"),
    ("a.js", "function load() {\n  var Mocha = require('mocha');\n  return new Mocha();\n}\n",
     "naming/variable", "camelCase"),
    ("a.js", "function render() {\n  var View = this.get('view');\n  return new View();\n}\n",
     "naming/variable", "camelCase"),
    ("a.js", "function wrap(ErrorCtor, message) {\n  return new ErrorCtor(message);\n}\n",
     "naming/parameter", "camelCase"),
    # requests adapters.py: a fallback stub of a class
    ("a.py", "try:\n    from urllib3.contrib.socks import SOCKSProxyManager\n"
     "except ImportError:\n\n    def SOCKSProxyManager(*args, **kwargs):\n"
     "        raise InvalidSchema('Missing dependencies for SOCKS support.')\n",
     "naming/function", "snake_case"),
    # attrs __init__.pyi, requests test doubles
    ("a.pyi", "def Factory(factory: Callable[[], _T]) -> _T: ...\n", "naming/function",
     "snake_case"),
    ("tests/test_utils.py", "class RegHandle:\n    def Close(self):\n        pass\n",
     "naming/method", "snake_case"),
    # mocha runner.js: an ES5 constructor is a class, not a camelCase function
    ("a.js", "function Runner(suite) {\n  this.suite = suite;\n}\n", "naming/function",
     "camelCase"),
    ("a.jsx", "function Panel(props) {\n  return <div>{props.title}</div>;\n}\n",
     "naming/function", "camelCase"),
    # requests auth.py, attrs tests, stdlib: short all-caps names and local constants
    ("a.py", "def digest():\n    HA1 = hash_utf8(A1)\n    KD = lambda s, d: s\n"
     "    MAX_TRIES = 3\n", "naming/variable", "snake_case"),
    ("a.py", "def test_x():\n    class C1:\n        pass\n", "naming/class", "PascalCase"),
    ("a.py", "def f(N, URL):\n    pass\n", "naming/parameter", "snake_case"),
    ("a.js", "function f() {\n  const URL = 1;\n  const MRO = 2;\n}\n", "naming/variable",
     "camelCase"),
    # rxjs: a file named after the class it holds
    ("src/internal/Observable.ts", "export class Observable {}\n", "naming/file", "camelCase"),
    # stdlib logging: a global assigned in a function is no local variable
    ("a.py", "def setLogRecordFactory(factory):\n    global _logRecordFactory\n"
     "    _logRecordFactory = factory\n", "naming/variable", "snake_case"),
    # re-raising after cleanup is no broad swallow
    ("a.py", "try:\n    run()\nexcept BaseException:\n    cleanup()\n    raise\n",
     "errors/breadth", "specific"),
    ("a.py", "try:\n    run()\nexcept:  # noqa: E722\n    cleanup()\n    raise  # again\n",
     "errors/breadth", "specific"),
    # the module system is the extension's, not the code's
    ("a.mjs", "import fs from 'fs';\n", "imports/module_system", "commonjs"),
    ("a.cjs", "const fs = require('fs');\n", "imports/module_system", "esm"),
    # `let` reassigned through destructuring
    ("a.js", "let a = 0;\n({ a = 1 } = cfg);\n", "style/declaration", "const"),
    ("a.js", "let a = 0;\n[a = 1] = arr;\n", "style/declaration", "const"),
    ("a.js", "let rest = [];\n[first, ...rest] = arr;\n", "style/declaration", "const"),
    ("a.js", "let rest = {};\n({ a, ...rest } = obj);\n", "style/declaration", "const"),
    ("a.js", "let b = 0;\n({ k: { b } } = obj);\n", "style/declaration", "const"),
    # mobx actionannotation.ts: a name declared by destructuring, reassigned later
    ("a.ts", "function make(descriptor, bound) {\n    let { value } = descriptor\n"
     "    if (bound) {\n        value = value.bind(target)\n    }\n    return value\n}\n",
     "style/declaration", "const"),
    # mobx decorators.ts: typeof compares two strings, where == and === mean the same
    ("a.ts", "export function isDecorator(context) {\n"
     "    return typeof context == \"object\" && typeof context[\"kind\"] == \"string\"\n}\n",
     "style/equality", "strict"),
    # mobx: a one-word name with a version number (and the minifier's trailing _)
    ("a.ts", "function decorate_20223_(value, context) {\n    return value\n}\n",
     "naming/function", "camelCase"),
    ("a.py", "def f():\n    cp1252 = 'cp1252'\n    cp_1252 = cp1252\n    return cp_1252\n",
     "naming/variable", "camelCase"),
    # trpc standalone.ts: a package's exports decide how it is imported
    ("a.ts", "import http from 'http';\nimport express from 'express';\n",
     "imports/default_named", "named"),
    # trpc procedureBuilder.ts: a stability marker is a label, not a word break
    ("a.ts", "class Builder {\n  unstable_concat(proc: Proc): Builder {\n    return this;\n"
     "  }\n}\n", "naming/method", "camelCase"),
    # trpc config.ts, types.ts, transformer.ts; tanstack query.ts: `any` in declarations of
    # types is "any type fits", not a value opted out of checking
    ("a.ts", "export type AnyRootConfig = RootConfig<{\n  ctx: any;\n  meta: any;\n}>;\n"
     "export type inferAsyncReturnType<TFunction extends (...args: any) => any> =\n"
     "  ReturnType<TFunction>;\n"
     "export interface DataTransformer {\n  serialize(object: any): any;\n}\n"
     "type Shape = Base & { [key: string]: any };\n", "types/any", "specific"),
    # trpc streamSlice.ts: an override takes the base class's signature
    ("a.ts", "class Slice extends Transform {\n  override _transform(chunk: any, done: Cb): any {\n"
     "    done();\n  }\n}\n", "types/any", "specific"),
    # tanstack utils.ts: the implementation behind overloads takes what any overload may pass
    ("a.ts", "export function partialMatchKey(a: QueryKey, b: QueryKey): boolean\n"
     "export function partialMatchKey(a: any, b: any): boolean {\n  return a === b\n}\n"
     "class Cache {\n  get(key: string): Item\n  get(key: any): Item {\n"
     "    return this.items[key]\n  }\n}\n", "types/any", "specific"),
    # urllib3 ssl_.py, request.py: all-caps classes named like the project's type aliases
    ("a.py", "class _TYPE_PEER_CERT_RET_DICT(TypedDict, total=False):\n    subjectAltName: str\n"
     "\n\nclass _TYPE_FAILEDTELL(Enum):\n    token = 0\n", "naming/class", "PascalCase"),
    # werkzeug utils.py, urllib3 tests: classes that stand in for functions and decorators
    ("a.py", "class cached_property(property):\n    pass\n\n\n"
     "class environ_property(_DictAccessorProperty[_T]):\n    read_only = True\n\n\n"
     "class _raise_once_make_request_function:\n    def __call__(self, *args):\n"
     "        return None\n", "naming/class", "PascalCase"),
    # werkzeug file_storage.py, lint.py: a cleanup, or anything in __del__, must not raise
    ("a.py", "def close(self):\n    try:\n        self.stream.close()\n    except Exception:\n"
     "        pass\n", "errors/breadth", "specific"),
    ("a.py", "class It:\n    def __del__(self):\n        try:\n            warn('leak')\n"
     "        except Exception:\n            pass\n", "errors/breadth", "specific"),
    # werkzeug console.py, debug/__init__.py: the error is shown or written to the error log
    ("a.py", "try:\n    exec(code, self.locals)\nexcept Exception:\n    self.showtraceback()\n",
     "errors/breadth", "specific"),
    ("a.py", "try:\n    run()\nexcept Exception:\n    sys.stderr.write('failed')\n",
     "errors/breadth", "specific"),
    # effect Unify.ts: a type named after the value it is the type of
    ("a.ts", "export declare const unifySymbol: unique symbol\n"
     "export type unifySymbol = typeof unifySymbol\n", "naming/class", "PascalCase"),
    # trpc types.ts, initTRPC.ts: generic aliases are functions of types; `$` is a sigil
    ("a.ts", "export type inferRouterDef<TRouter extends AnyRouter> = TRouter['_def'];\n"
     "function create<T>() {\n  type $Generics = Config<T>;\n}\n", "naming/class",
     "PascalCase"),
    # effect resource.ts: variance markers; a parameter there for its position
    ("a.ts", "const variance = {\n  _E: (_: any) => _,\n}\n"
     "function get(_target: any, prop: string): string {\n  return prop\n}\n",
     "types/any", "specific"),
    # rich _win32_console.py: a ctypes structure keeps the C type's name
    ("a.py", "class CONSOLE_SCREEN_BUFFER_INFO(Structure):\n    _fields_ = []\n",
     "naming/class", "PascalCase"),
    # stdlib cookiejar.py: a broad handler that raises the module's own error
    ("a.py", "try:\n    load()\nexcept Exception:\n    warn()\n"
     "    raise LoadError('invalid format')\n", "errors/breadth", "specific"),
    # stdlib http/server.py: a forked child that reports and exits on anything
    ("a.py", "try:\n    os.execve(script, args, env)\nexcept:\n    handle_error()\n"
     "    os._exit(127)\n", "errors/breadth", "specific"),
    # flask app.py: an error boundary hands the error on to be handled
    ("a.py", "try:\n    rv = dispatch()\nexcept Exception as e:\n"
     "    rv = self.handle_user_exception(e)\n", "errors/breadth", "specific"),
    # jinja2 environment.py, sandbox.py: the current error goes to a handler, or into the
    # message of the error raised next
    ("a.py", "def render(self):\n    try:\n        return self.concat()\n"
     "    except Exception:\n        return self.environment.handle_exception()\n",
     "errors/breadth", "specific"),
    ("a.py", "try:\n    name.fail()\nexcept Exception as e:\n    msg = f'{msg} ({e})'\n",
     "errors/breadth", "specific"),
    # rich logging.py: a logging handler reports its own failures through handleError
    ("a.py", "def emit(self, record):\n    try:\n        self.console.print(record)\n"
     "    except Exception:\n        self.handleError(record)\n", "errors/breadth", "specific"),
    # flask cli.py: a top-level guard that shows the whole traceback
    ("a.py", "try:\n    load()\nexcept Exception:\n"
     "    click.secho(f'{traceback.format_exc()}', err=True)\n", "errors/breadth", "specific"),
    # jinja2 async_utils.py: a bare `# type: ignore` silences mypy's untyped-def there
    ("a.py", "def async_variant(normal_func):  # type: ignore\n    return normal_func\n",
     "types/annotations", "annotated"),
    # rich progress.py: mypy's suppression of the same concern
    ("a.py", "def readinto(self, b):  # type: ignore[no-untyped-def, override]\n"
     "    return 0\n", "types/annotations", "annotated"),
    # ws websocket.js: a tool comment between the JSDoc and the getter; the setter of a
    # documented getter; an object literal's methods passed to a call
    ("a.js", "/** A WebSocket. */\nclass WebSocket {\n  /**\n   * @type {String}\n   */\n"
     "  get binaryType() {\n    return this._binaryType;\n  }\n\n"
     "  set binaryType(type) {\n    this._binaryType = type;\n  }\n\n"
     "  /**\n   * @type {Function}\n   */\n  /* istanbul ignore next */\n"
     "  get onclose() {\n    return null;\n  }\n}\n", "documentation/docstring", "present"),
    ("a.js", "Object.defineProperty(WebSocket.prototype, 'onopen', {\n"
     "  get() {\n    return null;\n  },\n  set(handler) {}\n});\n",
     "documentation/docstring", "present"),
    # print is a program's output, not a choice against logging
    ("tests/test_api.py", "def test_x():\n    print('debug')\n", "logging/output", "logging"),
    ("pkg/cli.py", "def main():\n    print('done')\n", "logging/output", "logging"),
    ("pkg/tool.py", "import argparse\n\ndef main():\n    print('done')\n", "logging/output",
     "logging"),
    ("pkg/run.py", "def main():\n    print('done')\n\nif __name__ == '__main__':\n    main()\n",
     "logging/output", "logging"),
    ("bin/mocha.js", "console.log('done');\n", "logging/output", "logger"),
    # mocha errors.js: a deprecation warning is the library talking to its user
    ("lib/errors.js", "function deprecate(msg) {\n  console.warn(msg);\n}\n", "logging/output",
     "logger"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "text", "detector_id", "value"), REAL_SHAPES)
def test_real_code_shapes_are_not_reported(path, text, detector_id, value) -> None:
    assert reported(path, text, detector_id, value) == []


def test_the_same_shapes_deviate_where_they_should() -> None:
    # Control group: one step away from each shape, the deviation is still found.
    assert reported("a.py", "x = 'plain'\n", "style/quotes", "double") == ["single"]
    assert reported("a.py", "def f():\n    Limit = 10\n", "naming/variable", "snake_case") == [
        "PascalCase"
    ]
    assert reported("a.py", "def fetchRemote():\n    pass\n", "naming/function", "snake_case")
    assert reported("a.js", "let a = 0;\nuse(a);\n", "style/declaration", "const") == ["let"]
    assert reported("a.js", "const fs = require('fs');\n", "imports/module_system", "esm")
    assert reported("pkg/core.py", "def f():\n    print('x')\n", "logging/output", "logging")
    assert reported("lib/core.js", "console.log('x');\n", "logging/output", "logger")
    assert reported("a.py", "try:\n    run()\nexcept Exception:\n    cleanup()\n",
                    "errors/breadth", "specific") == ["broad"]  # fmt: skip
    assert reported("a.py", "try:\n    run()\nexcept Exception as e:\n    pass\n",
                    "errors/breadth", "specific") == ["broad"]  # fmt: skip
    assert reported("a.py", "try:\n    run()\nexcept Exception:\n    fail = ValueError('x')\n",
                    "errors/breadth", "specific") == ["broad"]  # fmt: skip
    assert reported(
        "a.ts",
        "export function isCancelled(value: any): boolean {\n  return value.cancelled;\n}\n",
        "types/any",
        "specific",
    ) == ["any"]
    assert reported("a.ts", "type routerDef = Router['_def'];\n", "naming/class", "PascalCase")
    assert reported("a.ts", "class S extends T {\n  override f(c: string) {\n    let x: any = c;\n"
                    "  }\n}\n", "types/any", "specific") == ["any"]  # fmt: skip
    assert reported("a.ts", "class B {\n  unstable_fetch_data(): void {}\n}\n", "naming/method",
                    "camelCase") == ["snake_case"]  # fmt: skip
    assert reported("a.ts", "let { value } = descriptor\nuse(value)\n", "style/declaration",
                    "const") == ["let"]  # fmt: skip
    assert reported("a.ts", 'if (kind == "object") {}\n', "style/equality", "strict")
    assert reported("a.py", "class console_info(Base):\n    pass\n", "naming/class",
                    "PascalCase") == ["snake_case"]  # fmt: skip
    assert reported("a.py", "try:\n    self.stream.read()\nexcept Exception:\n    pass\n",
                    "errors/breadth", "specific") == ["broad"]  # fmt: skip
    assert reported("a.py", "def readinto(self, b):  # type: ignore[override]\n    return 0\n",
                    "types/annotations", "annotated") == ["unannotated"]  # fmt: skip
    assert reported("a.js", "/** A. */\nclass A {\n  get size() {\n    return 1;\n  }\n"
                    "  set size(v) {}\n}\n", "documentation/docstring", "present") == [
        "missing", "missing"]  # fmt: skip


def test_es5_constructors_count_as_classes() -> None:
    text = "function Runner(suite) {\n  this.suite = suite;\n}\nfunction helper() {}\n"
    assert observed("a.js", text, "naming/class") == ["PascalCase"]
    assert "PascalCase" not in observed("a.js", text, "naming/function")


def test_typescript_import_require_is_commonjs() -> None:
    assert observed("a.ts", "import x = require('y');\n", "imports/module_system") == ["commonjs"]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("a.py", "import logging\nlog = logging.getLogger(__name__)\nlog.info('x')\n"),
        ("a.py", "class A:\n    def f(self):\n        self.logger.warning('x')\n"),
        ("a.py", "import structlog\nstructlog.get_logger().info('x')\n"),
        ("a.py", "from loguru import logger\nlogger.debug('x')\n"),
        ("a.js", "const debug = require('debug')('mocha:runner');\ndebug('run');\n"),
        ("a.js", "const logger = winston.createLogger();\nlogger.info('x');\n"),
        ("a.js", "this.logger.warn('x');\n"),
    ],
)
def test_logging_libraries_are_logging(path: str, text: str) -> None:
    assert observed(path, text, "logging/output") in (["logging"], ["logger"])


def test_a_file_that_does_it_its_own_way_is_reported_once() -> None:
    # stdlib logging/__init__.py: camelCase methods throughout a snake_case package.
    text = "class Logger:\n" + "".join(
        f"    def set{n}Level(self):\n        pass\n" for n in ("A", "B", "C", "D")
    )
    (message,) = [
        v.message
        for v in find_violations(
            "logging/__init__.py", text,
            analyze(language_for_path("a.py"), text.encode(), "a.py").observations,
            [approved("naming/method", "declaration", "snake_case")],
        )
    ]  # fmt: skip
    assert "setALevel" in message and "3 more in this file" in message


def test_a_public_parameter_is_never_renamed() -> None:
    pattern = approved("naming/parameter", "declaration", "snake_case")
    for text, fixed in [
        ("def fetch(itemId):\n    return itemId\n", False),
        ("class A:\n    def __init__(self, itemId):\n        self.x = itemId\n", False),
        ("def _fetch(itemId):\n    return itemId\n", True),
        ("def fetch(itemId, /):\n    return itemId\n", True),
        ("def outer():\n    def inner(itemId):\n        return itemId\n", True),
    ]:
        analysis = analyze(language_for_path("a.py"), text.encode(), "a.py")
        (violation,) = find_violations(
            "a.py", text, analysis.observations, [pattern], analysis=analysis
        )
        assert bool(violation.quick_fixes) is fixed, text


# --- TypeScript and JavaScript naming coverage --------------------------------------------

TS_DECLARATIONS = """type user_id = string;
enum Color { Red, dark_blue = 2 }
interface Shape { area_size: number; getArea(): number; }
class Box { private max_size: number; #secretValue = 1; #do_it() {} handleIt = () => {};
  static *gen_items() {} }
function* walk_tree() {}
"""


def test_typescript_declarations_have_their_names_checked() -> None:
    analysis = analyze(language_for_path("a.ts"), TS_DECLARATIONS.encode(), "a.ts")
    lines = TS_DECLARATIONS.splitlines()
    found = {
        (o.detector_id, lines[o.line][o.column : o.end_column], o.value)
        for o in analysis.observations
        if o.detector_id.startswith("naming/")
    }
    assert found == {
        ("naming/class", "user_id", "snake_case"),  # type alias
        ("naming/class", "Color", "PascalCase"),  # enum
        ("naming/enum_member", "Red", "PascalCase"),
        ("naming/enum_member", "dark_blue", "snake_case"),
        ("naming/class", "Shape", "PascalCase"),
        ("naming/property", "area_size", "snake_case"),  # interface member
        ("naming/method", "getArea", "camelCase"),  # interface method
        ("naming/class", "Box", "PascalCase"),
        ("naming/property", "max_size", "snake_case"),  # class field
        ("naming/property", "#secretValue", "camelCase"),
        ("naming/method", "#do_it", "snake_case"),  # private method
        ("naming/method", "handleIt", "camelCase"),  # arrow-function property
        ("naming/method", "gen_items", "snake_case"),  # generator method
        ("naming/function", "walk_tree", "snake_case"),  # generator function
    }


def test_javascript_fields_and_generators_have_their_names_checked() -> None:
    text = "class A {\n  count_x = 0;\n  handleIt = () => {};\n  #do_it() {}\n}\nfunction* walk_tree() {}\n"
    assert observed("a.js", text, "naming/property") == ["snake_case"]
    assert sorted(observed("a.js", text, "naming/method")) == ["camelCase", "snake_case"]
    assert observed("a.js", text, "naming/function") == ["snake_case"]
    assert reported("a.js", text, "naming/property", "camelCase") == ["snake_case"]


def test_a_rename_keeps_new_call_sites_valid() -> None:
    text = "function wrap(error_ctor, msg) {\n  return new error_ctor(msg);\n}\n"
    pattern = approved("naming/parameter", "declaration", "camelCase")
    analysis = analyze(language_for_path("a.js"), text.encode(), "a.js")
    (violation,) = find_violations(
        "a.js", text, analysis.observations, [pattern], analysis=analysis
    )
    fixed = apply_edits(text, violation.quick_fixes[0].edits)
    assert fixed == "function wrap(errorCtor, msg) {\n  return new errorCtor(msg);\n}\n"
    assert not analyze(language_for_path("a.js"), fixed.encode(), "a.js").tree.root_node.has_error


def test_the_settings_are_in_the_json_schema() -> None:
    schema = json.loads(
        resources.files("drift_lsp.analysis")
        .joinpath("schema/drift.config.schema.json")
        .read_text()
    )
    sections = {spec.metadata["alias"]: spec for spec in fields(DriftConfig)}
    assert set(schema["properties"]) - {"$schema"} == set(sections), "one schema, one model"
    for alias, spec in sections.items():
        if "check" not in spec.metadata:  # a section of settings
            keys = {setting.metadata["alias"] for setting in fields(spec.default_factory)}
            assert set(schema["properties"][alias]["properties"]) == keys, alias
    learning = schema["properties"]["learning"]["properties"]
    for setting in fields(LearningConfig):
        assert learning[setting.metadata["alias"]]["default"] == setting.default, setting.name
    assert parse_config({"learning": {"autoApprove": False}}).learning.auto_approve is False
    with pytest.raises(ConfigError, match=r"learning\.autoApprove"):
        parse_config({"learning": {"autoApprove": "no"}})

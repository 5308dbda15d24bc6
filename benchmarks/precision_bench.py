"""Precision on real code: `drift check` reports per KLOC per language on mature projects
nobody here wrote, recall on planted deviations, reports on new code that follows every
practice, and whether every quick fix still parses.

    python benchmarks/precision_bench.py CORPUS_DIR… [--drift PATH] [--json]

Each CORPUS_DIR is a project committed to git with an old date (confidence uses the age of
the history; `benchmarks/corpus_real.sh` builds such a corpus of PyPI, npm and stdlib code).
It is copied into a temporary folder, scanned (`drift scan .`) and checked whole (`drift
check . --format json`) with the `drift` given (default: this interpreter's), so the same
command measures another checkout, e.g. main's `.venv/bin/drift`.

Then, in the same copy, one file per planted deviation — a name, quote, equality operator,
declaration or import written against an approved convention — is checked alone; recall is
the share of plants reported on their line. A file per language that follows every approved
convention and every practice (docstring, annotations, a module logger, a specific except)
must get zero reports. Quick fixes are applied one at a time and the result parsed (`ast`
for Python, `node --check` for JavaScript, tree-sitter for TypeScript).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus import private_registry
from report import print_result

from drift_lsp.analysis.languages import language_for_path, parse
from drift_lsp.analysis.scanner import Walker
from drift_lsp.config import parse_config

_LANGUAGE_GROUP = {"python": "python", "javascript": "javascript", "typescript": "typescript"}
_LANGUAGE_GROUP["tsx"] = "typescript"
_EXTENSION = {"python": ".py", "javascript": ".js", "typescript": ".ts"}


def _run(drift: str, root: Path, *args: str) -> str:
    done = subprocess.run(
        [drift, *args], cwd=root, capture_output=True, text=True, timeout=900, check=False
    )
    if done.returncode not in (0, 1):
        raise RuntimeError(f"drift {' '.join(args)} failed in {root}: {done.stderr[-2000:]}")
    return done.stdout


def _group(path: str) -> str | None:
    language = language_for_path(path)
    return None if language is None else _LANGUAGE_GROUP[language.name]


def lines_per_language(root: Path) -> tuple[Counter[str], dict[str, Counter[str]]]:
    """Lines of the files a scan reads, per language, and per folder within each language."""
    lines: Counter[str] = Counter()
    folders: dict[str, Counter[str]] = defaultdict(Counter)
    for rel, _stat in Walker(root, parse_config({})):
        group = _group(rel)
        if group is None:
            continue
        count = (root / rel).read_bytes().count(b"\n")
        lines[group] += count
        folders[group][str(Path(rel).parent)] += count
    return lines, folders


# --- planted deviations: (detector, expected value) -> code that deviates, and its line -------

Plant = Callable[[str], tuple[str, int] | None]


def _py_name(expected: str, snake: str, camel: str) -> str:
    return camel if expected == "snake_case" else snake


_PY_PLANTS: dict[str, Plant] = {
    "naming/function": lambda e: (
        f"def {_py_name(e, 'planted_helper_fn', 'plantedHelperFn')}(value):\n    return value\n",
        0,
    ),
    "naming/method": lambda e: (
        "class PlantedHolder:\n"
        f"    def {_py_name(e, 'planted_method', 'plantedMethod')}(self):\n        return 1\n",
        1,
    ),
    "naming/class": lambda e: (
        "class planted_holder:\n    pass\n" if e == "PascalCase" else None,
        0,
    ),
    "naming/variable": lambda e: (
        "def planted_fn(data):\n"
        f"    {_py_name(e, 'planted_local', 'plantedLocal')} = data + 1\n"
        f"    return {_py_name(e, 'planted_local', 'plantedLocal')}\n",
        1,
    ),
    "naming/parameter": lambda e: (
        f"def planted_fn({_py_name(e, 'planted_param', 'plantedParam')}):\n"
        f"    return {_py_name(e, 'planted_param', 'plantedParam')}\n",
        0,
    ),
    "naming/constant": lambda e: (
        f"{'plantedLimit' if e == 'UPPER_CASE' else 'PLANTED_LIMIT'} = 10\n",
        0,
    ),
    "style/quotes": lambda e: (
        "planted = 'planted text'\n" if e == "double" else 'planted = "planted text"\n',
        0,
    ),
    "imports/style": lambda e: (
        "import os.path\n" if e == "from_import" else "from os import path\n",
        0,
    ),
    "imports/relative": lambda e: (
        "from . import planted\n" if e == "absolute" else "from os import path\n",
        0,
    ),
}


def _js_name(expected: str, camel: str, snake: str) -> str:
    return snake if expected == "camelCase" else camel


_JS_PLANTS: dict[str, Plant] = {
    "naming/function": lambda e: (
        f"function {_js_name(e, 'plantedHelper', 'planted_helper')}(value) {{\n"
        "  return value;\n}\n",
        0,
    ),
    "naming/method": lambda e: (
        "class PlantedHolder {\n"
        f"  {_js_name(e, 'plantedMethod', 'planted_method')}() {{\n    return 1;\n  }}\n}}\n",
        1,
    ),
    "naming/class": lambda e: ("class planted_holder {}\n" if e == "PascalCase" else None, 0),
    "naming/variable": lambda e: (
        "function plantedFn(data) {\n"
        f"  const {_js_name(e, 'plantedLocal', 'planted_local')} = data + 1;\n"
        f"  return {_js_name(e, 'plantedLocal', 'planted_local')};\n}}\n",
        1,
    ),
    "naming/parameter": lambda e: (
        f"function plantedFn({_js_name(e, 'plantedParam', 'planted_param')}) {{\n"
        f"  return {_js_name(e, 'plantedParam', 'planted_param')};\n}}\n",
        0,
    ),
    "style/quotes": lambda e: (
        "const plantedText = 'planted text';\n"
        if e == "double"
        else 'const plantedText = "planted text";\n',
        0,
    ),
    "style/equality": lambda e: (
        f"function plantedEq(a, b) {{\n  return a {'==' if e == 'strict' else '==='} b;\n}}\n",
        1,
    ),
    "style/declaration": lambda e: (
        f"{'let' if e == 'const' else 'const'} plantedValue = Date.now();\n"
        "plantedValue.toString();\n",
        0,
    ),
    "imports/module_system": lambda e: (
        "const fs = require('fs');\n" if e == "esm" else "import fs from 'fs';\n",
        0,
    ),
}
_PLANTS = {"python": _PY_PLANTS, "javascript": _JS_PLANTS, "typescript": _JS_PLANTS}
_FAMILIES = ("naming/", "style/quotes", "style/equality", "style/declaration", "imports/")


def _clean_code(language: str, conventions: dict[str, str]) -> str:
    """New code that follows every approved convention and every good practice."""
    if language == "python":
        q = "'" if conventions.get("style/quotes") == "single" else '"'
        return (
            f'"""Helpers added by a new contributor."""\n\nimport logging\n\n'
            f"logger = logging.getLogger(__name__)\n\n\n"
            f"def load_settings(path: str) -> dict[str, str]:\n"
            f'    """Read KEY=VALUE lines from `path`."""\n'
            f"    settings: dict[str, str] = {{}}\n"
            f"    try:\n"
            f"        with open(path, encoding={q}utf-8{q}) as handle:\n"
            f"            for line in handle:\n"
            f"                key, _, value = line.partition({q}={q})\n"
            f"                settings[key.strip()] = value.strip()\n"
            f"    except OSError:\n"
            f"        logger.warning({q}cannot read %s{q}, path)\n"
            f"    return settings\n"
        )
    q = "'" if conventions.get("style/quotes") != "double" else '"'
    typed = language == "typescript"
    decl = "var" if conventions.get("style/declaration") == "var" else "const"
    annotation = ": string" if typed else ""
    returns = ": number" if typed else ""
    head = (
        f"{decl} path = require({q}path{q});\n"
        if conventions.get("imports/module_system") == "commonjs"
        else f"import * as path from {q}path{q};\n"
    )
    return (
        f"{head}\n"
        f"/**\n * Length of a file name without its folder.\n */\n"
        f"function baseLength(fileName{annotation}){returns} {{\n"
        f"  {decl} base = path.basename(fileName);\n"
        f"  if (base === {q}{q}) {{\n    return 0;\n  }}\n"
        f"  return base.length;\n}}\n\nbaseLength({q}a/b{q});\n"
    )


def _source_folder(folders: Counter[str]) -> str:
    """The folder with the most lines of code that is not a test folder."""
    tests = ("test", "tests", "__tests__", "spec", "testing", "docs", "examples")
    ranked = [f for f, _ in folders.most_common() if not set(Path(f).parts) & set(tests)]
    return ranked[0] if ranked else "."


def _applies_to_source(pattern: dict[str, Any], language: str) -> bool:
    """Whether a pattern applies to source code of `language`: where conventions are
    scoped, its scope is `python`, `python:test`, `typescript`…; where they are not, it
    has none and applies to every language."""
    scope = pattern.get("scope") or pattern["convention_key"].partition("@")[2]
    return not scope or scope == language


def plant_and_check(
    drift: str, root: Path, folders: dict[str, Counter[str]], approved: list[dict[str, Any]]
) -> dict[str, Any]:
    # The corpus's main language only: a pattern learned from another language (or, where
    # conventions are scoped, from test code) does not apply to a new source file.
    main = max(folders, key=lambda lang: sum(folders[lang].values()))
    approved = [p for p in approved if _applies_to_source(p, main)]
    conventions = {p["detector_id"]: p["value"] for p in approved}
    planted = found = fixes_checked = 0
    fixes_broken: list[str] = []
    missed: list[str] = []
    clean_reports: list[str] = []
    for lang, lang_folders in ((main, folders[main]),):
        folder = root / _source_folder(lang_folders)
        ext = _EXTENSION[lang]
        for number, pattern in enumerate(approved):
            detector, expected = pattern["detector_id"], pattern["value"]
            if not detector.startswith(_FAMILIES) or detector not in _PLANTS[lang]:
                continue
            code, line = _PLANTS[lang][detector](expected)
            if code is None:
                continue
            path = folder / f"drift_planted_{number}{ext}"
            path.write_text(code)
            reports = json.loads(_run(drift, root, "check", str(path), "--format", "json"))
            checked, broken = broken_fixes(root, reports)
            fixes_checked += checked
            fixes_broken += broken
            path.unlink()
            hit = any(
                v["patternId"] == pattern["id"] and v["range"]["start"]["line"] == line
                for v in reports
            )
            planted += 1
            found += hit
            if not hit:
                missed.append(f"{lang}: {detector}={expected}")
        clean = folder / f"addition{ext}"
        clean.write_text(_clean_code(lang, conventions))
        reports = json.loads(_run(drift, root, "check", str(clean), "--format", "json"))
        clean.unlink()
        clean_reports += [f"{lang}: {v['message']}" for v in reports]
    return {
        "planted": planted,
        "found": found,
        "missed": missed,
        "clean_code_reports": clean_reports,
        "plant_fixes_checked": fixes_checked,
        "plant_fixes_broken": fixes_broken,
    }


# --- quick fixes must parse --------------------------------------------------------------


def _apply(text: str, edits: list[dict[str, Any]]) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def at(position: dict[str, int]) -> int:
        return offsets[position["line"]] + position["character"]

    ordered = sorted(edits, key=lambda e: at(e["range"]["start"]), reverse=True)
    for edit in ordered:
        start, end = at(edit["range"]["start"]), at(edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
    return text


def _parses(path: str, text: str) -> bool:
    language = language_for_path(path)
    if language is None:
        return True
    if language.name == "python":
        try:
            ast.parse(text)
        except SyntaxError:
            return False
        return True
    if language.name == "javascript" and shutil.which("node"):
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / Path(path).name
            target.write_text(text)
            return (
                subprocess.run(["node", "--check", str(target)], capture_output=True).returncode
                == 0
            )
    return not parse(language, text.encode()).root_node.has_error


def broken_fixes(root: Path, reports: list[dict[str, Any]]) -> tuple[int, list[str]]:
    checked, broken = 0, []
    for report in reports:
        for fix in report["quickFixes"]:
            original = (root / report["file"]).read_text("utf-8")
            if not _parses(report["file"], original):
                continue
            checked += 1
            if not _parses(report["file"], _apply(original, fix["edits"])):
                broken.append(
                    f"{report['file']}:{report['range']['start']['line'] + 1}: {fix['title']}"
                )
    return checked, broken


def measure(drift: str, corpus: Path, keep_reports: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="drift-precision-") as tmp:
        private_registry(Path(tmp))
        root = Path(tmp) / corpus.name
        shutil.copytree(corpus, root, symlinks=True)
        _run(drift, root, "scan", ".")
        reports = json.loads(_run(drift, root, "check", ".", "--format", "json"))
        approved = json.loads(_run(drift, root, "patterns", "--status", "approved", "--json"))
        lines, folders = lines_per_language(root)
        per_language: Counter[str] = Counter(g for r in reports if (g := _group(r["file"])))
        fixes_checked, fixes_broken = broken_fixes(root, reports)
        planted = plant_and_check(drift, root, folders, approved)
    result: dict[str, Any] = {
        "kloc": {lang: round(n / 1000, 2) for lang, n in lines.items()},
        "reports": dict(per_language),
        "reports_per_kloc": {
            lang: round(per_language[lang] / (n / 1000), 2) for lang, n in lines.items() if n
        },
        "approved": sorted(f"{p['detector_id']}={p['value']}" for p in approved),
        "fixes_checked": fixes_checked,
        "fixes_broken": fixes_broken,
        **planted,
    }
    if keep_reports:
        result["messages"] = [
            f"{r['file']}:{r['range']['start']['line'] + 1}: {r['message']}" for r in reports
        ]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--drift", default=str(Path(sys.executable).with_name("drift")))
    parser.add_argument("--reports", action="store_true", help="list every report")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    per_corpus = {c.name: measure(args.drift, c.resolve(), args.reports) for c in args.corpora}
    lines: Counter[str] = Counter()
    reports: Counter[str] = Counter()
    for result in per_corpus.values():
        for lang, kloc in result["kloc"].items():
            lines[lang] += kloc
            reports[lang] += result["reports"].get(lang, 0)
    planted = sum(r["planted"] for r in per_corpus.values())
    found = sum(r["found"] for r in per_corpus.values())
    summary = {
        "reports_per_kloc": {
            lang: round(reports[lang] / kloc, 2) for lang, kloc in lines.items() if kloc
        },
        "kloc": {lang: round(kloc, 1) for lang, kloc in lines.items()},
        "recall": round(found / planted, 3) if planted else None,
        "planted": planted,
        "clean_code_reports": sum(len(r["clean_code_reports"]) for r in per_corpus.values()),
        "fixes_checked": sum(
            r["fixes_checked"] + r["plant_fixes_checked"] for r in per_corpus.values()
        ),
        "fixes_broken": sum(
            len(r["fixes_broken"]) + len(r["plant_fixes_broken"]) for r in per_corpus.values()
        ),
        "corpora": per_corpus,
    }
    print_result(summary, args.json)


if __name__ == "__main__":
    os.environ.setdefault("GIT_OPTIONAL_LOCKS", "0")
    main()

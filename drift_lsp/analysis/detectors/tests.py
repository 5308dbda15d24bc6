"""Test layout: how test files are named and where they live; how test functions are named."""

from __future__ import annotations

from functools import lru_cache
from pathlib import PurePosixPath

import tree_sitter

from drift_lsp.analysis.detectors.base import Detector
from drift_lsp.analysis.naming_styles import naming_style
from drift_lsp.analysis.source import Source

_TEST_DIRS = frozenset({"test", "tests", "__tests__", "spec"})


@lru_cache(maxsize=1024)
def is_test_file(rel_path: str) -> bool:
    path = PurePosixPath(rel_path)
    name = path.name
    stem = name.split(".")[0]
    return (
        stem.startswith("test_")
        or stem.endswith("_test")
        or ".test." in name
        or ".spec." in name
        or (
            any(part in _TEST_DIRS for part in path.parts[:-1])
            and stem not in ("__init__", "conftest")
        )
    )


def _file_naming(rel_path: str) -> str | None:
    if not is_test_file(rel_path):
        return None
    path = PurePosixPath(rel_path)
    name, stem = path.name, path.name.split(".")[0]
    if stem.startswith("test_"):
        kind = "test_prefix"
    elif stem.endswith("_test"):
        kind = "test_suffix"
    elif ".test." in name:
        kind = "dot_test"
    elif ".spec." in name:
        kind = "dot_spec"
    else:
        return None
    beside = not any(part in _TEST_DIRS for part in path.parts[:-1])
    return f"{kind}_{'beside_code' if beside else 'in_test_dir'}"


def _function_naming(node: tree_sitter.Node, source: Source) -> str | None:
    if source.data[node.start_byte : node.start_byte + 4] not in (b"test", b"Test"):
        return None
    if not is_test_file(source.rel_path):
        return None
    return naming_style(source.text(node))


DETECTORS = (
    Detector(
        "tests/file_naming",
        "tests",
        "Test file layout",
        "How test files are named (test_x.py, x_test.py, x.test.ts, x.spec.ts) and where "
        "they live (a tests folder or beside the code).",
        "unknown",
        classify_path=_file_naming,
        severity="info",
    ),
    Detector(
        "tests/function_naming",
        "tests",
        "Test function naming",
        "How test functions are named.",
        "declaration",
        classify=_function_naming,
        captures=("function.name",),
    ),
)

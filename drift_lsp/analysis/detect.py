"""Run every detector of a language over a file in one tree-sitter query pass."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import tree_sitter

from drift_lsp.analysis.detectors.base import Detector
from drift_lsp.analysis.detectors.registry import BY_CAPTURE, PATH_DETECTORS
from drift_lsp.analysis.languages import Language, parse
from drift_lsp.analysis.model import Observation
from drift_lsp.analysis.source import Source


@dataclass
class Analysis:
    """A file's observations, with the tree and nodes kept for computing quick fixes."""

    source: Source
    tree: tree_sitter.Tree
    observations: list[Observation]
    nodes: list[tree_sitter.Node | None]


@cache
def _query(language: Language) -> tuple[tree_sitter.Query, tuple[tuple[str, Detector], ...]]:
    """All of a language's query files compiled into one query, run once per file."""
    root = resources.files("drift_lsp.analysis").joinpath("queries")
    text = "\n".join(
        entry.read_text("utf-8")
        for folder in language.query_dirs
        for entry in sorted(root.joinpath(folder).iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".scm")
    )
    query = tree_sitter.Query(language.ts_language, text)
    names = {query.capture_name(i) for i in range(query.capture_count)}
    detectors = tuple((name, BY_CAPTURE[name]) for name in sorted(names) if name in BY_CAPTURE)
    return query, detectors


def detectors_for(language: Language) -> tuple[Detector, ...]:
    return tuple(d for _, d in _query(language)[1]) + PATH_DETECTORS


def _valid_utf8(data: bytes) -> bytes:
    """Query predicates decode node text as UTF-8; invalid bytes would make them raise."""
    if data.isascii():
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace").encode("utf-8")
    return data


def analyze(language: Language, data: bytes, rel_path: str) -> Analysis:
    data = _valid_utf8(data)
    tree = parse(language, data)
    query, detectors = _query(language)
    captured = tree_sitter.QueryCursor(query).captures(tree.root_node)
    source = Source(data, rel_path, language, captured)
    observations: list[Observation] = []
    nodes: list[tree_sitter.Node | None] = []
    for name, detector in detectors:
        classify = detector.classify
        for node in captured.get(name, ()):
            value = classify(node, source)
            if value is None:
                continue
            span = detector.span(node) if detector.span else node
            line, column = source.char_point(span.start_point)
            end_line, end_column = source.char_point(span.end_point)
            symbol = detector.symbol(node, source) if detector.symbol else source.text(span)[:80]
            observations.append(
                Observation(
                    detector.id,
                    detector.context,
                    value,
                    line,
                    column,
                    end_line,
                    end_column,
                    symbol,
                )
            )
            nodes.append(node)
    for detector in PATH_DETECTORS:
        value = detector.classify_path(rel_path)
        if value is not None:
            observations.append(Observation(detector.id, detector.context, value, 0, 0, 0, 0))
            nodes.append(None)
    return Analysis(source, tree, observations, nodes)


def detect(language: Language, data: bytes, rel_path: str) -> list[Observation]:
    return analyze(language, data, rel_path).observations

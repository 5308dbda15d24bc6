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
def _query(
    language: Language,
) -> tuple[tree_sitter.Query, tuple[tuple[str, tuple[Detector, ...]], ...]]:
    """All of a language's query files compiled into one query, run once per file, and the
    detectors each capture feeds."""
    root = resources.files("drift_lsp.analysis").joinpath("queries")
    text = "\n".join(
        entry.read_text("utf-8")
        for folder in language.query_dirs
        for entry in sorted(root.joinpath(folder).iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".scm")
    )
    query = tree_sitter.Query(language.ts_language, text)
    names = {query.capture_name(i) for i in range(query.capture_count)}
    plan = tuple(
        (name, detectors)
        for name in sorted(names)
        if (
            detectors := tuple(
                d
                for d in BY_CAPTURE.get(name, ())
                if not d.languages or language.name in d.languages
            )
        )
    )
    return query, plan


def compiled_query(language: Language) -> tree_sitter.Query:
    """The language's one query, every detector's captures in it, as analysis runs it."""
    return _query(language)[0]


def detectors_for(language: Language) -> tuple[Detector, ...]:
    found = dict.fromkeys(d for _, detectors in _query(language)[1] for d in detectors)
    return tuple(found) + PATH_DETECTORS


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
    query, plan = _query(language)
    captured = tree_sitter.QueryCursor(query).captures(tree.root_node)
    source = Source(data, rel_path, language, captured)
    observations: list[Observation] = []
    nodes: list[tree_sitter.Node | None] = []
    # The hot loop of a scan: one iteration per captured node and detector, so everything
    # that doesn't depend on the node is looked up outside it. Columns are bytes here and
    # become characters below, only in files that aren't ASCII. Observations are built with
    # tuple.__new__: a NamedTuple's own __new__ is a Python function, half the cost of an
    # observation when there are hundreds of thousands.
    add_observation, add_node = observations.append, nodes.append
    new_tuple = tuple.__new__
    for name, detectors in plan:
        captured_nodes = captured.get(name)
        if not captured_nodes:
            continue
        for detector in detectors:
            classify, span_of = detector.classify, detector.span
            detector_id, context = detector.id, detector.context
            for node in captured_nodes:
                value = classify(node, source)
                if value is None:
                    continue
                span = span_of(node) if span_of else node
                line, column = span.start_point
                end_line, end_column = span.end_point
                add_observation(
                    new_tuple(
                        Observation,
                        (detector_id, context, value, line, column, end_line, end_column),
                    )
                )
                add_node(node)
    if not source.is_ascii:
        ascii_line = source.ascii_lines
        observations = [
            o if ascii_line[o.line] and ascii_line[o.end_line] else _in_characters(source, o)
            for o in observations
        ]
    for detector in PATH_DETECTORS:
        value = detector.classify_path(rel_path)
        if value is not None:
            observations.append(Observation(detector.id, detector.context, value, 0, 0, 0, 0))
            nodes.append(None)
    return Analysis(source, tree, observations, nodes)


def _in_characters(source: Source, observation: Observation) -> Observation:
    o = observation
    _, column = source.char_point((o.line, o.column))
    _, end_column = source.char_point((o.end_line, o.end_column))
    return o._replace(column=column, end_column=end_column)


def detect(language: Language, data: bytes, rel_path: str) -> list[Observation]:
    return analyze(language, data, rel_path).observations

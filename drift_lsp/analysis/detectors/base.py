"""What a detector is: a capture in the language's query files plus a small classifier."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tree_sitter

from drift_lsp.analysis.model import Observation, QuickFix
from drift_lsp.analysis.source import Source

# Returns the value this node shows (e.g. "snake_case"), or None to skip the node.
Classifier = Callable[[tree_sitter.Node, Source], str | None]
# Path detectors look at the file's path, not its tree.
PathClassifier = Callable[[str], str | None]


@dataclass(frozen=True)
class FixRequest:
    source: Source
    tree: tree_sitter.Tree
    node: tree_sitter.Node
    observation: Observation
    expected: str


Fixer = Callable[[FixRequest], QuickFix | None]


@dataclass(frozen=True)
class Detector:
    id: str
    category: str
    name: str
    description: str
    context: str
    classify: Classifier | None = None
    classify_path: PathClassifier | None = None
    # The node a classifier reports on is the captured node unless `span` picks another.
    span: Callable[[tree_sitter.Node], tree_sitter.Node] | None = None
    severity: str = "warning"
    fix: Fixer | None = None
    # Query captures whose nodes this detector classifies. By default its own
    # `@<family>.<name>`; detectors about the same node share one capture (`@function.name`
    # feeds naming, docstrings, annotations and test naming), so the query hands each node
    # to Python once.
    captures: tuple[str, ...] = ()
    # Languages the detector applies to; empty means every language whose queries have
    # one of its captures.
    languages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.captures and self.classify is not None:
            object.__setattr__(self, "captures", (self.id.replace("/", "."),))

"""What a detector is: a capture in the language's query files plus a small classifier."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

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

# The direction of a value. A *practice* is something good code does (a docstring, a return
# annotation, a logger, a specific exception, a TODO with an owner); an *absence* is not
# doing it. Most code lacking a practice is a fact worth showing, never a rule against code
# that has it. Values of detectors that declare none (quotes, naming styles, import styles)
# are choices: any of them can be the convention and is enforced against the others.
PRACTICE = "practice"
ABSENCE = "absence"
CHOICE = "choice"


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
    # Each value the classifier returns → PRACTICE or ABSENCE, worst first; empty for
    # detectors whose values are all choices.
    values: Mapping[str, str] = field(default_factory=dict, hash=False)
    # Codes of other linters whose suppression comment on a line is about the same concern
    # (ruff/flake8 `noqa` with N802, pylint `disable=invalid-name`, ESLint `camelcase`): a
    # line the team already silenced for it is not reported again. This is the one table.
    suppressed_by: tuple[str, ...] = ()

    def kind(self, value: str) -> str:
        return self.values.get(value, CHOICE)

    def enforces(self, convention: str, actual: str) -> bool:
        """Whether code showing `actual` deviates from a `convention` of this detector.

        A practice is enforced only against its absence (which of several practices a
        handler uses — log, re-raise, recover — is the situation's call, not a style); an
        absence never against a practice, only against a worse absence, declared before it
        (`except:` where the code says `except Exception:`); choices against each other.
        """
        if convention == actual:
            return False
        kind = self.kind(convention)
        if kind == CHOICE:
            return True
        if self.kind(actual) != ABSENCE:
            return False
        if kind == PRACTICE:
            return True
        order = list(self.values)
        return actual in order and order.index(actual) < order.index(convention)

    def may_become_rule(self, value: str) -> bool:
        """Whether a convention of `value` may be approved without a person: never the
        absence of a practice."""
        return self.kind(value) != ABSENCE

    def __post_init__(self) -> None:
        if not self.captures and self.classify is not None:
            object.__setattr__(self, "captures", (self.id.replace("/", "."),))

"""`drift show` explains a convention with the numbers learning used, in words."""

from __future__ import annotations

from drift_lsp.analysis.explain import explain

ROWS = [
    ("snake_case", "a.py", 8, 0),
    ("snake_case", "b.py", 4, 0),
    ("camelCase", "b.py", 1, 0),
    ("camelCase", "c.py", 3, 0),
]


def test_shares_per_occurrence_and_per_file_and_the_worst_files() -> None:
    found = explain(
        "naming/function", "Function naming", "snake_case", "declaration@python:test",
        "approved", 0.91, None, 0.85, ROWS,
    )  # fmt: skip
    assert (found.scope, found.context, found.files) == ("python tests", "declaration", 3)
    snake, camel = found.shares
    assert (snake.occurrences, round(snake.occurrence_share, 2), snake.files) == (12, 0.75, 2)
    assert (camel.occurrences, camel.files, round(camel.file_share, 2)) == (4, 2, 0.67)
    assert found.deviating_files == (("c.py", 3), ("b.py", 1))
    assert found.how == "approved automatically (score 0.91 >= 0.85)"
    assert "naming/function (Function naming) in python tests" in found.lines()[0]


def test_a_persons_decision_is_named() -> None:
    found = explain(
        "naming/function", "Function naming", "snake_case", "declaration@python",
        "ignored", 0.5, ("ignored", "alice", "2026-11-30T10:00:00Z"), 0.85, ROWS,
    )  # fmt: skip
    assert found.how == "ignored by alice on 2026-11-30"


def test_an_approval_kept_below_the_threshold_says_so() -> None:
    found = explain(
        "naming/function", "Function naming", "snake_case", "declaration@python",
        "approved", 0.71, None, 0.8, ROWS,
    )  # fmt: skip
    assert found.how == (
        "approved automatically, kept while it is the convention (score now 0.71, below 0.80)"
    )

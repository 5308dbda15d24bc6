"""The one line model of Drift: lines end at "\n" only, as tree-sitter counts rows.

`str.splitlines()` also breaks at \f, \v, \x1c-\x1e, \x85, \u2028 and \u2029, so in a file
holding any of them (the standard library has form feeds) its line numbers would disagree
with every position Drift stores.
"""

from __future__ import annotations


def split_lines(text: str) -> list[str]:
    return text.split("\n")

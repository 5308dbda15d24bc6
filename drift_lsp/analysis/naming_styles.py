"""Naming styles: classify an identifier and convert between styles."""

from __future__ import annotations

import re

SNAKE = "snake_case"
CAMEL = "camelCase"
PASCAL = "PascalCase"
UPPER = "UPPER_CASE"
KEBAB = "kebab-case"

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")


# Only a name with an inner separator or a capital letter shows a style; checked first
# because most names (`data`, `self`, `i`) show none.
_SHOWS_STYLE = re.compile(r"[A-Z]|[^\W_][_-]+[^\W_]").search
# The same test on a name's UTF-8 bytes (`shows_style(data, start, end)`), letting any
# non-ASCII name through to the full check.
shows_style = re.compile(rb"[A-Z\x80-\xff]|[^\W_][_-]+[^\W_]").search
# One word and a year or version stamp (mobx's `decorate_20223_` for the 2022.3 decorators,
# `cp_1252`): the underscore sets a number apart, not words. (`load_1` stays snake_case.)
_NUMBER_SUFFIX = re.compile(r"[^\W_\d][^\W_]*(?:_+\d{4,})+").fullmatch


def naming_style(name: str) -> str | None:
    """The style a name is written in, or None when it fits several (`x`, `data`, `X`)."""
    if _SHOWS_STYLE(name) is None:
        return None
    core = name.strip("_")
    if len(core) < 2 or not any(ch.isalpha() for ch in core):
        return None
    if "-" in core:
        return KEBAB
    if core.isupper():
        # One all-caps word (`URL`, `MRO`, `KD`, `HA1`, `E1`) is an acronym or a math name as
        # much as a constant: evidence of no style either way.
        return UPPER if "_" in core else None
    if "_" in core:
        if _NUMBER_SUFFIX(core):
            return None
        return SNAKE if core == core.lower() else None
    if core[0].isupper():
        return PASCAL
    if any(ch.isupper() for ch in core):
        return CAMEL
    return None


def words(name: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(name.replace("-", "_"))]


def convert(name: str, style: str) -> str:
    """`name` rewritten in `style`, keeping leading/trailing underscores (privacy, dunders)."""
    core = name.strip("_")
    lead = name[: len(name) - len(name.lstrip("_"))]
    trail = name[len(name.rstrip("_")) :]
    parts = words(core) or [core]
    if style == SNAKE:
        new = "_".join(parts)
    elif style == UPPER:
        new = "_".join(parts).upper()
    elif style == KEBAB:
        new = "-".join(parts)
    elif style == PASCAL:
        new = "".join(p.capitalize() for p in parts)
    elif style == CAMEL:
        new = parts[0] + "".join(p.capitalize() for p in parts[1:])
    else:
        return name
    return f"{lead}{new}{trail}"

"""The drift.lock file itself: what is written reads back the same, byte for byte whatever
order it was built in, and every malformed file is refused naming its line and key."""

from __future__ import annotations

import datetime as dt

import pytest

from drift_lsp.indexing.lock import Lock, LockEntry, LockError, LockOverride, dumps, parse

DAY = dt.date(2026, 12, 3)
ENTRIES = [
    LockEntry("naming/function", "snake_case/declaration@python", "approved", "Ann", DAY),
    LockEntry("naming/function", "snake_case/declaration@python:test", "ignored", "Bob", DAY),
    LockEntry("imports/style", "import/import@typescript#packages|web", "approved", "drift", DAY),
]
OVERRIDE = LockOverride(
    "naming/function", "snake_case/declaration@python", "legacy/", "off", DAY, "Ann", DAY
)


def test_a_lock_reads_back_as_written_whatever_the_order() -> None:
    forward = Lock({e.key: e for e in ENTRIES}, {OVERRIDE.key: OVERRIDE})
    backward = Lock({e.key: e for e in reversed(ENTRIES)}, {OVERRIDE.key: OVERRIDE})
    assert dumps(forward) == dumps(backward)
    assert parse(dumps(forward)) == forward
    text = dumps(forward)
    assert text.startswith('version = 1\n\n[conventions."imports/style".')
    assert text.index('"snake_case/declaration@python"]') < text.index(":test")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("version = 1\nconventions = 3\n", "drift.lock:2: conventions: expected a table"),
        ("version = 1\n[conventions]\nx = 1\n", 'drift.lock:3: conventions."x": expected a table'),
        (
            'version = 1\n[conventions."a/b"."v/c@python"]\nstatus = "approved"\nby = 3\n'
            "at = 2020-01-01\n",
            'drift.lock:4: conventions."a/b"."v/c@python".by: expected the name of who decided',
        ),
        (
            'version = 1\n[conventions."ab"."v/c@python"]\nstatus = "approved"\n',
            'drift.lock:2: conventions."ab"."v/c@python": expected a rule code and a '
            "value/context@scope convention key",
        ),
        (
            'version = 1\n[conventions."a/b"."v/c@python"]\nstatus = "approved"\n',
            'drift.lock:2: conventions."a/b"."v/c@python": missing key \'at\'',
        ),
        (
            'version = 1\n[overrides."a/b"."v/c@python"."x/"]\nseverity = "off"\nby = "x"\n'
            'at = 2020-01-01\nexpires = "soon"\n',
            'drift.lock:6: overrides."a/b"."v/c@python"."x/".expires: expected a date like '
            "2026-12-03, found 'soon'",
        ),
        (
            'version = 1\n[overrides."a/b"."v/c@python"."a/**/**/**/**/b"]\nseverity = "off"\n'
            'by = "x"\nat = 2020-01-01\n',
            'drift.lock:2: overrides."a/b"."v/c@python"."a/**/**/**/**/b": the path pattern is '
            "more than 3 wildcard runs (`*`, `**`)",
        ),
        ("", "drift.lock: version: expected version = 1, found None"),
    ],
)
def test_a_malformed_lock_names_its_line_and_key(text: str, error: str) -> None:
    with pytest.raises(LockError) as raised:
        parse(text)
    assert str(raised.value) == error

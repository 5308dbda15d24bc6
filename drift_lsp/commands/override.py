"""`drift override`: a rule's severity, or "off", for the files a gitignore-style glob
matches (`tests/`, `legacy/**/*.py`), optionally until a date; `--list`, `--remove`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from drift_lsp.commands.scan import open_workspace
from drift_lsp.config import ignore_pattern_problem
from drift_lsp.indexing.lock import OVERRIDE_SEVERITIES
from drift_lsp.indexing.locking import override_of


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2027-01-31, got {text!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    override = subparsers.add_parser(
        "override",
        help="check a rule with another severity, or not at all, under a path",
        description="`drift override RULE --path GLOB [--severity off] [--expires DATE]` sets "
        "one (RULE: a rule code, for every scope it was learned in, or a pattern id); "
        "`--list` shows them; `--remove RULE --path GLOB` takes one back. Written into "
        "drift.lock when the workspace has one.",
    )
    override.add_argument("rule", nargs="?", metavar="RULE")
    override.add_argument(
        "--path", dest="glob", metavar="GLOB", help="gitignore-style: tests/, **/legacy/*"
    )
    override.add_argument("--severity", choices=OVERRIDE_SEVERITIES, default="off")
    override.add_argument(
        "--expires", type=_date, metavar="DATE", help="in force until this date (YYYY-MM-DD)"
    )
    override.add_argument("--by", help="who decides (default: git's user.name)")
    action = override.add_mutually_exclusive_group()
    action.add_argument("--list", action="store_true", help="list the overrides")
    action.add_argument("--remove", action="store_true", help="remove RULE's override for GLOB")
    override.add_argument("--json", action="store_true", help="with --list: as JSON")
    override.set_defaults(handler=_override)


def _usage_error(message: str) -> int:
    print(f"drift override: {message}", file=sys.stderr)
    return 2


def _override(args: argparse.Namespace) -> int:
    if args.list:
        return _list(args)
    if not args.rule or not args.glob:
        return _usage_error("name a RULE and a --path GLOB (or use --list)")
    problem = ignore_pattern_problem(args.glob)
    if problem or not args.glob.strip():
        return _usage_error(f"--path {args.glob!r}: {problem or 'empty'}")
    if args.expires is not None and args.expires <= dt.datetime.now(dt.UTC).date():
        return _usage_error(f"--expires {args.expires.isoformat()} is not in the future")
    with open_workspace(args) as workspace:
        if args.remove:
            removed = workspace.remove_override(args.rule, args.glob)
            if not removed:
                return _usage_error(f"no override of {args.rule} for {args.glob}")
            print(f"removed {removed} override(s) of {args.rule} for {args.glob}")
            return 0
        patterns = workspace.patterns_named(args.rule)
        if not patterns:
            return _usage_error(f"no pattern or rule {args.rule}; see `drift patterns`")
        workspace.set_override(patterns, args.glob, args.severity, expires=args.expires, by=args.by)
    until = f" until {args.expires.isoformat()}" if args.expires else ""
    print(f"{args.rule} in {args.glob}: {args.severity}{until} ({len(patterns)} pattern(s))")
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_workspace(args) as workspace:
        overrides = [override_of(row) for row in workspace.overrides()]
    today = dt.datetime.now(dt.UTC).date()
    if args.json:
        rows = [
            {
                "rule": o.rule,
                "convention": o.convention_key,
                "path": o.glob,
                "severity": o.severity,
                "expires": o.expires.isoformat() if o.expires else None,
                "by": o.by,
                "at": o.at.isoformat(),
            }
            for o in overrides
        ]
        print(json.dumps(rows, indent=2))
        return 0
    for o in overrides:
        expired = " (expired)" if o.expires is not None and o.expires <= today else ""
        print(f"{o.describe()}{expired}  [{o.by}, {o.at.isoformat()}]")
    if not overrides:
        print("no overrides")
    return 0

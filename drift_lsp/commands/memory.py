"""`drift memory …`: team memory (cortex.db) from the command line."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("memory", help="team memory: add, list, search, show memories")
    parser.set_defaults(handler=_not_ready)


def _not_ready(args: argparse.Namespace) -> int:
    print("drift: memory commands are not available yet", file=sys.stderr)
    return 2

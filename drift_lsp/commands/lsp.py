"""`drift lsp`: the language server over stdio."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("lsp", help="run the language server over stdio")
    parser.add_argument("--stdio", action="store_true", help="accepted for editor compatibility")
    parser.set_defaults(handler=_lsp)


def _lsp(_args: argparse.Namespace) -> int:
    # pygls is imported only here so the other commands start fast.
    from drift_lsp.server import main

    main()
    return 0

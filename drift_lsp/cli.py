"""The `drift` command: one argparse tree, each subcommand group registered from its own module."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from drift_lsp import __version__
from drift_lsp.config import ConfigError
from drift_lsp.indexing.lock import LockError
from drift_lsp.workspace import find_root
from storage.errors import StorageError

# Each module exposes `register(subparsers)` and sets `handler=` on the parsers it adds,
# so adding a command group touches this table and nothing else.
COMMAND_MODULES = (
    "drift_lsp.commands.storage",
    "drift_lsp.commands.scan",
    "drift_lsp.commands.lock",
    "drift_lsp.commands.override",
    "drift_lsp.commands.gate",
    "drift_lsp.commands.memory",
    "drift_lsp.commands.transfer",
    "drift_lsp.commands.projects",
    "drift_lsp.commands.upgrade",
    "drift_lsp.commands.lsp",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drift", description="Learn a codebase's conventions and flag code that drifts."
    )
    parser.add_argument("--version", action="version", version=f"drift {__version__}")
    parser.add_argument(
        "--root",
        default=None,
        help="workspace root (default: the nearest folder up from here holding .drift/ or "
        "drift.config.json, else the repository's root, else the current directory)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        # Bare `drift` asks what there is to do, as `ruff` does: help, and no error.
        parser.print_help()
        return 0
    if args.root is None:
        # Like ruff and eslint: from a subfolder, work on the workspace it belongs to rather
        # than start a second, empty one there.
        args.root = str(find_root(Path.cwd()))
    try:
        return int(args.handler(args) or 0)
    except StorageError as exc:
        print(f"drift: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"drift: invalid drift.config.json: {exc}", file=sys.stderr)
        return 2
    except LockError as exc:
        print(f"drift: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("drift: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `drift patterns | head`: the reader left. Point stdout at /dev/null so the
        # interpreter's final flush doesn't raise again, and exit as a shell expects.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:
        # A bug, not a user error: one line naming it and how to report it. DRIFT_DEBUG=1
        # brings the traceback back for whoever is fixing it.
        if os.environ.get("DRIFT_DEBUG"):
            raise
        print(
            f"drift: internal error ({type(exc).__name__}: {exc}); nothing more was written. "
            f"Please report it with the output of the same command run with DRIFT_DEBUG=1.",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    sys.exit(main())

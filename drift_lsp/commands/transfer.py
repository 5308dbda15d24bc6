"""`drift export` and `drift import`: move a workspace's patterns and decisions (and its team
memory) between machines and workspaces as one JSON document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drift_lsp import __version__
from drift_lsp.commands.scan import open_workspace
from drift_lsp.workspace import Workspace
from storage import transfer
from storage.backup import written_atomically
from storage.paths import cortex_db_path, db_path


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser("export", help="write patterns and decisions as JSON")
    export.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")
    export.add_argument(
        "--include",
        action="append",
        choices=("memories",),
        default=[],
        help="also export the team memory (cortex.db)",
    )
    export.set_defaults(handler=_export)

    load = subparsers.add_parser("import", help="bring in a `drift export` document")
    load.add_argument("file", metavar="FILE")
    mode = load.add_mutually_exclusive_group()
    mode.add_argument(
        "--merge",
        action="store_false",
        dest="replace",
        help="the file's patterns and memories replace the same ones here; others stay "
        "(the default)",
    )
    mode.add_argument(
        "--replace",
        action="store_true",
        dest="replace",
        help="drop this workspace's patterns, histories and decisions (and memories, when "
        "the file has them) first",
    )
    load.set_defaults(handler=_import, replace=False, creates=True)


def _export(args: argparse.Namespace) -> int:
    memories = "memories" in args.include
    with open_workspace(args) as workspace:
        cortex = workspace.memory.get(create=False) if memories else None
        options = {
            "app_version": __version__,
            "memories": memories,
            "cortex": None if cortex is None else cortex.db,
        }
        if args.output is None:
            transfer.export(sys.stdout, workspace.db, **options)
            return 0
        # Written beside the target and renamed: an interrupted export leaves no half file.
        with (
            written_atomically(Path(args.output)) as partial,
            partial.open("w", encoding="utf-8") as out,
        ):
            transfer.export(out, workspace.db, **options)
    print(f"exported to {args.output}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    document = transfer.read_document(Path(args.file))
    root = Path(args.root).resolve()
    if not root.is_dir():
        print(f"drift: {root} is not a directory", file=sys.stderr)
        return 2
    had_db, had_cortex = db_path(root).exists(), cortex_db_path(root).exists()
    with Workspace.open(root) as workspace:
        done = transfer.import_patterns(
            workspace.db, document, replace=args.replace, backup_first=had_db
        )
        lines = [f"imported {done.count} pattern(s){_backup_note(done, 'drift')}"]
        if "memories" in document:
            cortex = workspace.memory.get(create=True)
            assert cortex is not None
            done = transfer.import_memories(
                cortex.db, document, replace=args.replace, backup_first=had_cortex
            )
            cortex.reembed_outdated()
            lines.append(f"imported {done.count} memories{_backup_note(done, 'cortex')}")
    if not had_db:
        lines.append(
            "next: `drift scan` matches them with this workspace's files (until it has, "
            "`drift doctor` reports their location counts)"
        )
    print("\n".join(lines))
    return 0


def _backup_note(done: transfer.ImportSummary, database: str) -> str:
    if done.backup_id is None:
        return ""
    return (
        f" (the {database} database as it was is backup {done.backup_id}: "
        f"`drift restore {done.backup_id} --database {database}` brings it back)"
    )

"""`drift upgrade`: bring a Drift v1 `.drift/` folder (JSON files) into drift.db."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from drift_lsp.workspace import Workspace
from storage import v1
from storage.paths import check_private_dir, db_path, drift_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    upgrade = subparsers.add_parser(
        "upgrade", help="import a Drift v1 .drift/ folder (JSON) into drift.db"
    )
    upgrade.add_argument("--dry-run", action="store_true", help="say what would be imported")
    upgrade.add_argument(
        "--force", action="store_true", help="import files whose checksum does not match too"
    )
    upgrade.set_defaults(handler=_upgrade)


def offer_upgrade(root: Path) -> None:
    """After a scan: tell the user about v1 data they have not brought in yet."""
    if v1.layout.present(drift_dir(root)):
        print(
            "drift: this workspace has Drift v1 data in .drift/ (patterns, decisions); "
            "`drift upgrade` brings it into drift.db",
            file=sys.stderr,
        )


def _describe(folder: v1.V1Folder) -> str:
    statuses = Counter(p.status for p in folder.patterns)
    by_status = ", ".join(f"{statuses[s]} {s}" for s in v1.layout.STATUSES if statuses[s])
    version = f" (v1 config version {folder.version})" if folder.version else ""
    others = "".join(f", {n} {label}" for label, n in folder.record_counts.items())
    return (
        f"{len(folder.patterns)} pattern(s) ({by_status or 'none'}) in "
        f"{len(folder.files)} file(s){others}{version}"
    )


def _upgrade(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    check_private_dir(drift_dir(root))
    folder = v1.inspect(drift_dir(root), force=args.force)
    if not folder.found:
        print(
            "nothing to do: no Drift v1 data in .drift/ (an upgraded one is in .drift/v1-backup/)"
        )
        return 0
    for problem in folder.problems:
        print(f"drift: skipped {problem}", file=sys.stderr)
    if args.dry_run:
        print(f"would import {_describe(folder)}; nothing was changed")
        return 0
    had_db = db_path(root).exists()
    with Workspace.open(root) as workspace:
        if not workspace.has_been_scanned():
            # v1 decisions carry over to the conventions this Drift learns: learn them first.
            print("scanning first, so v1 decisions can carry over to what Drift learns")
            workspace.scan()
        result = v1.upgrade(folder, workspace.db, backup_first=had_db)
    backup = f"; drift.db as it was is backup {result.backup_id}" if result.backup_id else ""
    print(
        f"imported {_describe(folder)}; {result.decisions_carried} learned pattern(s) took a "
        f"v1 decision; the v1 files are in {result.moved_to.relative_to(root)}{backup}"
    )
    return 1 if folder.problems else 0

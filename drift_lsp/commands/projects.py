"""`drift projects`: the workspaces on this machine, from the per-user registry."""

from __future__ import annotations

import argparse
import json

from storage import registry
from storage.paths import global_db_path


def register(subparsers: argparse._SubParsersAction) -> None:
    projects = subparsers.add_parser(
        "projects", help="list the workspaces Drift has scanned or served on this machine"
    )
    projects.add_argument("--json", action="store_true")
    projects.add_argument(
        "--prune", action="store_true", help="forget workspaces whose folder no longer exists"
    )
    projects.set_defaults(handler=_projects)


def _projects(args: argparse.Namespace) -> int:
    if args.prune:
        gone = registry.prune()
        if args.json:
            print(json.dumps([p.to_json() for p in gone], indent=2))
        else:
            for project in gone:
                print(f"forgot {project.root} (the folder is gone)")
            print(f"{len(gone)} workspace(s) forgotten")
        return 0
    found = registry.projects()
    if args.json:
        print(json.dumps([p.to_json() for p in found], indent=2))
        return 0
    if not found:
        print(f"no workspaces registered yet in {global_db_path()}; `drift scan` adds one")
        return 0
    for p in found:
        health = "-" if p.health_score is None else f"{p.health_score:g}"
        print(
            f"{p.name:<20} {p.root}\n"
            f"{'':<20} last scan {p.last_scan_at or 'never'}, health {health}, "
            f"{', '.join(p.languages) or 'no languages yet'}, drift {p.drift_version} "
            f"(schema {p.schema_version})"
        )
    return 0

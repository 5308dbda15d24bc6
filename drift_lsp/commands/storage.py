"""`drift status`, `backup`, `backups`, `restore`, `migrate`, `doctor`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from drift_lsp import __version__
from drift_lsp.workspace import Workspace
from storage import backup as backup_store
from storage import doctor
from storage.cortex import cortex_doctor, open_cortex_db
from storage.database import DatabaseManager
from storage.migrate import current_version, latest_version
from storage.paths import check_private_dir, cortex_db_path, db_path
from storage.repositories import telemetry as telemetry_store


def register(subparsers: argparse._SubParsersAction) -> None:
    status = subparsers.add_parser("status", help="pattern counts and health, instantly")
    status.add_argument("--storage", action="store_true", help="add storage telemetry")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=_status)

    backup = subparsers.add_parser("backup", help="back up the databases")
    backup.add_argument("--reason", default="user_requested", choices=backup_store.BACKUP_REASONS)
    backup.add_argument("--json", action="store_true")
    backup.set_defaults(handler=_backup)

    backups = subparsers.add_parser("backups", help="list backups")
    backups.add_argument("--json", action="store_true")
    backups.set_defaults(handler=_backups)

    restore = subparsers.add_parser("restore", help="bring back a verified backup")
    restore.add_argument("id", type=int)
    restore.add_argument("--database", choices=("drift", "cortex"), default="drift")
    restore.set_defaults(handler=_restore)

    migrate = subparsers.add_parser("migrate", help="move the schema up or down")
    migrate.add_argument("--to", type=int, default=None, metavar="N")
    migrate.add_argument("--database", choices=("drift", "cortex"), default="drift")
    migrate.set_defaults(handler=_migrate)

    check = subparsers.add_parser("doctor", help="check the databases' integrity")
    check.add_argument("--full", action="store_true", help="integrity_check, not quick_check")
    check.add_argument(
        "--vacuum", action="store_true", help="then compact the databases (VACUUM) if healthy"
    )
    check.set_defaults(handler=_doctor)


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve()


def _open(args: argparse.Namespace, database: str = "drift", **kwargs: Any) -> DatabaseManager:
    root = _root(args)
    if database == "cortex":
        return open_cortex_db(cortex_db_path(root), app_version=__version__, **kwargs)
    return DatabaseManager(db_path(root), app_version=__version__, **kwargs)


def _no_database(args: argparse.Namespace) -> bool:
    path = db_path(_root(args))
    check_private_dir(path.parent)  # a linked .drift is refused, not reported as "no scan"
    if path.exists():
        return False
    print("drift: no scan yet; run `drift scan`", file=sys.stderr)
    return True


def _status(args: argparse.Namespace) -> int:
    if _no_database(args):
        return 1
    with Workspace.open(_root(args)) as workspace:
        data = workspace.status()
        if args.storage:
            data["storage"] = workspace.db.stats()
            data["storage"]["last_saved_telemetry"] = workspace.db.read(
                "telemetry", telemetry_store.latest
            )
    if args.json:
        print(json.dumps(data, indent=2, default=str))
        return 0
    print(
        f"{data['total_patterns']} patterns: {data['approved']} approved, "
        f"{data['discovered']} discovered, {data['ignored']} ignored; health "
        f"{data['health_score']}; last scan {data['last_scan_at'] or 'never'}"
    )
    for category, counts in data["categories"].items():
        print(f"  {category:<14} {counts['total']:>4} patterns, {counts['outliers']} deviations")
    if args.storage:
        _print_storage(data["storage"])
    return 0


def _print_storage(stats: dict[str, Any]) -> None:
    writer, cache = stats["writer"], stats["cache"]
    print(
        f"storage: {stats['path']} {stats['db_bytes']} bytes, WAL {stats['wal_bytes']} bytes\n"
        f"  this process: {writer['items']} writes in {writer['batches']} batches, "
        f"cache hit ratio {cache['hit_ratio']}"
    )
    saved = stats["last_saved_telemetry"]
    if saved is None:
        print("  no saved telemetry yet (the server saves it when it stops)")
        return
    figures = saved["data"]
    commit = figures["writer"]["commit_ms"]
    print(
        f"  last saved by {saved['process']} at {saved['recorded_at']}: "
        f"{figures['writer']['items']} writes in {figures['writer']['batches']} batches "
        f"(commit p50 {commit['p50']} ms, p99 {commit['p99']} ms), "
        f"cache hit ratio {figures['cache']['hit_ratio']}"
    )
    for name, query in figures["queries_ms"].items():
        print(f"    {name:<24} {query['count']:>7} x  p50 {query['p50']} ms  p99 {query['p99']} ms")


def _databases(args: argparse.Namespace) -> list[str]:
    """Databases that exist; backing up or listing never creates or migrates one."""
    root = _root(args)
    found = ["drift"] if db_path(root).exists() else []
    return found + (["cortex"] if cortex_db_path(root).exists() else [])


def _backup(args: argparse.Namespace) -> int:
    if _no_database(args):
        return 1
    made = []
    for database in _databases(args):
        with _open(args, database, auto_migrate=False) as db:
            made.append(db.backup(args.reason).to_json())
    if args.json:
        print(json.dumps(made, indent=2))
    else:
        for info in made:
            print(f"backup {info['id']} of {info['database']}: {info['path']} "
                  f"({info['size_bytes']} bytes, sha256 {info['sha256']})")  # fmt: skip
    return 0


def _backups(args: argparse.Namespace) -> int:
    # Read from the manifests beside the backups, never by opening the database: listing
    # must work when the database is the thing that is broken.
    rows = []
    root = _root(args)
    for database, path in (("drift", db_path(root)), ("cortex", cortex_db_path(root))):
        rows.extend(backup_store.list_backups(path, database))
    if args.json:
        print(json.dumps([b.to_json() for b in rows], indent=2))
        return 0
    for b in rows:
        print(f"{b.id:>4}  {b.database:<7} {b.created_at}  {b.reason:<26} {b.size_bytes:>10}  "
              f"{b.sha256[:16]}")  # fmt: skip
    return 0


def _restore(args: argparse.Namespace) -> int:
    root = _root(args)
    path = cortex_db_path(root) if args.database == "cortex" else db_path(root)
    result = backup_store.restore(path, args.id, database=args.database, app_version=__version__)
    print(f"restored backup {args.id} into {path}; {result.describe()}")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    path = cortex_db_path(_root(args)) if args.database == "cortex" else db_path(_root(args))
    if not path.exists():
        print(f"drift: no {path.name} yet; run `drift scan` first", file=sys.stderr)
        return 1
    with _open(args, args.database, auto_migrate=False) as db:
        steps = db.migrate_to(args.to)
    print("\n".join(steps) if steps else "already at that version")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    root = _root(args)
    if _no_database(args):
        return 1
    problems = []
    with _open(args, auto_migrate=False) as db:
        found, supported = db.read("version", current_version), latest_version("drift")
        if found < supported:
            problems.append(
                f"drift.db: schema {found}, this Drift uses {supported}: run `drift migrate` "
                f"(or any `drift scan`, which migrates after a backup)"
            )
        else:
            problems += [
                f"drift.db: {p}"
                for p in db.read("doctor", lambda c: doctor.check(c, full=args.full))
            ]
    problems += [f"cortex.db: {p}" for p in cortex_doctor(root)]
    if problems:
        print("\n".join(problems))
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    check = "integrity_check" if args.full else "quick_check"
    print(f"ok: {check}, foreign_key_check, materialized counts and location files all pass")
    if args.vacuum:
        for database in _databases(args):
            with _open(args, database, auto_migrate=False) as db:
                before, after = db.vacuum()
            print(f"compacted {db.path.name}: {before} -> {after} bytes")
    return 0

"""`drift lock` (pin the decided conventions into drift.lock) and `drift lock validate` (for
CI: does the lock parse, and does it agree with the code)."""

from __future__ import annotations

import argparse
import sys

from drift_lsp.commands.scan import open_workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    lock = subparsers.add_parser(
        "lock",
        help="write drift.lock from the decided conventions; `drift lock validate` checks it",
        description="Without an action: write drift.lock, the conventions people decided and "
        "those learning approved, for the team to commit. `validate`: exit 0 when the lock "
        "agrees with the code, 1 listing each disagreement, 2 when it is malformed.",
    )
    lock.add_argument("action", nargs="?", choices=("validate",))
    lock.add_argument(
        "--prune",
        action="store_true",
        help="also drop people's decisions on conventions the code no longer shows",
    )
    lock.set_defaults(handler=_lock, creates=True)


def _lock(args: argparse.Namespace) -> int:
    with open_workspace(args) as workspace:
        if args.action == "validate":
            found = workspace.validate_lock()
        else:
            path, count, changed = workspace.write_lock(prune=args.prune)
    if args.action != "validate":
        print(f"{'wrote' if changed else 'unchanged:'} {path.name} ({count} conventions)")
        return 0
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} disagreement(s) between drift.lock and the code", file=sys.stderr)
        return 1
    print("drift.lock agrees with the code")
    return 0

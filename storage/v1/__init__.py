"""`drift upgrade`: bring a Drift v1 `.drift/` folder (JSON) into drift.db.

`layout` finds and verifies the v1 files, `mapping` turns v1 patterns into rows, `apply`
writes them; `records` does the same for gate runs, snapshots and constraints. `inspect`
reads only; `upgrade` backs up drift.db (version_upgrade), writes everything in one
transaction, then moves the v1 files aside into `.drift/v1-backup/` (never
deleting them), so a second run finds nothing to do. Files that failed their checksum stay
where they are (a later `--force` run can still take them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from storage.cortex.time import utc_now
from storage.database import DatabaseManager
from storage.v1 import records
from storage.v1.apply import carried_decision, carry_decisions, write_patterns
from storage.v1.layout import BACKUP_DIR, V1_ENTRIES, V1Folder, inspect
from storage.v1.mapping import rows

__all__ = ["UpgradeResult", "V1Folder", "inspect", "upgrade"]


@dataclass
class UpgradeResult:
    imported: int = 0
    decisions_carried: int = 0
    backup_id: int | None = None
    moved_to: Path | None = None
    moved: list[str] = field(default_factory=list)


def _move_aside(folder: V1Folder) -> tuple[Path, list[str]]:
    """Move what v1 wrote into v1-backup/ (a dated folder inside it when an earlier upgrade
    already used it), leaving the files that were skipped where they are."""
    target = folder.drift_dir / BACKUP_DIR
    if target.exists():
        target = target / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    target.mkdir(parents=True)
    keep = {p.resolve() for p in folder.skipped}
    moved = []
    for name in V1_ENTRIES:
        source = folder.drift_dir / name
        if not source.exists():
            continue
        if source.is_dir() and any(p.is_relative_to(source.resolve()) for p in keep):
            for entry in sorted(source.rglob("*")):
                if entry.is_file() and entry.resolve() not in keep:
                    destination = target / entry.relative_to(folder.drift_dir)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(entry, destination)
                    moved.append(str(entry.relative_to(folder.drift_dir)))
            continue
        os.replace(source, target / name)
        moved.append(name)
    return target, moved


def upgrade(folder: V1Folder, db: DatabaseManager, *, backup_first: bool) -> UpgradeResult:
    result = UpgradeResult()
    if backup_first:
        result.backup_id = db.backup("version_upgrade").id
    now = utc_now()
    mapped = [rows(p, now) for p in folder.patterns]
    carried = []
    for pattern in folder.patterns:
        target = carried_decision(pattern.data)
        if target is not None and pattern.status != "discovered":
            carried.append((*target, pattern.status))

    def work(conn) -> tuple[int, int]:
        for table, rows_of_kind in folder.records.items():
            records.write(conn, table, rows_of_kind)
        return write_patterns(conn, mapped), carry_decisions(conn, carried)

    result.imported, result.decisions_carried = db.write(work, tables=None)
    result.moved_to, result.moved = _move_aside(folder)
    return result

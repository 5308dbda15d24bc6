"""A backup being written is not a backup yet: whoever lists `.drift/backups/` meanwhile (a
shell's `ls`, an editor's glob) sees only the finished ones."""

from __future__ import annotations

from pathlib import Path

import apsw
import pytest

from storage import backup as backup_module
from storage.database import DatabaseManager


def visible(folder: Path) -> list[str]:
    """What `ls` or a `*` glob shows: names not starting with a dot."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_a_backup_in_progress_is_not_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / ".drift" / "backups"
    seen_mid_copy: list[list[str]] = []

    class Watched(apsw.Connection):
        """The backup's target connection: looks at the folder while pages are copied."""

        def backup(self, *args):
            seen_mid_copy.append(visible(folder))
            return super().backup(*args)

    with DatabaseManager(tmp_path / ".drift" / "drift.db") as db:
        first = db.backup("user_requested")
        finished = visible(folder)
        monkeypatch.setattr(backup_module.apsw, "Connection", Watched)
        second = db.backup("user_requested")

    assert Path(first.path).name in finished
    assert seen_mid_copy == [finished], "while copying, only the finished backup is listed"
    assert Path(second.path).name in visible(folder)
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == [], "nothing left"

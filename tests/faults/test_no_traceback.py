"""No traceback, ever (issue 15 item 6, issue 13): every `drift` command on every state of the
database, hostile names and configs, a full disk and a read-only workspace each end with a
message that says what to do and a non-zero exit where something is wrong."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import apsw
import pytest

from drift_lsp.cli import main
from storage.database import DatabaseManager
from storage.migrate import latest_version

from . import Drift, seed

COMMANDS = (
    ("status",),
    ("backup",),
    ("backups",),
    ("restore", "1"),
    ("migrate",),
    ("doctor",),
    ("check",),
    ("patterns",),
    ("show", "0" * 16),
    ("approve", "0" * 16),
    ("ignore", "0" * 16),
    ("examples", "0" * 16),
    ("scan",),
)  # fmt: skip (scan last: it ends the never-scanned state)


def never_scanned(root: Path) -> None:
    (root / "app.py").write_text("def load_item(item_id):\n    return item_id\n")


def older_schema(root: Path) -> None:
    never_scanned(root)
    with DatabaseManager(root / ".drift/drift.db") as db:
        db.migrate_to(1)


def newer_schema(root: Path) -> None:
    never_scanned(root)
    seed(root)
    conn = apsw.Connection(str(root / ".drift/drift.db"))
    conn.execute(f"PRAGMA user_version = {latest_version('drift') + 1}")
    conn.close()


def corrupt(root: Path) -> None:
    never_scanned(root)
    (root / ".drift").mkdir()
    (root / ".drift/drift.db").write_bytes(b"this is no database " * 400)


@pytest.mark.parametrize("state", [never_scanned, older_schema, newer_schema, corrupt])
def test_every_command_on_every_database_state_ends_in_a_message(
    state, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # DRIFT_DEBUG lets an unexpected exception through the CLI's last-resort handler, so a
    # bug fails this test instead of hiding behind "internal error".
    monkeypatch.setenv("DRIFT_DEBUG", "1")
    state(tmp_path)
    for command in COMMANDS:
        try:
            code = main(["--root", str(tmp_path), *command])
        except SystemExit as exc:  # argparse and open_workspace exit this way
            code = exc.code if isinstance(exc.code, int) else 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        if state is never_scanned and command[0] not in ("scan", "backups"):
            assert code != 0 and ("drift scan" in err or "drift backups" in err), (command, err)
            assert not (tmp_path / ".drift").exists(), command
        if state in (newer_schema, corrupt) and command[0] not in ("backups", "restore"):
            assert code == 2 and ("drift restore" in err or "upgrade Drift" in err), command


def test_doctor_leaves_an_older_schema_as_it_found_it(tmp_path: Path, drift: Drift) -> None:
    older_schema(tmp_path)
    run = drift(tmp_path, "doctor")
    assert run.code == 1 and "drift migrate" in run.out
    conn = apsw.Connection(str(tmp_path / ".drift/drift.db"))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1


def test_a_huge_backup_id_is_an_unknown_backup(tmp_path: Path, drift: Drift) -> None:
    seed(tmp_path)
    run = drift(tmp_path, "restore", "99999999999999999999")
    assert run.code == 2 and "no drift backup with id" in run.err and "drift backups" in run.err


def test_a_limit_of_zero_is_refused_by_the_parser(tmp_path: Path, drift: Drift) -> None:
    never_scanned(tmp_path)
    assert drift(tmp_path, "scan").code == 0
    run = drift(tmp_path, "patterns", "--limit", "0")
    assert run.code == 2 and "at least 1" in run.err


def test_hostile_names_and_ignore_lines_do_not_stop_a_scan(tmp_path: Path, drift: Drift) -> None:
    never_scanned(tmp_path)
    os.mkdir(os.path.join(os.fsencode(tmp_path), b"d\xe9j\xe0"))
    for name in (b"caf\xe9.py", b"d\xe9j\xe0/x.py"):
        with open(os.path.join(os.fsencode(tmp_path), name), "w") as handle:
            handle.write("x = 1\n")
    (tmp_path / ".gitignore").write_text("!\n!nothing\n" + "*a" * 8 + "*b\n" + "x" * 10**6)
    run = drift(tmp_path, "scan", "--json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["files_total"] == 1
    assert "not valid UTF-8" in run.err


@pytest.mark.parametrize(
    ("ignore", "message"),
    [
        ("!", "not a valid pattern"),
        ("x" * 10**6, "longer than"),
        ("*a" * 8, "more than 3 wildcard runs"),
    ],
)
def test_an_unusable_ignore_pattern_in_config_names_the_key(
    tmp_path: Path, drift: Drift, ignore: str, message: str
) -> None:
    never_scanned(tmp_path)
    (tmp_path / "drift.config.json").write_text(json.dumps({"ignore": ["*.tmp", ignore]}))
    run = drift(tmp_path, "scan")
    assert run.code == 2 and f"ignore[1]: {message}" in run.err


def test_a_config_nested_100000_deep(tmp_path: Path, drift: Drift) -> None:
    never_scanned(tmp_path)
    seed(tmp_path)
    (tmp_path / "drift.config.json").write_text('{"ai":' * 100_000 + "1" + "}" * 100_000)
    for command in ("scan", "status"):
        run = drift(tmp_path, command)
        assert run.code == 2 and "nested too deeply" in run.err


@contextlib.contextmanager
def mounted(path: Path, options: str) -> Iterator[Path]:
    path.mkdir(exist_ok=True)
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True,
                       capture_output=True)  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_backup_on_a_full_disk_says_so_and_leaves_no_partial(tmp_path: Path, drift: Drift) -> None:
    with mounted(tmp_path / "disk", "size=1m") as disk:
        path = disk / ".drift/drift.db"
        with DatabaseManager(path) as db:  # about 550 KB with the schema: it fits once, not twice
            db.write(
                lambda c: c.executemany(
                    "INSERT INTO config (key, value) VALUES (?, ?)",
                    ((f"k{n}", json.dumps("x" * 500)) for n in range(900)),
                )
            )
        before = path.read_bytes()
        run = drift(disk, "backup")
        assert run.code == 2 and "no space left" in run.err and "Free some disk space" in run.err
        assert not list(disk.rglob("*.partial"))
        assert path.read_bytes() == before
        assert drift(disk, "status").code == 0


def test_a_read_only_workspace_is_a_clear_error(tmp_path: Path, drift: Drift) -> None:
    with mounted(tmp_path / "ro", "size=8m") as disk:
        never_scanned(disk)
        assert drift(disk, "scan").code == 0
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        for command in ("scan", "status", "backup", "patterns"):
            run = drift(disk, command)
            assert run.code == 2, (command, run.err)
            assert "cannot be written" in run.err or "read-only" in run.err.lower(), run.err

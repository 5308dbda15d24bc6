"""A scan killed part-way (SIGKILL) loses no learning: the next plain `drift scan` ends with
exactly the patterns a scan that was never interrupted gives."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import psutil
import pytest

STDLIB = Path(sysconfig.get_paths()["stdlib"])
PACKAGES = ("email", "json", "asyncio", "logging", "http", "concurrent", "importlib", "xml")
OLD_NS = 1_600_000_000 * 10**9
BATCH = 64  # files per write batch of a scan (127 files in all, 43 of them edited later)


def corpus(root: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            STDLIB / package, root / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    for path in root.rglob("*"):
        os.utime(path, ns=(OLD_NS, OLD_NS))  # ages saturated: every run learns the same scores
    return root


def scan(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from drift_lsp.cli import main; main(['scan'])"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def files_stored(root: Path, newer_than: int) -> int:
    try:
        with sqlite3.connect(f"file:{root / '.drift/drift.db'}?mode=ro", uri=True) as db:
            return db.execute(
                "SELECT count(*) FROM files WHERE mtime_ns >= ?", (newer_than,)
            ).fetchone()[0]
    except sqlite3.Error:
        return 0


def kill_after(root: Path, stored: int, newer_than: int = OLD_NS) -> None:
    """Start a scan and SIGKILL it once `stored` files with an mtime from `newer_than` on
    are committed, before it ends."""
    process = scan(root)
    deadline = time.monotonic() + 120
    while files_stored(root, newer_than) < stored:
        assert process.poll() is None, "the scan ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()


def learned(root: Path) -> list[tuple]:
    with sqlite3.connect(f"file:{root / '.drift/drift.db'}?mode=ro", uri=True) as db:
        return (
            db.execute(
                "SELECT id, status, confidence_score, location_count, outlier_count FROM patterns "
                "ORDER BY id"
            ).fetchall()
            + db.execute(
                "SELECT pattern_id, file_path, line, column FROM pattern_locations "
                "ORDER BY 1, 2, 3, 4"
            ).fetchall()
        )


def plain_scan(root: Path) -> None:
    assert scan(root).wait() == 0


def make_camel(root: Path) -> None:
    """An edit that moves conventions: a third of the modules gain camelCase functions."""
    for number, path in enumerate(sorted(root.rglob("*.py"))):
        if number % 3 == 0:
            path.write_text(path.read_text() + "\n\ndef fetchRemoteThing(itemId):\n    return 1\n")
            os.utime(path, ns=(OLD_NS + number, OLD_NS + number))


@pytest.fixture(scope="module")
def clean_result(tmp_path_factory) -> dict[str, list[tuple]]:
    results = {}
    first = corpus(tmp_path_factory.mktemp("clean") / "ws")
    plain_scan(first)
    results["first"] = learned(first)
    make_camel(first)
    plain_scan(first)
    results["incremental"] = learned(first)
    return results


@pytest.mark.slow
@pytest.mark.parametrize("stored", [1, BATCH])
def test_killed_first_scan_then_plain_scan_learns_everything(
    tmp_path: Path, clean_result, stored: int
) -> None:
    root = corpus(tmp_path / "ws")
    kill_after(root, stored)
    plain_scan(root)
    assert learned(root) == clean_result["first"]


@pytest.mark.slow
@pytest.mark.parametrize("stored", [1, BATCH // 2])
def test_killed_incremental_scan_then_plain_scan_learns_everything(
    tmp_path: Path, clean_result, stored: int
) -> None:
    root = corpus(tmp_path / "ws")
    plain_scan(root)
    make_camel(root)
    kill_after(root, stored, newer_than=OLD_NS + 1)
    plain_scan(root)
    assert learned(root) == clean_result["incremental"]


@pytest.mark.slow
def test_a_killed_scan_leaves_no_pool_worker_behind(tmp_path: Path) -> None:
    root = corpus(tmp_path / "ws")
    process = scan(root)
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 120
    while len(workers := parent.children(recursive=True)) < 2:
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    _gone, alive = psutil.wait_procs(workers, timeout=30)
    assert alive == []

"""Shared fixtures: small hand-made workspaces with known conventions."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drift_lsp.analysis.fixes import apply_edits
from drift_lsp.analysis.model import ApprovedPattern, TextEdit, make_pattern_id, pattern_key

# Old enough that the age part of confidence is saturated, so numbers are exact.
OLD_MTIME_NS = 1_600_000_000 * 10**9
# The hand-made workspaces are a few files each: the evidence auto-approval asks of a real
# project (drift_lsp.config.LearningConfig) is lowered to what they hold.
SMALL_REPO_LEARNING = {"minOccurrences": 3, "minFiles": 2}


@pytest.fixture(scope="session", autouse=True)
def drift_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every scan and server start writes the per-user project registry: point it at a
    temporary folder for the whole session (servers and subprocesses inherit it), so no
    test ever touches the real ~/.drift."""
    home = tmp_path_factory.mktemp("drift-home")
    previous = os.environ.get("DRIFT_HOME")
    os.environ["DRIFT_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("DRIFT_HOME", None)
    else:
        os.environ["DRIFT_HOME"] = previous


def approved(detector_id: str, context: str, value: str) -> ApprovedPattern:
    """An approved pattern of `detector_id` whose name is the detector id."""
    pattern_id = make_pattern_id(value, context)
    return ApprovedPattern(
        pattern_key(detector_id, pattern_id), detector_id, pattern_id, context, value,
        detector_id, detector_id.split("/")[0], "warning",
    )  # fmt: skip


def write_tree(root: Path, files: dict[str, str | bytes], *, old: bool = True) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")
        if old:
            os.utime(path, ns=(OLD_MTIME_NS, OLD_MTIME_NS))
    return root


PY_CONVENTIONAL = '''import logging

logger = logging.getLogger(__name__)


def load_{n}(item_id, retries=3):
    """Load one item."""
    result_value = item_id * retries
    logger.info("loading %s", item_id)
    try:
        return result_value
    except ValueError:
        logger.exception("failed")
        raise


def save_{n}(item_id):
    """Save one item."""
    saved_value = item_id
    return saved_value
'''

PY_DEVIANT = '''import logging

logger = logging.getLogger(__name__)


def fetchRemote(itemId):
    """Fetch one item."""
    resultValue = itemId
    print("fetching")
    try:
        return resultValue
    except:
        pass
'''


def python_repo(root: Path) -> Path:
    files: dict[str, str | bytes] = {
        f"pkg/mod_{n}.py": PY_CONVENTIONAL.format(n=n) for n in range(1, 5)
    }
    files["pkg/deviant.py"] = PY_DEVIANT
    return write_tree(root, files)


@pytest.fixture
def py_repo(tmp_path: Path) -> Path:
    return python_repo(tmp_path / "repo")


@pytest.fixture
def edits_applier() -> Callable[[str, tuple[TextEdit, ...]], str]:
    return apply_edits

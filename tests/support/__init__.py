"""Helpers the tests share (fixtures stay in the conftest.py files): small hand-made
workspaces with known conventions. `pythonpath = ["tests"]` in pyproject.toml makes this
package importable as `support` however Drift is installed; see tests/README.md."""

from __future__ import annotations

import os
from pathlib import Path

from drift_lsp.analysis.model import ApprovedPattern, convention_key_of
from storage.repositories.patterns import pattern_id_of

# Old enough that the age part of confidence is saturated, so numbers are exact.
OLD_MTIME_NS = 1_600_000_000 * 10**9
# The hand-made workspaces are a few files each: the evidence auto-approval asks of a real
# project (drift_lsp.config.LearningConfig) is lowered to what they hold.
SMALL_REPO_LEARNING = {"minOccurrences": 3, "minFiles": 2}


def approved(detector_id: str, context: str, value: str) -> ApprovedPattern:
    """An approved pattern of `detector_id` whose name is the detector id."""
    pattern_id = pattern_id_of(detector_id, convention_key_of(value, context))
    return ApprovedPattern(
        pattern_id, detector_id, context, value, detector_id, detector_id.split("/")[0], "warning"
    )


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

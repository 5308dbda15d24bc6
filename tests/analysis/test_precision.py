"""What a maintainer would accept: conventions are enforced only towards a practice, become
rules only on real evidence, and code shapes that are fine in real projects are not reported.

Snippets are cut down from the real code the false positives came from (requests, click,
attrs, the standard library, mocha, rxjs)."""

from __future__ import annotations

import pytest

from drift_lsp.analysis.detect import analyze
from drift_lsp.analysis.detectors.registry import DETECTORS
from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.learn import learn_convention
from drift_lsp.analysis.model import ApprovedPattern, make_pattern_id, pattern_key
from drift_lsp.analysis.violations import find_violations
from drift_lsp.config import LearningConfig

OLD = 0
NOW = 10**20


def approved(detector_id: str, context: str, value: str) -> ApprovedPattern:
    pattern_id = make_pattern_id(value, context)
    return ApprovedPattern(
        pattern_key(detector_id, pattern_id), detector_id, pattern_id, context, value,
        detector_id, detector_id.split("/")[0], "warning",
    )  # fmt: skip


def reported(path: str, text: str, detector_id: str, value: str) -> list[str]:
    """The values reported against an approved `detector_id` convention of `value`."""
    detector = DETECTORS[detector_id]
    pattern = approved(detector_id, detector.context, value)
    analysis = analyze(language_for_path(path), text.encode(), path)
    found = find_violations(path, text, analysis.observations, [pattern], analysis=analysis)
    return [v.actual for v in found]


def observed(path: str, text: str, detector_id: str) -> list[str]:
    analysis = analyze(language_for_path(path), text.encode(), path)
    return [o.value for o in analysis.observations if o.detector_id == detector_id]


# --- direction ---------------------------------------------------------------------------

GOOD_PYTHON = '''import logging

log = logging.getLogger(__name__)


def load(path: str) -> str:
    """Read the file."""
    try:
        return open(path).read()
    except OSError:
        log.debug("cannot read %s", path)
        return ""
'''


@pytest.mark.parametrize(
    ("detector_id", "absence"),
    [
        ("documentation/docstring", "missing"),
        ("types/annotations", "unannotated"),
        ("logging/output", "print"),
        ("errors/breadth", "broad"),
        ("errors/breadth", "bare"),
        ("errors/handling", "swallowed"),
    ],
)
def test_an_absence_is_never_enforced_against_the_practice(detector_id: str, absence: str):
    assert reported("pkg/mod.py", GOOD_PYTHON, detector_id, absence) == []
    assert not DETECTORS[detector_id].may_become_rule(absence)


def test_a_practice_is_enforced_against_its_absence() -> None:
    text = "def load(path):\n    print(path)\n    try:\n        pass\n    except:\n        pass\n"
    assert reported("pkg/mod.py", text, "documentation/docstring", "present") == ["missing"]
    assert reported("pkg/mod.py", text, "types/annotations", "annotated") == ["unannotated"]
    assert reported("pkg/mod.py", text, "logging/output", "logging") == ["print"]
    assert reported("pkg/mod.py", text, "errors/breadth", "specific") == ["bare"]
    assert reported("pkg/mod.py", text, "errors/handling", "logged") == ["swallowed"]


def test_practices_are_not_enforced_against_each_other() -> None:
    # Re-raising, logging or recovering is the situation's call, not a style.
    text = "try:\n    pass\nexcept OSError:\n    raise\nexcept KeyError:\n    return None\n"
    assert reported("a.py", text, "errors/handling", "logged") == []


def test_a_worse_absence_is_still_reported() -> None:
    text = "try:\n    pass\nexcept:\n    cleanup()\nexcept Exception:\n    cleanup()\n"
    assert reported("a.py", text, "errors/breadth", "broad") == ["bare"]
    assert reported("a.py", text, "errors/breadth", "bare") == []


@pytest.mark.parametrize(
    ("path", "text", "detector_id", "absence"),
    [
        ("a.js", "const a = 1;\n", "style/declaration", "var"),
        ("a.js", "if (a === b) {}\n", "style/equality", "loose"),
        ("a.ts", "function f(a: string): number { return 1; }\n", "types/any", "any"),
        ("a.py", "# TODO(ann): tidy\n", "style/todo", "bare"),
    ],
)
def test_js_and_style_absences_are_not_enforced(path, text, detector_id, absence) -> None:
    assert reported(path, text, detector_id, absence) == []


def test_every_declared_value_is_a_practice_or_an_absence() -> None:
    for detector in DETECTORS.values():
        assert set(detector.values.values()) <= {"practice", "absence"}, detector.id


# --- evidence ----------------------------------------------------------------------------


def rows(value: str, files: int, per_file: int, *, other: str = "", other_files: int = 0):
    found = [(value, f"f{n}.py", per_file, OLD) for n in range(files)]
    found += [(other, f"g{n}.py", 1, OLD) for n in range(other_files)]
    return found


def test_five_prints_are_no_convention_a_person_did_not_approve() -> None:
    convention = learn_convention(rows("print", 3, 2), now_ns=NOW)
    assert convention is not None and convention.value == "print"
    assert not convention.auto_approvable
    # Nor would a practice on so little evidence.
    naming = learn_convention(rows("snake_case", 3, 2), now_ns=NOW)
    assert naming is not None and not naming.auto_approvable


def test_enough_evidence_of_a_practice_is_auto_approved() -> None:
    convention = learn_convention(
        rows("logging", 12, 3), now_ns=NOW, detector=DETECTORS["logging/output"]
    )
    assert convention is not None and convention.auto_approvable


def test_an_absence_is_never_auto_approved() -> None:
    for detector_id, absence in [("types/annotations", "unannotated"), ("logging/output", "print")]:
        convention = learn_convention(
            rows(absence, 40, 5), now_ns=NOW, detector=DETECTORS[detector_id]
        )
        assert convention is not None and convention.score >= 0.85
        assert not convention.auto_approvable


def test_share_is_measured_per_file_too() -> None:
    # rxjs: `any` in a third of the files, though most annotations are specific.
    found = rows("specific", 20, 30) + [("any", f"f{n}.py", 1, OLD) for n in range(7)]
    convention = learn_convention(found, now_ns=NOW, detector=DETECTORS["types/any"])
    assert convention is not None and convention.value == "specific"
    assert convention.frequency > 0.95
    assert not convention.auto_approvable


@pytest.mark.parametrize(
    "learning",
    [
        LearningConfig(autoApprove=False),
        LearningConfig(minFiles=13),
        LearningConfig(minOccurrences=37),
        LearningConfig(autoApproveThreshold=1.0),
    ],
)
def test_auto_approval_follows_the_learning_settings(learning: LearningConfig) -> None:
    found = rows("snake_case", 12, 3, other="camelCase", other_files=1)
    assert learn_convention(found, now_ns=NOW).auto_approvable
    assert not learn_convention(found, now_ns=NOW, learning=learning).auto_approvable


# --- suppressions of other linters -------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text", "detector_id", "value"),
    [
        ("a.py", "try:\n    pass\nexcept Exception:  # noqa: BLE001\n    pass\n",
         "errors/breadth", "specific"),
        ("a.py", "try:\n    pass\nexcept:  # noqa: E722\n    pass\n", "errors/breadth", "specific"),
        ("a.py", "try:\n    pass\nexcept:  # noqa\n    pass\n", "errors/breadth", "specific"),
        ("a.py", "try:\n    pass\nexcept Exception:  # pylint: disable=broad-except\n    pass\n",
         "errors/breadth", "specific"),
        ("a.py", "def loadItem():  # noqa: N802\n    pass\n", "naming/function", "snake_case"),
        ("a.py", "def f(itemId):  # noqa: N803\n    pass\n", "naming/parameter", "snake_case"),
        ("a.py", "print('x')  # noqa: T201\n", "logging/output", "logging"),
        ("a.js", "if (a == b) {} // eslint-disable-line eqeqeq\n", "style/equality", "strict"),
        ("a.js", "// eslint-disable-next-line eqeqeq -- legacy API\nif (a == b) {}\n",
         "style/equality", "strict"),
        ("a.js", "// eslint-disable-next-line\nif (a == b) {}\n", "style/equality", "strict"),
        ("a.ts", "function f(a_b: string) {} // eslint-disable-line "
         "@typescript-eslint/naming-convention\n", "naming/parameter", "camelCase"),
        ("a.js", "/* eslint-disable no-console */\nconsole.log('x');\n", "logging/output",
         "logger"),
        ("a.js", "let a = 1; // eslint-disable-line prefer-const\nuse(a);\n",
         "style/declaration", "const"),
        ("a.js", "const s = \"x\"; // eslint-disable-line quotes\n", "style/quotes", "single"),
    ],
)  # fmt: skip
def test_another_linters_suppression_for_the_same_concern_counts(
    path: str, text: str, detector_id: str, value: str
) -> None:
    assert reported(path, text, detector_id, value) == []


@pytest.mark.parametrize(
    ("path", "text", "detector_id", "value"),
    [
        ("a.py", "try:\n    pass\nexcept:  # noqa: E501\n    pass\n", "errors/breadth", "specific"),
        ("a.js", "if (a == b) {} // eslint-disable-line no-console\n", "style/equality", "strict"),
        ("a.js", "// eslint-disable-next-line eqeqeq\nx();\nif (a == b) {}\n",
         "style/equality", "strict"),
        ("a.js", "/* eslint-disable eqeqeq */\n/* eslint-enable */\nif (a == b) {}\n",
         "style/equality", "strict"),
    ],
)  # fmt: skip
def test_a_suppression_for_another_concern_does_not(path, text, detector_id, value) -> None:
    assert len(reported(path, text, detector_id, value)) == 1

"""Settings models read from camelCase JSON: one style for the client's settings
(`features.options`) and for drift.config.json (`config`).

A model is a frozen dataclass with a default for every field. Each field declares its JSON
key (`alias`) and a check that returns the value to keep or raises `Invalid`; a section is a
field whose default is another model. `parse` walks the JSON against the model and reports
each invalid value and each unknown key by its full JSON key, so the caller decides what a
problem costs: the client's settings fall back per field, drift.config.json refuses to load.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

Check = Callable[[Any], Any]


class Invalid(ValueError):
    """A value a field does not take. `at` continues the key below the field (`[2]`,
    `.python`) when the problem is inside a list or object."""

    def __init__(self, message: str, at: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.at = at


def setting(default: Any, alias: str, check: Check) -> Any:
    return field(default=default, metadata={"alias": alias, "check": check})


def section(model: type, alias: str) -> Any:
    return field(default_factory=model, metadata={"alias": alias})


def collection(kind: type, alias: str, check: Check) -> Any:
    """A list, or an object of keys the user chooses (severities per rule, …): empty unless set."""
    return field(default_factory=kind, metadata={"alias": alias, "check": check})


def dump(value: Any) -> Any:
    """A model as the JSON it is read from (camelCase keys)."""
    if is_dataclass(value):
        return {spec.metadata["alias"]: dump(getattr(value, spec.name)) for spec in fields(value)}
    return copy.deepcopy(value)  # the model is frozen; what it holds must stay unshared


def _got(value: Any) -> str:
    return f"got {value!r}"


def one_of(*choices: str) -> Check:
    def check(value: Any) -> Any:
        if value not in choices:
            raise Invalid(f"expected one of {', '.join(choices)}, {_got(value)}")
        return value

    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, {_got(value)}")
    return value


def int_between(low: int, high: int) -> Check:
    def check(value: Any) -> int:
        if type(value) is not int or not low <= value <= high:
            raise Invalid(f"expected an integer from {low} to {high}, {_got(value)}")
        return value

    return check


def number_between(low: float, high: float) -> Check:
    def check(value: Any) -> float:
        if type(value) not in (int, float) or not low <= value <= high:
            raise Invalid(f"expected a number from {low} to {high}, {_got(value)}")
        return float(value)

    return check


@dataclass(frozen=True)
class Parsed:
    value: Any
    # "key: what was expected, got what" for each value the model does not take.
    problems: list[str]
    # The full keys of what the model does not know.
    unknown: list[str]


def parse(model: type, raw: dict[str, Any], prefix: str = "") -> Parsed:
    problems: list[str] = []
    unknown: list[str] = []
    return Parsed(_build(model, raw, prefix, problems, unknown), problems, unknown)


def _build(
    model: type, raw: dict[str, Any], prefix: str, problems: list[str], unknown: list[str]
) -> Any:
    values = {}
    specs = fields(model)
    dot = "." if prefix else ""
    for spec in specs:
        alias = spec.metadata["alias"]
        if alias not in raw:
            continue
        key, value = f"{prefix}{dot}{alias}", raw[alias]
        if "check" not in spec.metadata:  # a section: its default is another model
            if isinstance(value, dict):
                section_model = spec.default_factory
                values[spec.name] = _build(section_model, value, key, problems, unknown)
            else:
                problems.append(f"{key}: expected an object, {_got(value)}")
            continue
        try:
            values[spec.name] = spec.metadata["check"](value)
        except Invalid as exc:
            problems.append(f"{key}{exc.at}: {exc.message}")
    known = {spec.metadata["alias"] for spec in specs}
    unknown += [f"{prefix}{dot}{name}" for name in raw if name not in known]
    return model(**values)

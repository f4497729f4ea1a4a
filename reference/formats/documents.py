"""Reading and writing metadata documents as JSON, collecting every problem with its location.

Documents are UTF-8 JSON objects (CORE-META-001). Bare ``NaN``/``Infinity`` literals are not JSON;
they are read with a recorded deviation because zarrita and zarr-python write them (CORE-DEVIATION-001).
Documents are written with sorted keys, two-space indentation and a final newline, so equal
metadata gives equal bytes (CORE-META-002).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeGuard, TypeVar

from zn5.reference.errors import Problem
from zn5.reference.formats.deviations import BareNonFiniteNumberWarning, LenientReadWarning

T = TypeVar("T")
NON_JSON_CONSTANTS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


@dataclass
class Report:
    """The problems found in one document, by location."""

    key: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, location: str, message: str, requirement: str) -> None:
        """Record a broken MUST."""
        self.problems.append(Problem(self.key, location, message, requirement, "error"))

    def deviation(
        self, location: str, message: str, requirement: str, allowed_by: type[LenientReadWarning]
    ) -> None:
        """Record a known deviation that breaks ``requirement`` and is read anyway (deviations.py)."""
        self.problems.append(
            Problem(self.key, location, message, requirement, "deviation", allowed_by.requirement)
        )

    def warning(self, location: str, message: str, requirement: str) -> None:
        """Record a broken SHOULD."""
        self.problems.append(Problem(self.key, location, message, requirement, "warning"))

    def ok(self) -> bool:
        """True when no error has been recorded."""
        return not any(problem.level == "error" for problem in self.problems)


@dataclass
class Parsed(Generic[T]):
    """A parse result: the value when there was no error, and every problem found."""

    value: T | None
    problems: list[Problem]


def parse_json_object(raw: bytes, report: Report) -> dict[str, Any] | None:
    """The JSON object in ``raw``, or None with the problem recorded (CORE-META-001)."""
    used: list[str] = []

    def constant(name: str) -> float:
        used.append(name)
        return NON_JSON_CONSTANTS[name]

    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=constant)
    except UnicodeDecodeError as error:
        report.error("", f"the document is not UTF-8: {error.reason} at byte {error.start}", "CORE-META-001")
        return None
    except json.JSONDecodeError as error:
        report.error(
            "",
            f"the document is not JSON: {error.msg} (line {error.lineno}, column {error.colno})",
            "CORE-META-001",
        )
        return None
    except RecursionError:
        report.error("", "the document nests too deeply to read", "CORE-META-001")
        return None
    for name in sorted(set(used)):
        report.deviation(
            "", f"bare {name} is not JSON; write it as a string", "CORE-META-001", BareNonFiniteNumberWarning
        )
    if not isinstance(document, dict):
        report.error("", f"the document must be a JSON object, not {type_name(document)}", "CORE-META-001")
        return None
    return document


def dump_json(document: Mapping[str, Any]) -> bytes:
    """The canonical bytes of a document (CORE-META-002)."""
    return (
        json.dumps(document, indent=2, sort_keys=True, allow_nan=False, ensure_ascii=False) + "\n"
    ).encode()


def type_name(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def is_int(value: object) -> TypeGuard[int]:
    """True for JSON integers (not booleans)."""
    return isinstance(value, int) and not isinstance(value, bool)


def int_list(
    document: Mapping[str, Any], member: str, report: Report, requirement: str, *, minimum: int
) -> tuple[int, ...] | None:
    """The member as a tuple of integers of at least ``minimum``, or None with the problem recorded."""
    value = document.get(member)
    if not isinstance(value, list):
        report.error(member, f"must be an array of integers, not {type_name(value)}", requirement)
        return None
    for index, item in enumerate(value):
        if not is_int(item) or item < minimum:
            report.error(
                f"{member}[{index}]", f"must be an integer of at least {minimum} (got {item!r})", requirement
            )
            return None
    return tuple(value)


def require(document: Mapping[str, Any], members: tuple[str, ...], report: Report, requirement: str) -> bool:
    """Record every missing member; True when all are present."""
    missing = [member for member in members if member not in document]
    for member in missing:
        report.error(member, "is required", requirement)
    return not missing

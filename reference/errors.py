"""The closed set of errors the reference implementation raises.

Every error names where the problem is (store key and JSON location), what was wrong, and the
requirement ID it breaks. Each class is also a subclass of the built-in exception a caller would
catch. ``category`` is the shared vocabulary of ``case.json``, the adapter protocol and reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

ErrorCategory = Literal["metadata", "codec", "chunk", "store", "not-found", "unsupported", "selection"]
ERROR_CATEGORIES: tuple[ErrorCategory, ...] = (
    "metadata",
    "codec",
    "chunk",
    "store",
    "not-found",
    "unsupported",
    "selection",
)

REQUIREMENT_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]{3}$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a store: where, what, and which requirement it breaks."""

    key: str
    location: str
    message: str
    requirement: str
    level: Literal["error", "deviation", "warning"] = "error"
    allowed_by: str = ""
    """For a deviation: the ID of the known-deviation entry that lets a reader read it anyway."""

    def __str__(self) -> str:
        where = f"{self.key}: {self.location}" if self.location else self.key
        allowed = f"; read as known deviation {self.allowed_by}" if self.allowed_by else ""
        return f"{where}: {self.message} [{self.requirement}{allowed}]"


class ZN5Error(Exception):
    """Base of every error the reference raises on purpose."""

    category: ClassVar[ErrorCategory]

    def __init__(self, problems: Problem | Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = (problems,) if isinstance(problems, Problem) else tuple(problems)
        if not self.problems:
            raise ValueError("an error needs at least one problem")
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def at(cls, key: str, message: str, requirement: str, location: str = "") -> ZN5Error:
        """Build an error with a single problem."""
        return cls(Problem(key=key, location=location, message=message, requirement=requirement))

    @property
    def requirement(self) -> str:
        """The requirement ID of the first problem."""
        return self.problems[0].requirement

    @property
    def key(self) -> str:
        """The store key of the first problem."""
        return self.problems[0].key


class MetadataError(ZN5Error, ValueError):
    """A metadata document is malformed or breaks a rule of its format."""

    category = "metadata"


class CodecError(ZN5Error, ValueError):
    """A codec configuration is invalid, or a codec cannot decode its input."""

    category = "codec"


class ChunkError(ZN5Error, ValueError):
    """Stored chunk bytes do not decode to the chunk the metadata promises."""

    category = "chunk"


class StoreError(ZN5Error, OSError):
    """A key is unsafe, or the store cannot be read or written."""

    category = "store"


class NodeNotFoundError(ZN5Error, FileNotFoundError):
    """No group or array exists at the requested path."""

    category = "not-found"


class UnsupportedError(ZN5Error, NotImplementedError):
    """The input is valid, but uses something the reference does not implement."""

    category = "unsupported"


class SelectionError(ZN5Error, IndexError):
    """An index or slice does not fit the array."""

    category = "selection"


def raise_if_any(problems: Iterable[Problem], error: type[ZN5Error]) -> None:
    """Raise ``error`` carrying every problem of level ``error``, if there is one."""
    errors = [problem for problem in problems if problem.level == "error"]
    if errors:
        raise error(errors)

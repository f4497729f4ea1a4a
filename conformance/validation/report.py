"""What ``zn5 validate`` reports: the levels, the counts, one line per problem, the JSON report.

Text output is one line per problem, ``key: location: level: message [ID]``, then a summary line; the
JSON report follows ``schemas/project/validate-report.schema.json``. A deviation also names the
known-deviation entry that lets readers read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from zn5.reference.errors import Problem

if TYPE_CHECKING:
    from zn5.conformance.validation.walk import Validation

Level = Literal["error", "warning", "deviation"]
LEVELS: Final[tuple[Level, ...]] = ("error", "warning", "deviation")


@dataclass
class Counts:
    """What a validation found and checked."""

    levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    nodes: int = 0
    keys: int = 0
    chunks: int = 0
    decoded: int = 0


def problem_record(problem: Problem) -> dict[str, str]:
    """A problem as a JSON object of the report; a deviation names the entry that allows reading it."""
    record = {
        "key": problem.key,
        "location": problem.location,
        "level": problem.level,
        "message": problem.message,
        "requirement": problem.requirement,
    }
    if problem.allowed_by:
        record["allowed_by"] = problem.allowed_by
    return record


def format_line(problem: Problem) -> str:
    """One line of text output: ``key: location: level: message [ID]`` (``[ID; known deviation ID]``)."""
    where = f"{problem.key}: {problem.location}" if problem.location else problem.key
    allowed = f"; known deviation {problem.allowed_by}" if problem.allowed_by else ""
    return f"{where}: {problem.level}: {problem.message} [{problem.requirement}{allowed}]"


def report(store_path: str, validation: Validation, problems: Sequence[Problem]) -> dict[str, Any]:
    """The JSON report of a finished validation."""
    counts = validation.counts
    return {
        "store": store_path,
        "formats": validation.formats,
        "chunks_decoded": validation.decode_chunks,
        "listing": validation.listing,
        "valid": counts.levels["error"] == 0,
        "counts": dict(counts.levels),
        "checked": {
            "nodes": counts.nodes,
            "keys": counts.keys,
            "chunks": counts.chunks,
            "decoded": counts.decoded,
        },
        "problems": [problem_record(problem) for problem in problems],
    }


def summary(store_path: str, validation: Validation) -> str:
    """The last line of text output."""
    counts = validation.counts
    levels = ", ".join(
        f"{counts.levels[level]} {level}{'' if counts.levels[level] == 1 else 's'}" for level in LEVELS
    )
    formats = ", ".join(validation.formats) or "no format"
    decoded = f", {counts.decoded} decoded" if validation.decode_chunks else ""
    return (
        f"{store_path} ({formats}): {levels}; checked {counts.nodes} nodes, {counts.keys} keys, "
        f"{counts.chunks} chunks{decoded}{LISTING_NOTES[validation.listing]}"
    )


LISTING_NOTES: Final[Mapping[str, str]] = {
    "listed": "",
    "consolidated": " (the store cannot be listed: keys found through consolidated metadata"
    "; chunks probed only with --chunks; STORE-REMOTE-002)",
    "paths": " (the store cannot be listed: keys found at the paths given"
    "; chunks probed only with --chunks; STORE-REMOTE-002)",
}

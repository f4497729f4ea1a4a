"""Front matter for the ``zn5 rfc`` tests: a valid base, the parts a status needs, and changes to it."""

from __future__ import annotations

from typing import Any

DROP = object()
"""Marks a field to remove from the base front matter."""

BASE: dict[str, Any] = {
    "number": 12,
    "title": "A valid example",
    "status": "Draft",
    "track": "standards",
    "authors": [{"name": "Ada Example", "github": "ada-example"}],
    "created": "2026-01-05",
    "updated": "2026-01-06",
    "discussion": None,
    "requirements": ["CORE-EXAMPLE-001"],
    "compatibility": "additive",
}
REVIEWED: dict[str, Any] = {
    "shepherd": {"name": "Ben Shepherd"},
    "reviewers": [{"name": "Cy Reviewer"}, {"name": "Di Reviewer"}],
    "discussion": "https://example.org/discussions/12",
}
DECIDED: dict[str, Any] = {**REVIEWED, "decision": "governance/decisions/0001-adopt-governance.md"}
REFERENCE_ENTRY = {
    "name": "zn5 reference",
    "version": "1.0.0",
    "codebase": "zn5-reference",
    "language": "Python",
    "report": "reports/reference.json",
}


def front(**changes: object) -> dict[str, Any]:
    """The base front matter with ``changes`` applied (``DROP`` removes a field)."""
    result = dict(BASE)
    for name, value in changes.items():
        if value is DROP:
            result.pop(name, None)
        else:
            result[name] = value
    return result


def drop_markers(value: Any) -> Any:
    """Remove ``DROP`` entries from nested dictionaries and lists: the fields a test leaves out."""
    if isinstance(value, dict):
        return {key: drop_markers(item) for key, item in value.items() if item is not DROP}
    if isinstance(value, list):
        return [drop_markers(item) for item in value]
    return value

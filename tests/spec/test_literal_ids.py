"""Requirement IDs are written out in full in the code, never assembled from parts.

One grep for an ID (``ZARR3-FILL-004``) must find every place that implements or tests it, so no
f-string, ``+`` concatenation, ``%`` formatting, ``str.format`` call or ``"-".join`` may build one: a
string expression whose constant parts, with each computed part as a hole, read as a requirement ID
with a hole in it (``{dialect}-FILL-003``, ``ZARR2-FILL-{number}``, ``CORE-{chapter}-001``) is reported
with its file and line. The scan reads the Python sources with ``ast``; it runs nothing.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("reference", "conformance", "tests", "tools")
NOT_SCANNED = (ROOT / "conformance" / "corpus",)

HOLE = "\x00"
"""Stands for a computed part of a string expression."""
ID_SHAPE = re.compile(r"[A-Z0-9\x00]+(?:-[A-Z0-9\x00]+)*-[0-9\x00]+")
"""Hyphenated parts of capitals, digits and holes ending in digits or a hole: a requirement ID
(spec/conventions.md) in which any part, or any piece of a part, may be computed."""
NAMED_PART = re.compile(r"[A-Z][A-Z0-9]+")
"""A chapter prefix (``ZARR2``) or a word (``FILL``): what makes a hyphenated run an ID."""
PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|[0-9]+)?(?:\.(?:\*|[0-9]+))?[a-zA-Z%]")
FORMAT_FIELD = re.compile(r"\{[^{}]*\}")


def assembled(template: str) -> str | None:
    """The requirement ID with a hole that ``template`` spells, if any: a hole and a named part (a
    chapter prefix or a word such as ``FILL``) in one ID-shaped run; ``{a}-{b}`` alone is no ID."""
    for match in ID_SHAPE.finditer(template):
        text = match.group()
        if HOLE in text and any(NAMED_PART.fullmatch(part) for part in text.split("-")):
            return text.replace(HOLE, "{…}")
    return None


def _template(node: ast.expr) -> str | None:
    """The text of a string expression with a hole for each computed part; None for other expressions."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(_part(value) for value in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        if left is None and right is None:
            return None
        return (left or HOLE) + (right or HOLE)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _is_text(node.left):
        return PRINTF_FIELD.sub(HOLE, _text(node.left))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _is_text(node.func.value):
        if node.func.attr == "format":
            return FORMAT_FIELD.sub(HOLE, _text(node.func.value))
        if node.func.attr == "join" and node.args and isinstance(node.args[0], ast.List | ast.Tuple):
            return _text(node.func.value).join(_template(item) or HOLE for item in node.args[0].elts)
    return None


def _part(value: ast.expr) -> str:
    return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else HOLE


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _text(node: ast.expr) -> str:
    assert isinstance(node, ast.Constant) and isinstance(node.value, str)
    return node.value


def assembled_ids(source: str, filename: str) -> Iterator[str]:
    """``file:line: ID`` for each requirement ID that ``source`` assembles instead of writing it out."""
    reported: set[int] = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.expr) and not isinstance(node, ast.Constant) and node.lineno not in reported:
            template = _template(node)
            found = None if template is None else assembled(template)
            if found is not None:
                reported.add(node.lineno)
                yield f"{filename}:{node.lineno}: {found}"


def python_sources() -> list[Path]:
    return [
        path
        for folder in SCANNED
        for path in sorted((ROOT / folder).rglob("*.py"))
        if not any(path.is_relative_to(excluded) for excluded in NOT_SCANNED)
    ]


def test_no_source_assembles_a_requirement_id() -> None:
    sources = python_sources()
    assert len(sources) > 100
    found = [
        line
        for path in sources
        for line in assembled_ids(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == []


ASSEMBLING = {
    'f"{dialect}-FILL-003"': "{…}-FILL-003",
    'f"{dialect}-FILL-{number}"': "{…}-FILL-{…}",
    'f"ZARR2-FILL-{number:03d}"': "ZARR2-FILL-{…}",
    'f"ZARR2-FILL-00{number}"': "ZARR2-FILL-00{…}",
    'f"see {chapter}-KEY-004 first"': "{…}-KEY-004",
    'f"CORE-{chapter}-001"': "CORE-{…}-001",
    'f"ZARR3-{rule}"': "ZARR3-{…}",
    'prefix + "-CODEC-002"': "{…}-CODEC-002",
    '"ZARR2-FILL-" + number': "ZARR2-FILL-{…}",
    '"%s-FILL-%03d" % (dialect, number)': "{…}-FILL-{…}",
    '"{}-FILL-{:03d}".format(dialect, number)': "{…}-FILL-{…}",
    '"-".join((dialect, "FILL", "003"))': "{…}-FILL-003",
}


@pytest.mark.parametrize("snippet", sorted(ASSEMBLING))
def test_the_scan_reports_an_assembled_id_with_its_line(snippet: str) -> None:
    source = f"import x\n\nrequirement = {snippet}\n"
    assert list(assembled_ids(source, "module.py")) == [f"module.py:3: {ASSEMBLING[snippet]}"]


@pytest.mark.parametrize(
    "snippet",
    [
        '"ZARR2-FILL-003"',
        'f"{key}: must be 3 ({value}) [ZARR3-META-001]"',
        'f"{start}-{stop}"',
        'f"{format_name}/fill-value/{slug}"',
        'f"chunk {index}-{count}"',
        '"ZARR2-" "FILL-003"',
        'name + "-suffix"',
        'f"{name}-ABC"',
        'f"{x}-D-{y}"',
    ],
)
def test_the_scan_accepts_an_id_written_out_and_other_strings(snippet: str) -> None:
    assert list(assembled_ids(f"value = {snippet}\n", "module.py")) == []

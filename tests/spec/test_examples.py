"""Every JSON example under spec/examples/ is a valid document that the reference implementation opens.

A file's name says its format and document (spec/conventions.md, "Examples"): ``*.zarray.json``,
``*.zgroup.json`` and ``*.zattrs.json`` are Zarr v2, ``*.zarr.json`` is Zarr v3, ``*.attributes.json`` is
N5. Files in ``zarr2/``, ``zarr3/`` and ``n5/`` must agree with their folder; files in ``side-by-side/``
start with the format's name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from zn5.conformance.execution.protocol import validator
from zn5.conformance.generate import spec_examples
from zn5.conformance.suite.canonical import describe_node
from zn5.reference import open as open_node
from zn5.reference.formats import dialect
from zn5.reference.formats.dialect import Node
from zn5.reference.model.node import ArrayModel, GroupModel
from zn5.reference.store.memory import MemoryStore

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec"
EXAMPLES = SPEC / "examples"
NODE = "node"
SNIPPET = re.compile(r'--8<--\s+"([^"]+)"')
DOCUMENTS = {
    ".zarray.json": ("zarr2", ".zarray"),
    ".zgroup.json": ("zarr2", ".zgroup"),
    ".zattrs.json": ("zarr2", ".zattrs"),
    ".zarr.json": ("zarr3", "zarr.json"),
    ".attributes.json": ("n5", "attributes.json"),
}
FORMATS = ("zarr2", "zarr3", "n5")


@dataclass(frozen=True)
class Example:
    """One example file and what its name says it is."""

    path: Path
    format: str
    key: str

    @property
    def name(self) -> str:
        return self.path.relative_to(EXAMPLES).as_posix()


def classify(path: Path) -> Example:
    """The format and document of an example, from its name; ValueError when the name says neither."""
    matches = [kind for suffix, kind in DOCUMENTS.items() if path.name.endswith(suffix)]
    if len(matches) != 1:
        raise ValueError(f"{path.name}: the name does not say which document this is")
    format_name, key = matches[0]
    relative = path.relative_to(EXAMPLES).parts
    declared = relative[0] if relative[0] in FORMATS else path.name.split(".")[0]
    if declared != format_name:
        raise ValueError(f"{path}: the name says {format_name}, the place says {declared}")
    return Example(path, format_name, key)


CORE_SUFFIX = ".core.json"
"""A node in the core model as the spec states it, beside a marked example (spec_examples.py)."""


def example_files() -> list[Path]:
    """The format documents among the examples (the core descriptions beside them excluded)."""
    return sorted(path for path in EXAMPLES.rglob("*.json") if not path.name.endswith(CORE_SUFFIX))


def core_files() -> list[Path]:
    return sorted(EXAMPLES.rglob(f"*{CORE_SUFFIX}"))


def strict_json(raw: bytes) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(raw.decode("utf-8"), parse_constant=refuse)


def store_of(example: Example) -> MemoryStore:
    """A store holding the example at its key below ``node/`` (with a group document for bare .zattrs)."""
    store = MemoryStore({f"{NODE}/{example.key}": example.path.read_bytes()})
    if example.key == ".zattrs":
        store.set(f"{NODE}/.zgroup", b'{"zarr_format": 2}')
    return store


def parse(store: MemoryStore, format_name: str) -> Node:
    parsed = dialect.parse_node(store, NODE, format_name)
    assert parsed is not None, "no node found"
    assert [str(problem) for problem in parsed.problems] == []
    assert parsed.value is not None
    return parsed.value


def expected_node_type(example: Example, document: dict[str, Any]) -> type[ArrayModel] | type[GroupModel]:
    if example.key == ".zarray":
        return ArrayModel
    if example.key == "zarr.json":
        return ArrayModel if document["node_type"] == "array" else GroupModel
    if example.key == "attributes.json" and "dimensions" in document:
        return ArrayModel
    return GroupModel


def test_there_are_examples_of_every_format_and_document() -> None:
    kinds = {(example.format, example.key) for example in map(classify, example_files())}
    assert kinds == set(DOCUMENTS.values())


@pytest.mark.parametrize("path", example_files(), ids=lambda path: path.relative_to(EXAMPLES).as_posix())
def test_example_is_valid_and_opens_with_the_reference(path: Path) -> None:
    example = classify(path)
    document = strict_json(path.read_bytes())
    assert isinstance(document, dict)
    node = parse(store_of(example), example.format)
    assert isinstance(node, expected_node_type(example, document))


@pytest.mark.parametrize("path", example_files(), ids=lambda path: path.relative_to(EXAMPLES).as_posix())
def test_example_survives_a_round_trip_through_the_core_model(path: Path) -> None:
    example = classify(path)
    node = parse(store_of(example), example.format)
    store = MemoryStore()
    dialect.write_node(store, NODE, node, example.format)
    assert parse(store, example.format) == node


def test_names_that_say_no_document_or_the_wrong_format_are_refused() -> None:
    with pytest.raises(ValueError, match="which document"):
        classify(EXAMPLES / "zarr3" / "array.json")
    with pytest.raises(ValueError, match="the place says zarr3"):
        classify(EXAMPLES / "zarr3" / "array.zarray.json")
    with pytest.raises(ValueError, match="the place says n5"):
        classify(EXAMPLES / "side-by-side" / "x" / "n5.zarr.json")


def test_a_broken_example_would_fail(tmp_path: Path) -> None:
    broken = Example(tmp_path / "array-broken.zarray.json", "zarr2", ".zarray")
    broken.path.write_text('{"zarr_format": 2, "shape": [10], "chunks": [0]}', encoding="utf-8")
    with pytest.raises(AssertionError):
        parse(store_of(broken), "zarr2")


def test_every_example_is_quoted_and_every_quote_exists() -> None:
    quoted: set[str] = set()
    for chapter in sorted(SPEC.rglob("*.md")):
        quoted.update(SNIPPET.findall(chapter.read_text(encoding="utf-8")))
    examples = {path.relative_to(ROOT).as_posix() for path in [*example_files(), *core_files()]}
    assert sorted(quoted - examples) == []
    assert sorted(examples - quoted) == []


def test_examples_are_quoted_inside_json_code_blocks() -> None:
    for chapter in sorted(SPEC.rglob("*.md")):
        lines = chapter.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if SNIPPET.search(line):
                assert lines[number - 1].strip() == "```json", f"{chapter}:{number + 1}"
                assert lines[number + 1].strip() == "```", f"{chapter}:{number + 1}"


def test_every_marked_example_has_a_valid_core_description_that_the_reference_agrees_with() -> None:
    marked = list(spec_examples.marked_examples(SPEC))
    assert {item.example.with_name(item.example.name.split(".")[0] + CORE_SUFFIX) for item in marked} == set(
        core_files()
    )
    for item in marked:
        case = spec_examples.example_case(item)
        assert case.expected_node is not None
        assert not list(validator("node").iter_errors(case.expected_node)), case.id
        assert case.store is not None
        node = open_node(case.store, path=NODE)
        assert describe_node(node.model) == case.expected_node, case.id


def test_a_marker_without_an_example_below_is_refused(tmp_path: Path) -> None:
    (tmp_path / "chapter.md").write_text(
        "# C\n\n<!-- zn5-case: CORE-NODE-001 -->\n\ntext\n", encoding="utf-8"
    )
    with pytest.raises(spec_examples.SpecExampleError, match="quotes no example file"):
        list(spec_examples.marked_examples(tmp_path))

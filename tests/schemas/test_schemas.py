"""The JSON Schemas of ``schemas/``: well formed, complete, and in agreement with the reference.

Examples live in ``examples/<format>/<document>/{valid,invalid}/<what-it-shows>.json``. Each valid example
passes its schema and opens with the reference's dialect parser; each invalid one fails its schema, and
the tables below say what the reference does with it (rejects it naming a requirement, reads it with a
deviation or a warning, refuses it as unsupported, or accepts it, with the reason). Every example needs
its entry: nothing is skipped silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
from jsonschema import Draft202012Validator
from referencing import Resource

from zn5.conformance.validation.schemas import (
    SCHEMA_BASE,
    SCHEMA_ROOT,
    schema_name,
    schema_problems,
    schema_registry,
    validator,
)
from zn5.reference.codecs import registry
from zn5.reference.errors import MetadataError, Problem, UnsupportedError
from zn5.reference.formats import n5
from zn5.reference.formats.dialect import parse_node, read_node
from zn5.reference.store.memory import MemoryStore

EXAMPLES = Path(__file__).resolve().parent / "examples"
SPEC_EXAMPLES = Path(__file__).resolve().parents[2] / "spec" / "examples"
MY_SCHEMAS = sorted(
    [
        *(
            path
            for folder in ("zarr2", "zarr3", "n5")
            for path in (SCHEMA_ROOT / folder).rglob("*.schema.json")
        ),
        SCHEMA_ROOT / "project" / "validate-report.schema.json",
    ]
)

Verdict = Literal["error", "deviation", "warning", "unsupported", "accepted"]


@dataclass(frozen=True)
class Outcome:
    """What the reference does with an example: a verdict and its requirement, or why it accepts it."""

    verdict: Verdict
    requirement: str = ""
    reason: str = ""


def error(requirement: str) -> Outcome:
    return Outcome("error", requirement)


NO_ZMETADATA_READER = "the reference has no reader of .zmetadata, a zarr-python convention it ignores"
INVALID: dict[str, Outcome] = {
    # Zarr v2 .zarray
    "zarr2/zarray/invalid/shape-negative": error("ZARR2-META-002"),
    "zarr2/zarray/invalid/shape-not-array": error("ZARR2-META-002"),
    "zarr2/zarray/invalid/chunks-zero": error("CORE-GRID-001"),
    "zarr2/zarray/invalid/chunks-zero-on-empty-axis": Outcome("deviation", "CORE-GRID-001"),
    "zarr2/zarray/invalid/zarr-format-3": error("ZARR2-META-001"),
    "zarr2/zarray/invalid/fill-value-missing": error("ZARR2-META-001"),
    "zarr2/zarray/invalid/compressor-missing": error("ZARR2-META-001"),
    "zarr2/zarray/invalid/dtype-without-byte-order": error("ZARR2-DTYPE-001"),
    "zarr2/zarray/invalid/vlen-array-without-dtype": error("CODEC-VLENARRAY-001"),
    "zarr2/zarray/invalid/vlen-array-dtype-not-numeric": error("CODEC-VLENARRAY-001"),
    "zarr2/zarray/invalid/json2-member-wrong-type": error("ZARR2-CODEC-003"),
    "zarr2/zarray/invalid/dtype-pipe-for-multibyte": error("ZARR2-DTYPE-002"),
    "zarr2/zarray/invalid/dtype-datetime-without-unit": error("ZARR2-DTYPE-003"),
    "zarr2/zarray/invalid/dtype-unknown-kind": error("ZARR2-DTYPE-001"),
    "zarr2/zarray/invalid/fill-value-out-of-range": error("ZARR2-FILL-003"),
    "zarr2/zarray/invalid/fill-value-bool-as-integer": Outcome("deviation", "ZARR2-FILL-002"),
    "zarr2/zarray/invalid/fill-value-bool-as-two": error("ZARR2-FILL-002"),
    "zarr2/zarray/invalid/fill-value-nan-lower-case": error("ZARR2-FILL-004"),
    "zarr2/zarray/invalid/fill-value-bytes-not-base64": error("ZARR2-FILL-006"),
    "zarr2/zarray/invalid/fill-value-complex-scalar": error("ZARR2-FILL-005"),
    "zarr2/zarray/invalid/fill-value-datetime-string": error("ZARR2-FILL-008"),
    "zarr2/zarray/invalid/fill-value-datetime-nat": Outcome("deviation", "ZARR2-FILL-008"),
    "zarr2/zarray/invalid/order-unknown": error("ZARR2-META-005"),
    "zarr2/zarray/invalid/filters-not-array": error("ZARR2-META-006"),
    "zarr2/zarray/invalid/dimension-separator-unknown": error("ZARR2-META-007"),
    "zarr2/zarray/invalid/compressor-without-id": error("ZARR2-CODEC-001"),
    "zarr2/zarray/invalid/gzip-level-out-of-range": error("ZARR2-CODEC-003"),
    "zarr2/zarray/invalid/blosc-shuffle-unknown-word": error("CODEC-BLOSC-002"),
    "zarr2/zarray/invalid/blosc-shuffle-gdal-word": Outcome("deviation", "CODEC-BLOSC-002"),
    "zarr2/zarray/invalid/codec-extra-member": Outcome("deviation", "ZARR2-CODEC-003"),
    "zarr2/zarray/invalid/lzma-raw-format": error("ZARR2-CODEC-003"),
    "zarr2/zarray/invalid/delta-without-dtype": error("ZARR2-CODEC-003"),
    # Zarr v2 .zgroup, .zattrs, .zmetadata
    "zarr2/zgroup/invalid/zgroup-extra-key": error("ZARR2-META-009"),
    "zarr2/zgroup/invalid/zarr-format-missing": error("ZARR2-META-009"),
    "zarr2/zgroup/invalid/zarr-format-string": error("ZARR2-META-009"),
    "zarr2/zattrs/invalid/not-an-object": error("CORE-META-001"),
    "zarr2/zmetadata/invalid/format-version-2": Outcome("accepted", reason=NO_ZMETADATA_READER),
    "zarr2/zmetadata/invalid/entry-with-negative-shape": error("ZARR2-META-002"),
    "zarr2/zmetadata/invalid/entry-not-a-metadata-key": Outcome("accepted", reason=NO_ZMETADATA_READER),
    "zarr2/zmetadata/invalid/metadata-missing": Outcome("accepted", reason=NO_ZMETADATA_READER),
    # Zarr v3 array
    "zarr3/array/invalid/shape-negative": error("ZARR3-META-003"),
    "zarr3/array/invalid/zarr-format-2": error("ZARR3-META-001"),
    "zarr3/array/invalid/node-type-unknown": error("ZARR3-META-001"),
    "zarr3/array/invalid/fill-value-missing": error("ZARR3-META-002"),
    "zarr3/array/invalid/codecs-missing": error("ZARR3-META-002"),
    "zarr3/array/invalid/codecs-empty": error("ZARR3-CODEC-001"),
    "zarr3/array/invalid/fill-value-out-of-range": error("ZARR3-FILL-003"),
    "zarr3/array/invalid/fill-value-nan-lower-case": error("ZARR3-FILL-004"),
    "zarr3/array/invalid/fill-value-hex-wrong-length": error("ZARR3-FILL-004"),
    "zarr3/array/invalid/fill-value-bool-as-integer": Outcome("deviation", "ZARR3-FILL-002"),
    "zarr3/array/invalid/fill-value-null-for-core-type": error("ZARR3-FILL-001"),
    "zarr3/array/invalid/gzip-level-out-of-range": error("CORE-CODEC-006"),
    "zarr3/array/invalid/gzip-short-hand-without-level": error("CORE-CODEC-006"),
    "zarr3/array/invalid/blosc-typesize-missing": error("CORE-CODEC-006"),
    "zarr3/array/invalid/blosc-shuffle-as-integer": error("CORE-CODEC-006"),
    "zarr3/array/invalid/bytes-endian-unknown": error("CORE-CODEC-006"),
    "zarr3/array/invalid/transpose-order-repeated": error("CORE-CODEC-006"),
    "zarr3/array/invalid/sharding-index-codecs-missing": error("CORE-CODEC-006"),
    "zarr3/array/invalid/sharding-inner-codec-invalid": error("CORE-CODEC-006"),
    "zarr3/array/invalid/codec-extra-member": error("CORE-CODEC-006"),
    "zarr3/array/invalid/crc32c-with-configuration-member": error("CORE-CODEC-006"),
    "zarr3/array/invalid/lzma-raw-format": error("CORE-CODEC-006"),
    "zarr3/array/invalid/chunk-shape-zero": error("ZARR3-GRID-001"),
    "zarr3/array/invalid/chunk-grid-must-understand-false": Outcome(
        "accepted", reason="the reference does not look at must_understand on a chunk grid"
    ),
    "zarr3/array/invalid/separator-unknown": error("ZARR3-KEY-001"),
    "zarr3/array/invalid/core-data-type-with-configuration": Outcome("unsupported", "ZARR3-DTYPE-002"),
    "zarr3/array/invalid/fixed-length-utf32-odd-length": error("ZARR3-DTYPE-001"),
    "zarr3/array/invalid/extension-name-with-capitals": Outcome("unsupported", "CORE-CODEC-003"),
    "zarr3/array/invalid/extension-object-extra-member": Outcome(
        "accepted",
        reason="the reference ignores members of an extension object beside name and configuration",
    ),
    "zarr3/array/invalid/dimension-names-number": error("ZARR3-META-006"),
    "zarr3/array/invalid/attributes-not-object": error("ZARR3-META-005"),
    # Zarr v3 group
    "zarr3/group/invalid/attributes-not-object": error("ZARR3-META-005"),
    "zarr3/group/invalid/zarr-format-missing": error("ZARR3-META-001"),
    "zarr3/group/invalid/consolidated-metadata-must-understand-true": Outcome("warning", "ZARR3-META-008"),
    "zarr3/group/invalid/consolidated-metadata-entry-invalid": Outcome("warning", "ZARR3-META-008"),
    # N5
    "n5/root/invalid/version-number": Outcome("warning", "N5-META-001"),
    "n5/root/invalid/root-dataset-block-size-zero": error("N5-META-004"),
    "n5/group/invalid/compression-in-a-group": Outcome(
        "accepted", reason="the reference reads a group whose attributes use a reserved dataset key"
    ),
    "n5/group/invalid/version-not-a-version": Outcome("warning", "N5-META-001"),
    "n5/dataset/invalid/dimensions-negative": error("N5-META-003"),
    "n5/dataset/invalid/block-size-zero": error("N5-META-004"),
    "n5/dataset/invalid/data-type-unknown": error("N5-DTYPE-001"),
    "n5/dataset/invalid/data-type-missing": error("N5-META-002"),
    "n5/dataset/invalid/compression-missing": error("N5-CODEC-001"),
    "n5/dataset/invalid/compression-type-legacy": Outcome("deviation", "N5-CODEC-001"),
    "n5/dataset/invalid/compression-not-object": error("N5-CODEC-001"),
    "n5/dataset/invalid/gzip-level-out-of-range": error("N5-CODEC-003"),
    "n5/dataset/invalid/compression-extra-member": Outcome("deviation", "N5-CODEC-003"),
    "n5/dataset/invalid/blosc-shuffle-out-of-range": error("N5-CODEC-003"),
    "n5/dataset/invalid/bzip2-block-size-zero": error("N5-CODEC-003"),
}
"""What the reference does with each invalid example."""

VALID: dict[str, Outcome] = {
    "zarr2/zarray/valid/codec-unknown-id": Outcome("unsupported", "ZARR2-CODEC-002"),
    "zarr2/zarray/valid/dtype-object-pickle": Outcome("unsupported", "CORE-VLEN-005"),
    "zarr2/zarray/valid/dtype-structured": Outcome("unsupported", "CORE-STRUCT-004"),  # a field with a shape
    "zarr2/zarray/valid/extra-member-is-ignored": Outcome("warning", "ZARR2-META-008"),
    "zarr3/array/valid/extension-data-type-unknown": Outcome("unsupported", "ZARR3-DTYPE-002"),
    "zarr3/array/valid/extension-codec-unknown": Outcome("unsupported", "CORE-CODEC-003"),
    "zarr3/array/valid/extension-chunk-grid-unknown": Outcome("unsupported", "ZARR3-GRID-002"),
    "zarr3/array/valid/extension-member-must-be-understood": Outcome("unsupported", "ZARR3-EXT-001"),
    "zarr3/group/valid/consolidated-metadata": Outcome("warning", "ZARR3-META-008"),
    "n5/dataset/valid/compression-plugin-unknown": Outcome("unsupported", "N5-CODEC-002"),
    "n5/dataset/valid/data-type-object": Outcome("unsupported", "N5-DTYPE-002"),
    "n5/dataset/valid/zero-dimensional": Outcome("unsupported", "N5-META-003"),
}
"""Valid examples the reference does not open cleanly: extensions it does not implement, SHOULD NOTs."""

KNOWN_DEVIATIONS = {
    "zarr2/zarray/invalid/blosc-shuffle-gdal-word",
    "zarr2/zarray/invalid/chunks-zero-on-empty-axis",
    "zarr2/zarray/invalid/codec-extra-member",
    "n5/dataset/invalid/compression-extra-member",
    "n5/dataset/invalid/compression-type-legacy",
}
"""Invalid examples that show a known deviation: ``zn5 validate`` reports them as deviations, not errors."""


def example_id(path: Path) -> str:
    return path.relative_to(EXAMPLES).with_suffix("").as_posix()


def examples(expected: str) -> list[Path]:
    return sorted(path for path in EXAMPLES.rglob("*.json") if path.parent.name == expected)


def load(path: Path) -> Any:
    def refuse(name: str) -> None:
        raise ValueError(f"{path}: bare {name} is not JSON")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def schema_of(path: Path) -> str:
    format_name, document = example_id(path).split("/")[:2]
    return f"{format_name}/{document}"


@dataclass
class ReferenceResult:
    problems: list[Problem]
    unsupported: UnsupportedError | None = None
    parsed: int = 0


def reference_result(path: Path) -> ReferenceResult:
    """Run the reference's dialect parser over an example placed in a store where it belongs."""
    format_name, document = schema_of(path).split("/")
    raw = path.read_bytes()
    store = MemoryStore()
    paths = ["x"]
    if format_name == "zarr2" and document == "zmetadata":
        entries = load(path).get("metadata")
        for key, value in (entries or {}).items():
            store.values[key] = json.dumps(value).encode()
        nodes = {key.rpartition("/")[0] for key in store.values if key.endswith((".zarray", ".zgroup"))}
        paths = sorted(nodes)
    elif format_name == "zarr2":
        if document == "zattrs":
            store.values["x/.zgroup"] = b'{"zarr_format": 2}'
        store.values[f"x/.{document}"] = raw
    elif format_name == "zarr3":
        store.values["x/zarr.json"] = raw
    elif document == "root":
        store.values["attributes.json"] = raw
        paths = [""]
    else:
        store.values["x/attributes.json"] = raw
    result = ReferenceResult([])
    for node_path in paths:
        try:
            parsed = parse_node(store, node_path, format_name)
        except UnsupportedError as unsupported:
            result.unsupported = unsupported
            continue
        assert parsed is not None, f"{path}: the reference finds no node"
        result.problems.extend(parsed.problems)
        result.parsed += 1
    return result


def levels(result: ReferenceResult, level: str) -> set[str]:
    return {problem.requirement for problem in result.problems if problem.level == level}


# ----------------------------------------------------------------------------------------------- schemas


@pytest.mark.parametrize("path", MY_SCHEMAS, ids=lambda path: path.relative_to(SCHEMA_ROOT).as_posix())
def test_schema_is_valid_draft_2020_12_with_stable_id(path: Path) -> None:
    schema = load(path)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_BASE + path.relative_to(SCHEMA_ROOT).as_posix()
    assert schema.get("title") and schema.get("description")


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


@pytest.mark.parametrize("path", MY_SCHEMAS, ids=lambda path: path.relative_to(SCHEMA_ROOT).as_posix())
def test_every_reference_resolves(path: Path) -> None:
    schema = load(path)
    every = schema_registry().with_resource(schema["$id"], Resource.from_contents(schema))
    resolver = every.resolver(base_uri=schema["$id"])
    for reference in references(schema):
        assert resolver.lookup(reference).contents is not None, reference


def test_every_zarr3_codec_of_the_reference_has_a_configuration_schema() -> None:
    names = {codec.name for codec in registry.CODECS if codec.in_zarr3}
    files = {path.name.removesuffix(".schema.json") for path in (SCHEMA_ROOT / "zarr3" / "codecs").iterdir()}
    assert files == names
    array = schema_registry().contents(SCHEMA_BASE + "zarr3/array.schema.json")
    dispatched = {
        rule["then"]["properties"]["configuration"]["$ref"].rpartition("/")[2].removesuffix(".schema.json")
        for rule in array["$defs"]["codec"]["allOf"]
    }
    assert dispatched == names


def test_every_zarr2_codec_id_and_n5_compression_of_the_reference_has_a_schema() -> None:
    zarray = schema_registry().contents(SCHEMA_BASE + "zarr2/zarray.schema.json")
    assert set(zarray["$defs"]["numcodecs"]) == set(registry.BY_V2_ID)
    dataset = schema_registry().contents(SCHEMA_BASE + "n5/dataset.schema.json")
    assert set(dataset["$defs"]["compressions"]) == set(n5.COMPRESSIONS)


# ----------------------------------------------------------------------------------------------- examples


def test_examples_are_laid_out_by_format_document_and_verdict() -> None:
    for path in EXAMPLES.rglob("*"):
        if path.is_file():
            parts = path.relative_to(EXAMPLES).parts
            assert len(parts) == 4 and parts[2] in ("valid", "invalid") and path.suffix == ".json", path
            assert (SCHEMA_ROOT / parts[0] / f"{parts[1]}.schema.json").is_file(), path


def test_every_example_has_its_table_entry_and_every_entry_its_example() -> None:
    invalid = {example_id(path) for path in examples("invalid")}
    valid = {example_id(path) for path in examples("valid")}
    assert invalid == set(INVALID), "add each invalid example to INVALID, and remove stale entries"
    assert set(VALID) <= valid
    assert set(KNOWN_DEVIATIONS) <= invalid


@pytest.mark.parametrize("path", examples("valid"), ids=example_id)
def test_valid_example_passes_its_schema(path: Path) -> None:
    errors = [error.message for error in validator(schema_of(path)).iter_errors(load(path))]
    assert errors == []


@pytest.mark.parametrize("path", examples("invalid"), ids=example_id)
def test_invalid_example_fails_its_schema(path: Path) -> None:
    assert not validator(schema_of(path)).is_valid(load(path))


@pytest.mark.parametrize("path", examples("valid"), ids=example_id)
def test_valid_example_opens_with_the_reference(path: Path) -> None:
    result = reference_result(path)
    expected = VALID.get(example_id(path))
    assert levels(result, "error") == set() and levels(result, "deviation") == set()
    if expected is None:
        assert result.unsupported is None and result.problems == []
    elif expected.verdict == "unsupported":
        assert result.unsupported is not None and result.unsupported.requirement == expected.requirement
    else:
        assert result.unsupported is None and levels(result, expected.verdict) == {expected.requirement}


@pytest.mark.parametrize("path", examples("invalid"), ids=example_id)
def test_invalid_example_gets_the_expected_verdict_from_the_reference(path: Path) -> None:
    expected = INVALID[example_id(path)]
    result = reference_result(path)
    if expected.verdict == "unsupported":
        assert result.unsupported is not None and result.unsupported.requirement == expected.requirement
        return
    assert result.unsupported is None
    if expected.verdict == "accepted":
        assert expected.reason and levels(result, "error") == set()
        return
    assert expected.requirement in levels(result, expected.verdict), result.problems
    if expected.verdict != "error":
        assert levels(result, "error") == set()
    elif schema_of(path) != "zarr2/zmetadata":
        format_name = schema_of(path).split("/")[0]
        with pytest.raises(MetadataError) as raised:
            read_node(reference_store(path), "" if schema_of(path) == "n5/root" else "x", format_name)
        assert expected.requirement in {problem.requirement for problem in raised.value.problems}


def reference_store(path: Path) -> MemoryStore:
    format_name, document = schema_of(path).split("/")
    store = MemoryStore()
    key = {"zarr2": f"x/.{document}", "zarr3": "x/zarr.json"}.get(format_name, "x/attributes.json")
    if document == "root":
        key = "attributes.json"
    if document == "zattrs":
        store.values["x/.zgroup"] = b'{"zarr_format": 2}'
    store.values[key] = path.read_bytes()
    return store


@pytest.mark.parametrize(
    "path",
    # zn5 validate checks that a document is a JSON object before it applies a schema
    [path for path in examples("invalid") if isinstance(load(path), dict)],
    ids=example_id,
)
def test_validate_reports_schema_problems_with_the_level_of_the_rule(path: Path) -> None:
    document = load(path)
    problems = schema_problems("k", schema_of(path), document, schema_of(path).split("/")[0])
    assert problems
    found = {problem.level for problem in problems}
    assert found == ({"deviation"} if example_id(path) in KNOWN_DEVIATIONS else {"error"})


# ------------------------------------------------------------------------------------------ spec/examples

SUFFIXES = {
    ".zarray.json": ("zarr2", ".zarray"),
    ".zgroup.json": ("zarr2", ".zgroup"),
    ".zattrs.json": ("zarr2", ".zattrs"),
    ".zmetadata.json": ("zarr2", ".zmetadata"),
    ".zarr.json": ("zarr3", "zarr.json"),
    ".attributes.json": ("n5", "attributes.json"),
}
"""The file-name endings of spec/conventions.md ("Examples"), and the document each one holds."""


def spec_examples() -> list[Path]:
    """The format documents among the spec's examples; the ``.core.json`` node descriptions beside some of
    them are checked by tests/spec/test_examples.py."""
    if not SPEC_EXAMPLES.is_dir():
        return []
    return sorted(path for path in SPEC_EXAMPLES.rglob("*.json") if not path.name.endswith(".core.json"))


def spec_schema(path: Path, document: Any) -> str:
    """The schema of a spec example, from its name; fails when the name does not say."""
    relative = path.relative_to(SPEC_EXAMPLES)
    matches = [value for suffix, value in SUFFIXES.items() if path.name.endswith(suffix)]
    if not matches:
        pytest.fail(
            f"spec/examples/{relative}: the file name does not say which document it holds; end it with one "
            f"of {sorted(SUFFIXES)} (spec/conventions.md, Examples)"
        )
    format_name, name = matches[0]
    folder = relative.parts[0] if len(relative.parts) > 1 else ""
    if folder in ("zarr2", "zarr3", "n5") and folder != format_name:
        pytest.fail(f"spec/examples/{relative}: a {format_name} document in the {folder}/ folder")
    if not isinstance(document, dict):
        pytest.fail(f"spec/examples/{relative}: a metadata document is a JSON object")
    if name == ".zmetadata":
        return "zarr2/zmetadata"
    node_path = "" if format_name == "n5" and "root" in path.name else "x"
    return schema_name(format_name, name, node_path, document)


@pytest.mark.parametrize(
    "path", spec_examples() or [None], ids=lambda path: path.name if path else "no-spec-examples"
)
def test_spec_example_is_valid_against_its_schema(path: Path | None) -> None:
    if path is None:
        pytest.skip(f"{SPEC_EXAMPLES} holds no JSON example yet")
    document = load(path)
    name = spec_schema(path, document)
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(name).iter_errors(document)
    ]
    assert errors == [], f"{path.relative_to(SPEC_EXAMPLES)} against {name}"

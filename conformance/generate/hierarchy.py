"""Metadata and hierarchy cases: nodes described in the canonical core-model form, groups, attributes and
nodes opened by path without ancestor metadata (spec/core/hierarchy.md, spec/formats/)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import (
    FORMATS,
    attributes_case,
    build_array,
    id_seed,
    read_case,
    sample_values,
)
from zn5.conformance.suite.canonical import describe_node
from zn5.reference.api import create_array, create_group
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.store.memory import MemoryStore

GENERATOR = "zn5.conformance.generate.hierarchy"

# (format, slug, create_array options, what, requirement IDs)
ARRAYS: list[tuple[str, str, dict[str, Any], str, list[str]]] = [
    (
        "zarr2",
        "array-order-c",
        {"dtype": "<i2", "compressor": Gzip(3)},
        "a C-order int16 array with gzip",
        ["ZARR2-META-001", "ZARR2-CODEC-004"],
    ),
    (
        "zarr2",
        "array-order-f",
        {"dtype": ">f8", "order": "F", "fill_value": 1.5},
        "a big-endian F-order float64 array",
        ["ZARR2-META-005", "CODEC-TRANSPOSE-002", "CODEC-BYTES-001"],
    ),
    (
        "zarr2",
        "array-blosc",
        {"dtype": "<u4", "compressor": Blosc("zstd", 3, "bitshuffle", 4)},
        "a uint32 array with blosc",
        ["ZARR2-CODEC-001", "CODEC-BLOSC-001"],
    ),
    (
        "zarr3",
        "array-dimension-names",
        {"dtype": "float32", "dimension_names": ["y", None], "attributes": {"units": "m"}},
        "a float32 array with dimension names and attributes",
        ["ZARR3-META-006", "ZARR3-META-005"],
    ),
    (
        "zarr3",
        "array-big-endian",
        {"dtype": ">u2", "compressor": Gzip(1)},
        "a big-endian uint16 array",
        ["ZARR3-META-002", "CODEC-BYTES-001"],
    ),
    (
        "n5",
        "dataset-declared-order",
        {"dtype": "uint16", "compressor": Gzip(6), "attributes": {"pixel": [4, 4]}},
        "a dataset in its declared axis order with user attributes",
        ["N5-AXIS-001", "N5-META-005", "N5-FILL-001", "N5-FILL-002"],
    ),
]


def _array_case(
    format_name: str, slug: str, options: dict[str, Any], what: str, requirements: list[str]
) -> CaseDraft:
    store = MemoryStore()
    array = create_array(store, format=format_name, path="array", shape=(6, 4), chunks=(4, 3), **options)
    return CaseDraft(
        id=f"{format_name}/metadata/{slug}",
        kind="metadata",
        requirements=requirements,
        description=f"{what} is described in the core model",
        requires=[f"format:{format_name}", "op:metadata"],
        tags=["metadata"],
        store=store,
        node="array",
        expected_node=describe_node(array.model),
        origin={"generator": GENERATOR},
    )


def _group_case(format_name: str) -> CaseDraft:
    store = MemoryStore()
    create_group(store, format=format_name)
    group = create_group(store, format=format_name, path="a/b", attributes={"title": "nested", "n": [1, 2]})
    requirement = {
        "zarr2": ["ZARR2-META-009", "ZARR2-META-011"],
        "zarr3": ["ZARR3-META-004"],
        "n5": ["N5-META-005", "N5-META-006"],
    }[format_name]
    return CaseDraft(
        id=f"{format_name}/metadata/group-attributes",
        kind="metadata",
        requirements=["CORE-NODE-003", "CORE-ATTR-001", *requirement],
        description="a nested group and its attributes are described in the core model",
        requires=[f"format:{format_name}", "op:metadata"],
        tags=["metadata", "group"],
        store=store,
        node="a/b",
        expected_node=describe_node(group.model),
        origin={"generator": GENERATOR},
    )


def _opened_by_path(format_name: str) -> CaseDraft:
    case_id = f"{format_name}/hierarchy/no-ancestor-metadata"
    values = sample_values("int8", (4, 5), id_seed(case_id))
    store = build_array(format_name, values, (2, 2), path="x/y/array")
    for key in [key for key in store.values if key.count("/") < 3 and not key.startswith("x/y/array")]:
        del store.values[key]
    return read_case(
        GENERATOR,
        case_id,
        store,
        values,
        requirements=["CORE-NODE-004"],
        description="an array whose ancestors have no group metadata opens by its path",
        tags=["hierarchy"],
        extra=["feature:implicit-group"],
        node="x/y/array",
    )


ATTRIBUTES: dict[str, Any] = {
    "title": "Größe – 大小 😀",
    "nested": {"list": [1, 2.5, -3, "x"], "object": {"null": None, "true": True, "false": False}},
    "empty object": {},
    "empty list": [],
    "zero": 0,
    "negative": -17,
    "fraction": 0.1,
    "tiny": 1.5e-300,
}
"""Attributes with every kind of JSON value, which a reader presents member by member (CORE-ATTR-001)."""


def _attributes_case(format_name: str) -> CaseDraft:
    return attributes_case(
        f"{format_name}/metadata/array-attributes",
        {"shape": (6, 4), "dtype": "int16", "chunks": (4, 3)},
        ATTRIBUTES,
        requirements=["CORE-ATTR-001", *(["ZARR2-META-011"] if format_name == "zarr2" else [])],
        description="attributes holding every kind of JSON value are presented exactly as stored",
        origin={"generator": GENERATOR},
    )


def _n5_implicit_group() -> CaseDraft:
    case_id = "n5/metadata/implicit-group"
    seed = id_seed(case_id)
    values = sample_values("uint8", (3, 4), seed)
    store = build_array("n5", values, (2, 2), path="a/array")
    del store.values["a/attributes.json"]
    return CaseDraft(
        id=case_id,
        kind="metadata",
        requirements=["N5-META-006"],
        description="a directory without attributes.json that holds a dataset is a group without attributes",
        requires=["format:n5", "op:metadata", "feature:implicit-group"],
        tags=["metadata", "group"],
        store=store,
        node="a",
        expected_node={"node_type": "group", "attributes": {}},
        origin={"generator": GENERATOR, "seed": seed},
    )


def _with_consolidated_metadata(store: MemoryStore) -> None:
    """Give the root group a consolidated_metadata member that is out of date: it describes the array
    with another shape and chunk shape."""
    root = json.loads(store.values["zarr.json"])
    stale = json.loads(store.values["array/zarr.json"])
    stale["shape"] = [99, 99]
    stale["chunk_grid"]["configuration"]["chunk_shape"] = [9, 9]
    root["consolidated_metadata"] = {"kind": "inline", "must_understand": False, "metadata": {"array": stale}}
    store.values["zarr.json"] = (json.dumps(root, indent=2, sort_keys=True) + "\n").encode()


def _consolidated_store(seed: int) -> tuple[MemoryStore, Any]:
    values = sample_values("int16", (5, 4), seed)
    store = build_array("zarr3", values, (2, 3))
    _with_consolidated_metadata(store)
    return store, values


def _consolidated_cases() -> Iterator[CaseDraft]:
    """A root group with stale consolidated metadata, described, and its array read."""
    case_id = "zarr3/metadata/group-consolidated-metadata"
    seed = id_seed(case_id)
    store, _ = _consolidated_store(seed)
    yield CaseDraft(
        id=case_id,
        kind="metadata",
        requirements=["ZARR3-META-008", "ZARR3-META-004"],
        description="a group document with consolidated_metadata opens as the group it describes",
        requires=["format:zarr3", "op:metadata"],
        tags=["metadata", "group"],
        store=store,
        node="",
        expected_node={"node_type": "group", "attributes": {}},
        origin={"generator": GENERATOR, "seed": seed},
    )
    case_id = "zarr3/hierarchy/stale-consolidated-metadata"
    seed = id_seed(case_id)
    store, values = _consolidated_store(seed)
    yield read_case(
        GENERATOR,
        case_id,
        store,
        values,
        requirements=["ZARR3-META-008", "ZARR3-META-002"],
        description="an array reads by its own zarr.json, not by the root's stale consolidated_metadata",
        tags=["hierarchy"],
    )


def _path_with_slashes(format_name: str) -> CaseDraft:
    case_id = f"{format_name}/hierarchy/path-with-slashes"
    values = sample_values("int8", (4, 5), id_seed(case_id))
    store = build_array(format_name, values, (2, 2), path="group/array")
    return read_case(
        GENERATOR,
        case_id,
        store,
        values,
        requirements=["CORE-NODE-001"],
        description="the path '/group/array/' with a leading and a trailing '/' names the node group/array",
        tags=["hierarchy"],
        node="/group/array/",
    )


def cases() -> Iterator[CaseDraft]:
    """Metadata and hierarchy cases for every format."""
    for format_name, slug, options, what, requirements in ARRAYS:
        yield _array_case(format_name, slug, options, what, requirements)
    for format_name in FORMATS:
        yield _group_case(format_name)
        yield _opened_by_path(format_name)
    for format_name in FORMATS:
        yield _attributes_case(format_name)
        yield _path_with_slashes(format_name)
    yield _n5_implicit_group()
    yield from _consolidated_cases()

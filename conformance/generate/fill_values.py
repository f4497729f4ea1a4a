"""Fill value cases: every JSON spelling, read back through chunks that were never written
(spec/core/data-types.md, spec/formats/zarr2.md, spec/formats/zarr3.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import build_array, id_seed, read_case, sample_values
from zn5.conformance.suite.canonical import describe_node
from zn5.reference.api import open_array
from zn5.reference.formats.zarr3 import NODE_KEY
from zn5.reference.store.memory import MemoryStore

GENERATOR = "zn5.conformance.generate.fill_values"
SHAPE = (4, 6)
CHUNKS = (2, 3)
WRITTEN = (slice(0, 2), slice(0, 3))

# The rule each kind of fill value follows, by format, each ID written out in full.
REQUIREMENTS: dict[str, dict[str, str]] = {
    "zarr2": {
        "boolean": "ZARR2-FILL-002",
        "integer": "ZARR2-FILL-003",
        "floating": "ZARR2-FILL-004",
        "complex": "ZARR2-FILL-005",
        "base64": "ZARR2-FILL-006",
        "text": "ZARR2-FILL-007",
        "time": "ZARR2-FILL-008",
        "string": "ZARR2-FILL-009",
        "bytes": "ZARR2-FILL-010",
    },
    "zarr3": {
        "boolean": "ZARR3-FILL-002",
        "integer": "ZARR3-FILL-003",
        "floating": "ZARR3-FILL-004",
        "complex": "ZARR3-FILL-005",
        "base64": "ZARR3-FILL-006",
        "text": "ZARR3-FILL-007",
        "time": "ZARR3-FILL-008",
        "string": "ZARR3-FILL-009",
        "bytes": "ZARR3-FILL-010",
    },
}

# (slug, dtype, fill value as written in JSON, the fill element, kind of fill value in REQUIREMENTS)
FILLS: list[tuple[str, str, Any, Any, str]] = [
    ("bool-true", "bool", True, True, "boolean"),
    ("int8-negative", "int8", -128, -128, "integer"),
    ("uint64-max", "uint64", 2**64 - 1, 2**64 - 1, "integer"),
    ("int64-min", "int64", -(2**63), -(2**63), "integer"),
    ("float32-number", "float32", 1.5, 1.5, "floating"),
    ("float64-negative-zero", "float64", -0.0, -0.0, "floating"),
    ("float32-nan", "float32", "NaN", np.nan, "floating"),
    ("float64-infinity", "float64", "Infinity", np.inf, "floating"),
    ("float16-negative-infinity", "float16", "-Infinity", -np.inf, "floating"),
    ("complex64-pair", "complex64", [1.5, -2.0], 1.5 - 2j, "complex"),
    ("complex128-nan-part", "complex128", [0.0, "NaN"], complex(0, np.nan), "complex"),
    ("bytes-base64", "S4", "YWI=", b"ab", "base64"),
    ("raw-base64", "V2", "AQI=", b"\x01\x02", "base64"),
    ("utf32-string", "U3", "hé", "hé", "text"),
    ("datetime64-nat", "M8[ns]", -(2**63), np.datetime64("NaT", "ns"), "time"),
]
V3_ONLY: list[tuple[str, str, Any, Any, str]] = [
    (
        "float32-nan-payload",
        "float32",
        "0x7fc00001",
        np.frombuffer(bytes.fromhex("0100c07f"), "<f4")[0],
        "floating",
    ),
    ("float64-bits", "float64", "0x3ff0000000000000", 1.0, "floating"),
    ("raw-integer-list", "V2", [1, 2], b"\x01\x02", "base64"),
]


EXACT_INTEGERS = {"uint64-max", "int64-min", "datetime64-nat"}
"""Fill values a reader gets wrong when it reads JSON integers through a 64-bit float (CORE-META-004)."""


def _element(dtype: np.dtype[Any], value: Any) -> np.ndarray[Any, Any]:
    if dtype.kind == "V":
        return np.frombuffer(bytes(value).ljust(dtype.itemsize, b"\0"), dtype=dtype)
    return np.array([value], dtype=dtype)


def fill_case(format_name: str, row: tuple[str, str, Any, Any, str], seed: int) -> CaseDraft:
    slug, dtype_spec, spelled, value, kind = row
    values = sample_values(dtype_spec, SHAPE, seed)
    element = _element(values.dtype, value)
    store = build_array(format_name, values, CHUNKS, write=WRITTEN, fill_value=element[0])
    _spell_fill_value(store, format_name, spelled)
    expected = np.empty(SHAPE, dtype=values.dtype)
    expected[...] = element[0]
    expected[WRITTEN] = values[WRITTEN]
    spelled_text = json.dumps(spelled, ensure_ascii=False)
    return read_case(
        GENERATOR,
        f"{format_name}/fill-value/{slug}",
        store,
        expected,
        seed=seed,
        requirements=[
            REQUIREMENTS[format_name][kind],
            "CORE-FILL-001",
            "CORE-CHUNK-001",
            *(["CORE-META-004"] if slug in EXACT_INTEGERS else []),
        ],
        description=f"fill_value {spelled_text} for {values.dtype.str} fills the chunks never written",
        tags=["fill-value", "missing-chunk"],
    )


def _spell_fill_value(store: MemoryStore, format_name: str, spelled: Any) -> None:
    """Write the fill value exactly as the case spells it (the reference may prefer another spelling)."""
    key = "array/.zarray" if format_name == "zarr2" else f"array/{NODE_KEY}"
    document = json.loads(store.values[key])
    document["fill_value"] = spelled
    store.values[key] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


def _null_fill_case(seed: int) -> CaseDraft:
    values = sample_values("int32", SHAPE, seed)
    store = build_array("zarr2", values, CHUNKS, write=WRITTEN, fill_value=None)
    model = open_array(store, path="array").model
    return CaseDraft(
        id="zarr2/fill-value/null-metadata",
        kind="metadata",
        requirements=["ZARR2-FILL-001", "CORE-FILL-003"],
        description="fill_value null describes an undefined fill value",
        requires=["format:zarr2", "op:metadata", "feature:undefined-fill"],
        tags=["fill-value"],
        store=store,
        node="array",
        expected_node=describe_node(model),
        origin={"generator": GENERATOR, "seed": seed},
    )


def _null_fill_read_case(seed: int) -> CaseDraft:
    values = sample_values("int32", SHAPE, seed)
    store = build_array("zarr2", values, CHUNKS, write=WRITTEN, fill_value=None)
    return read_case(
        GENERATOR,
        "zarr2/fill-value/null-written-chunks",
        store,
        values,
        seed=seed,
        requirements=["ZARR2-FILL-001", "CORE-FILL-003"],
        description="the written chunk of an array with fill_value null reads exactly",
        tags=["fill-value"],
        extra=["feature:undefined-fill"],
        selection=[[0, 2, 1], [0, 3, 1]],
    )


def fill_row_case(format_name: str, row: tuple[str, str, Any, Any, str]) -> CaseDraft:
    """The fill value case of ``row``, its values drawn with the hash of its id."""
    return fill_case(format_name, row, id_seed(f"{format_name}/fill-value/{row[0]}"))


def cases() -> Iterator[CaseDraft]:
    """Fill value cases for Zarr v2 and v3."""
    for format_name, rows in (("zarr2", FILLS), ("zarr3", [*FILLS, *V3_ONLY])):
        for row in rows:
            yield fill_row_case(format_name, row)
    yield _null_fill_case(id_seed("zarr2/fill-value/null-metadata"))
    yield _null_fill_read_case(id_seed("zarr2/fill-value/null-written-chunks"))

"""Read cases for every data type of each format, in each byte order (spec/core/data-types.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import (
    FORMAT_READ_REQUIREMENTS,
    N5_TYPES,
    ZARR_TYPES,
    build_array,
    id_seed,
    read_case,
    sample_values,
)
from zn5.reference.model.dtype import DataType

GENERATOR = "zn5.conformance.generate.dtypes"
SHAPE = (5, 7)
CHUNKS = (2, 3)
ZARR_EXTRA_TYPES = ("S5", "U3", "V3", "M8[ns]", "m8[s]")
V3_EXTRA_TYPES = ("V3", "M8[ns]", "m8[s]", "U3", "S5")


def _case(format_name: str, dtype: str, endian: str) -> CaseDraft:
    name = type_slug(dtype)
    ordered = DataType.of(dtype).has_byte_order and format_name != "n5"
    case_id = f"{format_name}/dtype/{name}-{endian}" if ordered else f"{format_name}/dtype/{name}"
    values = sample_values(dtype, SHAPE, id_seed(case_id))
    store = build_array(format_name, values, CHUNKS, endian=endian if format_name != "n5" else None)
    return read_case(
        GENERATOR,
        case_id,
        store,
        values,
        requirements=[
            *FORMAT_READ_REQUIREMENTS[format_name],
            "CORE-DTYPE-001",
            "CORE-DTYPE-002",
            "CORE-DTYPE-003",
            *(["ZARR2-DTYPE-005"] if format_name == "zarr2" else []),
            *(["CORE-DTYPE-004"] if values.dtype.kind == "U" else []),
        ],
        description=f"{dtype} elements stored {endian}-endian in a 5x7 array of 2x3 chunks read exactly",
        tags=["dtype", "edge-chunk"],
    )


SHORT_FAMILIES = {
    "fixed_length_bytes": "bytes",
    "fixed_length_utf32": "utf32x",
    "numpy.datetime64": "datetime64-",
    "numpy.timedelta64": "timedelta64-",
}
"""Families of canonical type names (CORE-DTYPE-001) by their spelling in a case id."""


def type_slug(dtype: str) -> str:
    """A data type as a case id spells it: its canonical name, the family shortened and a unit's count of
    one left out: int16, bytes5, utf32x3, raw24, datetime64-ns."""
    name = DataType.of(dtype).name
    family, _, argument = name.removesuffix("]").partition("[")
    if family in SHORT_FAMILIES:
        return SHORT_FAMILIES[family] + re.sub(r"^1(?=[a-z])", "", argument)
    return re.sub(r"^r(\d+)$", r"raw\1", name)


def cases() -> Iterator[CaseDraft]:
    """One read case per data type and byte order."""
    for format_name, types in (
        ("zarr2", (*ZARR_TYPES, *ZARR_EXTRA_TYPES)),
        ("zarr3", (*ZARR_TYPES, *V3_EXTRA_TYPES)),
        ("n5", N5_TYPES),
    ):
        for dtype in types:
            ordered = DataType.of(dtype).has_byte_order
            endians = ("big",) if format_name == "n5" else ("little", "big") if ordered else ("little",)
            for endian in endians:
                if format_name == "n5":
                    yield _n5_case(dtype)
                else:
                    yield _case(format_name, dtype, endian)


def _n5_case(dtype: str) -> CaseDraft:
    case = _case("n5", dtype, "big")
    case.description = (
        f"{dtype} elements, big-endian in N5 blocks, in a 5x7 dataset of 2x3 blocks read exactly"
    )
    return case

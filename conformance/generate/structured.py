"""Zarr v2 structured arrays (RFC 0014): records of named fields read in either byte order, with Base64
fill values in the stored order, their faults with valid twins, and a write (spec/core/data-types.md,
spec/formats/zarr2.md).

Every store is the reference's own, written with the fields' byte order given by ``endian``; the rejects
edit its ``.zarray``. Records of one-byte fields have no byte order at all.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import numpy as np

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import EDGE_SHAPE, FORMAT_READ_REQUIREMENTS, read_case, seeded_zarr2
from zn5.conformance.generate.rejects.faults import set_member
from zn5.conformance.generate.rejects.table import Reject, reject_cases
from zn5.conformance.generate.writes import WriteRow, write_cases
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.model.dtype import DataType

GENERATOR = "zn5.conformance.generate.structured"
REQUIREMENTS = [*FORMAT_READ_REQUIREMENTS["zarr2"], "ZARR2-STRUCT-001", "CORE-STRUCT-001", "CORE-STRUCT-002"]
MIXED = [("count", "<i4"), ("mean", "<f8"), ("code", "|S3"), ("valid", "|b1")]
"""A record of a four-byte integer, a float, fixed-length bytes and a bool."""
READS: list[tuple[str, str, list[tuple[str, str]], str, Any]] = [
    (
        "little-endian",
        "records of int32, float64, 3 bytes and a bool, little endian, gzip",
        MIXED,
        "little",
        (7, 1.5, b"ab", True),
    ),
    (
        "big-endian",
        "records of int64, float32 and complex128, big endian, whose fill value is stored big endian",
        [("id", ">i8"), ("weight", ">f4"), ("phase", ">c16")],
        "big",
        (-2, 0.25, 1 - 2j),
    ),
    (
        "one-byte-fields",
        "records of uint8, int8, a bool and 2 bytes, which have no byte order",
        [("u", "|u1"), ("i", "|i1"), ("flag", "|b1"), ("pair", "|S2")],
        "little",
        (255, -1, True, b"z"),
    ),
    (
        "time-and-text",
        "records of a datetime64[s], a timedelta64[ms] and 2 UTF-32 characters",
        [("at", "<M8[s]"), ("after", "<m8[ms]"), ("label", "<U2")],
        "little",
        (np.datetime64(0, "s"), np.timedelta64(5, "ms"), "é"),
    ),
]
"""(slug, what, fields, byte order, fill record) of the read cases."""


def _read(slug: str, description: str, fields: list[tuple[str, str]], endian: str, fill: Any) -> CaseDraft:
    """A read case: a seeded record array whose chunks below row 2 were never written."""
    case_id = f"zarr2/structured/{slug}"
    data_type = DataType.of(fields)
    record = np.array(fill, dtype=data_type.numpy_dtype)[()]
    filled = np.full(EDGE_SHAPE, record, dtype=data_type.numpy_dtype)
    store, expected = seeded_zarr2(case_id, filled, fill_value=record, endian=endian, compressor=Gzip(1))
    return read_case(
        GENERATOR,
        case_id,
        store,
        expected,
        requirements=[*REQUIREMENTS, "CORE-STRUCT-003"],
        description=f"{description} read exactly, the missing chunks as the fill record",
        tags=["structured", "edge-chunk", "missing-chunk"],
    )


REJECT_DTYPE = "<i4,<f8,|S3"
"""The reject rows' record: NumPy's fields f0, f1 and f2 (15 bytes)."""


def _rejects() -> list[Reject]:
    """A broken ``dtype`` or fill value of a record array, each with its valid twin."""
    common: dict[str, Any] = {"dtype": REJECT_DTYPE}
    return [
        Reject(
            "zarr2",
            "structured-field-without-name",
            set_member("dtype", [["", "<i4"], ["f1", "<f8"], ["f2", "|S3"]]),
            "open",
            "metadata",
            "CORE-STRUCT-001",
            "a structured dtype whose first field has the empty name",
            **common,
        ),
        Reject(
            "zarr2",
            "structured-duplicate-names",
            set_member("dtype", [["f0", "<i4"], ["f0", "<f8"], ["f2", "|S3"]]),
            "open",
            "metadata",
            "CORE-STRUCT-001",
            "a structured dtype with two fields named f0",
            **common,
        ),
        Reject(
            "zarr2",
            "structured-field-with-shape",
            set_member("dtype", [["f0", "<i4"], ["f1", "<f4", [2]], ["f2", "|S3"]]),
            "open",
            "unsupported",
            "CORE-STRUCT-004",
            "a structured dtype whose field f1 is a subarray of two float32",
            also=("ZARR2-DTYPE-004",),
            **common,
        ),
        Reject(
            "zarr2",
            "structured-nested-record",
            set_member("dtype", [["f0", "<i4"], ["f1", [["a", "<i4"], ["b", "<i4"]]], ["f2", "|S3"]]),
            "open",
            "unsupported",
            "CORE-STRUCT-001",
            "a structured dtype whose field f1 is itself a record",
            also=("ZARR2-DTYPE-004",),
            **common,
        ),
        Reject(
            "zarr2",
            "structured-fill-value-short",
            set_member("fill_value", base64.standard_b64encode(bytes(12)).decode()),
            "open",
            "metadata",
            "ZARR2-FILL-006",
            "a record array of 15-byte records whose fill value holds 12 bytes",
            also=("CORE-STRUCT-003",),
            **common,
        ),
    ]


WRITES: list[WriteRow] = [
    (
        "zarr2",
        "structured-records",
        REJECT_DTYPE,
        (5, 4),
        (2, 3),
        {"fill_value": np.array((1, -0.5, b"x"), dtype="<i4,<f8,|S3")[()]},
        "a structured array of int32, float64 and 3-byte fields with a fill record",
        ["ZARR2-STRUCT-001", "CORE-STRUCT-001"],
    ),
]


def cases() -> Iterator[CaseDraft]:
    """Read, reject and write cases of Zarr v2 structured arrays."""
    for row in READS:
        yield _read(*row)
    yield from reject_cases(_rejects())
    yield from write_cases(WRITES)

"""Cases for the faults real libraries are known to make, one named case per kind of fault: writes that a
writer-side check catches (blosc headers, bool fills, empty axes, shard index placement, a transpose in
front of sharding) and spellings that readers must take (one-byte Zarr v2 types with a byte order, a
``bytes`` codec without configuration for one-byte types).

Every case reads or writes the reference's own store; its description says which fault it catches.
Seeds come from a hash of the case id, so adding a case changes no other case.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import (
    build_array,
    format_read_case,
    id_seed,
    sample_values,
)
from zn5.conformance.generate.writes import WriteRow, write_row_case
from zn5.conformance.suite.gaps import (
    BYTES_WITHOUT_CONFIGURATION,
    ONE_BYTE_TYPE_STRINGS,
    TRANSPOSE_BEFORE_SHARDING,
    Gap,
)
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.store.memory import MemoryStore

GENERATOR = "zn5.conformance.generate.field"

TRANSPOSE_THEN_SHARDING = [
    Transpose((1, 0)),
    Sharding((3, 2), (BytesCodec("little"),)),
]
"""Shards of (4, 6) are (6, 4) after the transpose; inner chunks of (3, 2) divide that shape, not (4, 6)."""

WRITES: list[WriteRow] = [
    (
        "zarr2",
        "int16-blosc-shuffle",
        "int16",
        (6, 7),
        (4, 4),
        {"compressor": Blosc("lz4", 5, "shuffle", None)},
        "an int16 array with blosc byte shuffle (chunk headers with type size 2: CODEC-BLOSC-004)",
        ["CODEC-BLOSC-004", "CODEC-BLOSC-001"],
    ),
    (
        "zarr2",
        "bool-fill-true",
        "bool",
        (5, 6),
        (4, 4),
        {"fill_value": True},
        "a bool array with fill value true (written as the JSON true, not 1: ZARR2-FILL-002)",
        ["ZARR2-FILL-002", "CORE-META-003"],
    ),
    *(
        (
            format_name,
            "uint16-zero-length-axis",
            "uint16",
            (0, 5),
            (2, 2),
            {},
            "a uint16 array with a zero-length axis (no chunk to write: CORE-GRID-001)",
            ["CORE-GRID-001"],
        )
        for format_name in ("zarr2", "zarr3", "n5")
    ),
    (
        "zarr3",
        "int32-sharded-index-start",
        "int32",
        (8, 6),
        (4, 6),
        {"codecs": [Sharding((2, 3), (BytesCodec("little"),), (BytesCodec("little"), Crc32c()), "start")]},
        'a sharded int32 array with index_location "start" (the index leads each shard: CODEC-SHARDING-002)',
        ["CODEC-SHARDING-002", "CODEC-SHARDING-001"],
    ),
    (
        "zarr3",
        "int16-sharded-edge-inner-chunks",
        "int16",
        (7, 9),
        (4, 6),
        {"codecs": [Sharding((2, 3), (BytesCodec("little"),))]},
        "a sharded int16 array whose edge shards hold edge inner chunks, each one stored (CORE-GRID-003)",
        ["CODEC-SHARDING-001", "CORE-GRID-003"],
    ),
    (
        "zarr3",
        "uint16-transpose-then-sharding",
        "uint16",
        (8, 12),
        (4, 6),
        {"codecs": TRANSPOSE_THEN_SHARDING},
        "a uint16 array with a transpose before sharding, inner chunks of the transposed shard shape",
        ["CODEC-TRANSPOSE-001", "CODEC-SHARDING-001"],
    ),
]


def _rewritten(store: MemoryStore, key: str, change: Callable[[dict[str, Any]], None]) -> MemoryStore:
    """``store`` with the JSON document at ``key`` changed in place by ``change``."""
    document = json.loads(store.values[key])
    change(document)
    store.values[key] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()
    return store


def _read_case(
    case_id: str,
    values: np.ndarray[Any, Any],
    store: MemoryStore,
    requirements: list[str],
    description: str,
    gap: Gap,
) -> CaseDraft:
    """A read case of the array at ``array`` in ``store``, tagged by the second part of its ID and by the
    gap it covers."""
    tags = [case_id.split("/")[1], gap.tag]
    return format_read_case(
        GENERATOR, case_id, store, values, requirements, description=description, tags=tags
    )


def _dtype_with_byte_order(dtype: str, spelled: str) -> CaseDraft:
    """A one-byte Zarr v2 type written with a byte order, as netCDF-C writes ``"<i1"`` (ZARR2-DTYPE-002)."""
    case_id = f"zarr2/dtype/{dtype}-spelled-{'little' if spelled[0] == '<' else 'big'}"
    values = sample_values(dtype, (5, 6), id_seed(case_id))
    store = _rewritten(
        build_array("zarr2", values, (4, 4)), "array/.zarray", lambda d: d.update(dtype=spelled)
    )
    description = (
        f'a {dtype} array whose type string is "{spelled}" (a byte order on a one-byte type, '
        "as netCDF-C writes it) reads as the one-byte type"
    )
    return _read_case(case_id, values, store, ["ZARR2-DTYPE-002"], description, ONE_BYTE_TYPE_STRINGS)


def _bytes_without_configuration() -> CaseDraft:
    """A Zarr v3 uint8 array whose ``bytes`` codec has no configuration: one-byte types need no endian
    (CODEC-BYTES-002)."""
    case_id = "zarr3/codec/uint8-bytes-without-configuration"
    values = sample_values("uint8", (5, 6), id_seed(case_id))
    store = _rewritten(
        build_array("zarr3", values, (4, 4)),
        "array/zarr.json",
        lambda d: d.update(codecs=[{"name": "bytes"}]),
    )
    description = "a uint8 array whose bytes codec is written without a configuration reads exactly"
    return _read_case(case_id, values, store, ["CODEC-BYTES-002"], description, BYTES_WITHOUT_CONFIGURATION)


def _transpose_then_sharding() -> CaseDraft:
    """The read side of ``uint16-transpose-then-sharding``."""
    case_id = "zarr3/sharding/transpose-then-sharding"
    values = sample_values("uint16", (8, 12), id_seed(case_id))
    store = build_array("zarr3", values, (4, 6), codecs=TRANSPOSE_THEN_SHARDING)
    description = (
        "a transpose before sharding: shards of (4, 6) are sharded as (6, 4), in inner chunks "
        "of (3, 2) that divide only the transposed shape"
    )
    requirements = ["CODEC-TRANSPOSE-001", "CODEC-SHARDING-001"]
    return _read_case(case_id, values, store, requirements, description, TRANSPOSE_BEFORE_SHARDING)


def cases() -> Iterator[CaseDraft]:
    """The field's faults: write cases, then read cases."""
    for row in WRITES:
        yield write_row_case(row)
    yield _dtype_with_byte_order("int8", "<i1")
    yield _dtype_with_byte_order("uint8", ">u1")
    yield _dtype_with_byte_order("bool", "<b1")
    yield _bytes_without_configuration()
    yield _transpose_then_sharding()

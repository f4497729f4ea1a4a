"""Sharding cases: index at the end and the start, absent inner chunks, compressed inner chunks, nested
shards, edge shards and partial selections (spec/codecs/sharding.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from zn5.conformance.generate.case import CaseDraft, Selection
from zn5.conformance.generate.common import (
    FORMAT_READ_REQUIREMENTS,
    build_array,
    id_seed,
    read_case,
    sample_values,
)
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.codecs.zstd import Zstd

GENERATOR = "zn5.conformance.generate.sharding"
LITTLE = BytesCodec("little")
INDEX = (LITTLE, Crc32c())

# (slug, shape, shard shape, sharding codec, selection, what, requirement IDs, written part or ...)
SHARDS: list[tuple[str, tuple[int, ...], tuple[int, ...], Codec, Selection, str, list[str], Any]] = [
    (
        "index-end",
        (8, 8),
        (4, 4),
        Sharding((2, 2), (LITTLE,), INDEX, "end"),
        None,
        "shards with the index at the end",
        ["CODEC-SHARDING-001", "CODEC-SHARDING-003"],
        ...,
    ),
    (
        "index-start",
        (8, 8),
        (4, 4),
        Sharding((2, 2), (LITTLE,), INDEX, "start"),
        None,
        "shards with the index at the start",
        ["CODEC-SHARDING-001", "CODEC-SHARDING-003"],
        ...,
    ),
    (
        "inner-gzip",
        (8, 8),
        (4, 4),
        Sharding((2, 2), (LITTLE, Gzip(1)), INDEX),
        None,
        "gzip-compressed inner chunks",
        ["CODEC-SHARDING-001", "CODEC-GZIP-001"],
        ...,
    ),
    (
        "inner-transpose-zstd",
        (8, 8),
        (4, 4),
        Sharding((2, 2), (Transpose((1, 0)), BytesCodec("big"), Zstd(1)), INDEX),
        None,
        "inner chunks through transpose, big-endian bytes and zstd",
        ["CODEC-SHARDING-001"],
        ...,
    ),
    (
        "index-without-checksum",
        (8, 8),
        (4, 4),
        Sharding((2, 2), (LITTLE,), (LITTLE,)),
        None,
        "an index encoded without a checksum",
        ["CODEC-SHARDING-002"],
        ...,
    ),
    (
        "absent-inner-chunks",
        (8, 8),
        (4, 4),
        Sharding((2, 2), (LITTLE,), INDEX),
        None,
        "inner chunks marked absent in the index",
        ["CODEC-SHARDING-003", "CORE-CHUNK-001"],
        (slice(0, 2), slice(0, 6)),
    ),
    (
        "edge-shards",
        (7, 9),
        (4, 4),
        Sharding((2, 2), (LITTLE,), INDEX),
        None,
        "shards and inner chunks that overhang the array",
        ["CODEC-SHARDING-001", "CORE-GRID-003"],
        ...,
    ),
    (
        "partial-selection",
        (8, 8),
        (8, 8),
        Sharding((2, 2), (LITTLE, Gzip(1)), INDEX),
        [[3, 5, 1], [1, 7, 2]],
        "a selection of a few inner chunks of one shard",
        ["CODEC-SHARDING-005", "CORE-ARRAY-002"],
        ...,
    ),
    (
        "nested",
        (8, 8),
        (8, 8),
        Sharding((4, 4), (Sharding((2, 2), (LITTLE,), INDEX),), INDEX),
        None,
        "shards whose inner chunks are shards",
        ["CODEC-SHARDING-001"],
        ...,
    ),
]


def cases() -> Iterator[CaseDraft]:
    """The Zarr v3 sharding cases."""
    for slug, shape, shard, codec, selection, what, requirements, written in SHARDS:
        case_id = f"zarr3/sharding/{slug}"
        values = sample_values("uint16", shape, id_seed(case_id))
        store = build_array("zarr3", values, shard, codecs=[codec], write=written, fill_value=3)
        expected = np.full(shape, 3, dtype=values.dtype)
        expected[written] = values[written]
        extra = ["feature:nested-sharding"] if slug == "nested" else []
        yield read_case(
            GENERATOR,
            case_id,
            store,
            expected,
            requirements=[*FORMAT_READ_REQUIREMENTS["zarr3"], *requirements],
            description=f"uint16 data in {what} reads exactly",
            tags=["sharding"],
            extra=extra,
            selection=selection,
            codecs=[codec],
        )

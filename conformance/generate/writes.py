"""Write cases (an array and the node to write it as) and equivalence cases (one array stored in all three
formats) (spec/core/arrays.md)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import (
    FORMATS,
    build_array,
    codec_tokens,
    dtype_token,
    id_seed,
    sample_values,
)
from zn5.conformance.generate.hierarchy import ATTRIBUTES
from zn5.conformance.suite.canonical import describe_node
from zn5.conformance.suite.gaps import Gap, write_gaps
from zn5.conformance.suite.tokens import node_tokens
from zn5.reference.api import create_array, open_array
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.store.memory import MemoryStore

GENERATOR = "zn5.conformance.generate.writes"

WriteRow = tuple[str, str, str, tuple[int, ...], tuple[int, ...], dict[str, Any], str, list[str]]
"""(format, slug, dtype, shape, chunks, create_array options, what, requirement IDs)"""
WRITES: list[WriteRow] = [
    (
        "zarr2",
        "int16-edge-chunks",
        "int16",
        (7, 5),
        (3, 4),
        {},
        "an int16 array with edge chunks",
        ["ZARR2-META-001", "CORE-GRID-003"],
    ),
    (
        "zarr2",
        "float64-order-f-gzip",
        "float64",
        (6, 4),
        (4, 3),
        {"order": "F", "compressor": Gzip(1)},
        "an F-order float64 array with gzip",
        ["ZARR2-META-005", "CODEC-GZIP-001"],
    ),
    (
        "zarr2",
        "uint8-slash-separator",
        "uint8",
        (5, 5),
        (2, 2),
        {"dimension_separator": "/"},
        "a uint8 array with '/' chunk keys",
        ["ZARR2-META-007"],
    ),
    (
        "zarr3",
        "float32-gzip",
        "float32",
        (6, 7),
        (4, 4),
        {"compressor": Gzip(1), "fill_value": 0.5},
        "a float32 array with gzip and fill value 0.5",
        ["ZARR3-META-002", "CODEC-GZIP-001"],
    ),
    (
        "zarr3",
        "int32-sharded",
        "int32",
        (8, 8),
        (4, 4),
        {"codecs": [Sharding((2, 2), (BytesCodec("little"),))]},
        "a sharded int32 array",
        ["CODEC-SHARDING-001"],
    ),
    (
        "zarr3",
        "uint16-big-endian",
        ">u2",
        (5, 6),
        (2, 6),
        {},
        "a big-endian uint16 array",
        ["CODEC-BYTES-001"],
    ),
    (
        "n5",
        "uint16-truncated-edges",
        "uint16",
        (5, 3, 2),
        (4, 2, 2),
        {},
        "a uint16 dataset with edge blocks",
        ["N5-BLOCK-002", "N5-AXIS-001"],
    ),
    (
        "n5",
        "float32-gzip",
        "float32",
        (9, 4),
        (4, 4),
        {"compressor": Gzip(6)},
        "a float32 dataset with gzip",
        ["N5-CODEC-001", "CODEC-GZIP-001"],
    ),
    (
        "zarr2",
        "float64-fill-nan",
        "float64",
        (5, 4),
        (3, 3),
        {"fill_value": math.nan},
        "a float64 array with fill value NaN",
        ["CORE-META-003", "ZARR2-FILL-004"],
    ),
    (
        "zarr3",
        "float32-fill-negative-infinity",
        "float32",
        (5, 4),
        (3, 3),
        {"fill_value": -math.inf},
        "a float32 array with fill value -Infinity",
        ["CORE-META-003", "ZARR3-FILL-004"],
    ),
    (
        "zarr3",
        "uint16-blosc",
        "uint16",
        (6, 7),
        (4, 4),
        {"compressor": Blosc("zstd", 3, "bitshuffle")},
        "a uint16 array with blosc, whose type size is the element size",
        ["CODEC-BLOSC-003", "CODEC-BLOSC-001"],
    ),
    *(
        (
            format_name,
            "int16-attributes",
            "int16",
            (4, 3),
            (2, 2),
            {"attributes": ATTRIBUTES},
            "an int16 array with attributes of every JSON kind",
            ["CORE-ATTR-001"],
        )
        for format_name in FORMATS
    ),
]


def write_row_case(
    row: WriteRow,
    *,
    values: np.ndarray[Any, Any] | None = None,
    path: str = "array",
    gaps: Sequence[Gap] = (),
) -> CaseDraft:
    """The write case of ``row``: ``values`` (by default a sample drawn with the hash of its id) written
    as the array at ``path``, tagged with ``gaps`` and the gaps its description shows (``write_gaps``)."""
    format_name, slug, dtype, shape, chunks, options, what, requirements = row
    case_id = f"{format_name}/write/{slug}"
    seed = id_seed(case_id)
    values = sample_values(dtype, shape, seed) if values is None else values
    target = create_array(
        MemoryStore(), format=format_name, path=path, shape=shape, dtype=dtype, chunks=chunks, **options
    )
    node = describe_node(target.model)
    return CaseDraft(
        id=case_id,
        kind="write",
        requirements=requirements,
        description=f"{what} written from values reads back equal with the same metadata",
        requires=[
            f"format:{format_name}",
            "op:write",
            dtype_token(values.dtype),
            *codec_tokens(target.model.codecs),
            *node_tokens(node),
        ],
        tags=["write", *(gap.tag for gap in (*gaps, *write_gaps(format_name, node)))],
        input_array=values,
        target={"format": format_name, "node": path, "metadata": node},
        origin={"generator": GENERATOR, "seed": seed},
    )


def _sharded_fill_case() -> CaseDraft:
    """Some inner chunks, and one whole shard, hold only the fill value: a writer may leave them out, and
    then marks them absent in the index (CODEC-SHARDING-006)."""
    case_id = "zarr3/write/int32-sharded-fill-inner-chunks"
    seed = id_seed(case_id)
    values = sample_values("int32", (8, 8), seed)
    values[values == 0] = 1
    values[0:2, 2:4] = 0
    values[4:8, 4:8] = 0
    target = create_array(
        MemoryStore(),
        format="zarr3",
        path="array",
        shape=values.shape,
        dtype=values.dtype,
        chunks=(4, 4),
        codecs=[Sharding((2, 2), (BytesCodec("little"),))],
    )
    return CaseDraft(
        id=case_id,
        kind="write",
        requirements=["CODEC-SHARDING-006", "CODEC-SHARDING-003"],
        description="a sharded int32 array with inner chunks and a shard of fill values reads back equal",
        requires=["format:zarr3", "op:write", "dtype:int32", *codec_tokens(target.model.codecs)],
        tags=["write", "sharding"],
        input_array=values,
        target={"format": "zarr3", "node": "array", "metadata": describe_node(target.model)},
        origin={"generator": GENERATOR, "seed": seed},
    )


def _equivalence_case() -> CaseDraft:
    case_id = "cross/equivalence/uint16-3d"
    seed = id_seed(case_id)
    values = sample_values("uint16", (5, 3, 2), seed)
    stores = {
        name: build_array(name, values, (2, 2, 4)[::-1] if name == "n5" else (2, 2, 4)) for name in FORMATS
    }
    tokens = {  # n5.block comes with format:n5, so a reader of the Zarr formats alone still takes part
        token
        for name, store in stores.items()
        for token in codec_tokens(open_array(store, path="array").model.codecs)
    } - {"codec:n5.block"}
    return CaseDraft(
        id=case_id,
        kind="equivalence",
        requirements=["N5-AXIS-001", "CORE-ARRAY-001"],
        description="one uint16 array stored as Zarr v2, Zarr v3 and N5 reads identically from each",
        requires=["op:read", "dtype:uint16", *sorted(tokens)],
        tags=["equivalence"],
        stores=stores,
        node="array",
        expected_array=values,
        origin={"generator": GENERATOR, "seed": seed},
    )


def write_cases(rows: list[WriteRow]) -> Iterator[CaseDraft]:
    """A write case for each of ``rows``."""
    for row in rows:
        yield write_row_case(row)


def cases() -> Iterator[CaseDraft]:
    """The write cases and the equivalence case."""
    yield from write_cases(WRITES)
    yield _sharded_fill_case()
    yield _equivalence_case()

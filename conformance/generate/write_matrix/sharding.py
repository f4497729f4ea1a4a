"""Sharding layouts: index at the start and the end, edge shards and edge inner chunks, nesting."""

from __future__ import annotations

import math
from collections.abc import Sequence

from zn5.conformance.generate.write_matrix.base import Row
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.codecs.zstd import Zstd


def _shard(
    inner: tuple[int, ...],
    codecs: Sequence[Codec],
    location: str = "end",
    index: Sequence[Codec] | None = None,
) -> Sharding:
    index_codecs = tuple(index) if index is not None else (BytesCodec("little"), Crc32c())
    return Sharding(inner, tuple(codecs), index_codecs, location)  # type: ignore[arg-type]


LITTLE = BytesCodec("little")


def _sharding_rows() -> list[Row]:
    """Sharding layouts: edge shards and edge inner chunks, the index at the start and the end, index
    chains with and without a checksum, inner chains, transposes and nesting (spec/codecs/sharding.md)."""
    shard = ["CODEC-SHARDING-001", "CODEC-SHARDING-006"]
    return [
        Row("zarr3", "int16-sharded-start-edges", "<i2", (9, 10), (4, 6),
            {"codecs": [_shard((2, 3), [LITTLE], "start")]},
            'a sharded array with index_location "start", edge shards and edge inner chunks',
            [*shard, "CODEC-SHARDING-003", "CORE-GRID-003"]),
        Row("zarr3", "float32-sharded-3d-gzip", "<f4", (5, 6, 7), (4, 4, 4),
            {"codecs": [_shard((2, 2, 2), [LITTLE, Gzip(1)])]},
            "a 3-d sharded array with gzip inner chunks and edge shards on every axis",
            [*shard, "CODEC-GZIP-001"]),
        Row("zarr3", "uint32-sharded-index-without-checksum", "<u4", (8, 8), (4, 8),
            {"codecs": [_shard((2, 4), [LITTLE], "end", [LITTLE])]},
            "a sharded array whose index has no checksum", [*shard, "CODEC-SHARDING-002"]),
        Row("zarr3", "int32-sharded-index-big-endian-start", "<i4", (6, 6), (6, 6),
            {"codecs": [_shard((3, 2), [LITTLE], "start", [BytesCodec("big"), Crc32c()])]},
            "a sharded array whose index is big endian, at the start", [*shard, "CODEC-SHARDING-002"]),
        Row("zarr3", "uint16-sharded-inner-transpose-zstd", "<u2", (8, 6), (4, 6),
            {"codecs": [_shard((2, 3), [Transpose((1, 0)), LITTLE, Zstd(3)])]},
            "a sharded array whose inner chain transposes and compresses", [*shard, "CODEC-TRANSPOSE-001"]),
        Row("zarr3", "uint16-3d-transpose-then-sharding", "<u2", (6, 8, 4), (3, 4, 4),
            {"codecs": [Transpose((2, 0, 1)), _shard((2, 3, 2), [LITTLE])]},
            "a 3-d transpose before sharding, inner chunks dividing the transposed shard (4, 3, 4)",
            [*shard, "CODEC-TRANSPOSE-001", "CODEC-SHARDING-002"]),
        Row("zarr3", "int8-sharded-nested", "|i1", (8, 8), (8, 8),
            {"codecs": [_shard((4, 4), [_shard((2, 2), [BytesCodec(None)])])]},
            "a shard of shards: inner chunks that are themselves sharded", [*shard, "CODEC-SHARDING-003"]),
        Row("zarr3", "float64-sharded-fill-nan", "<f8", (8, 8), (4, 8),
            {"fill_value": math.nan, "codecs": [_shard((2, 4), [LITTLE, Crc32c()])]},
            "a sharded array with fill value NaN and inner chunks of NaN only",
            [*shard, "ZARR3-FILL-004", "CORE-ARRAY-005"], fill_chunk=True),
        Row("zarr3", "bool-sharded-blosc", "|b1", (7, 7), (4, 4),
            {"fill_value": True,
             "codecs": [_shard((2, 2), [BytesCodec(None), Blosc("lz4", 5, "bitshuffle")], "start")]},
            "a sharded bool array with blosc inner chunks and fill value true", [*shard, "CODEC-BLOSC-004"]),
        Row("zarr3", "complex128-sharded-one-inner-chunk", "<c16", (4, 4), (2, 2),
            {"codecs": [_shard((2, 2), [LITTLE])]}, "a sharded array whose shards hold a single inner chunk",
            shard),
        Row("zarr3", "int64-sharded-1d", "<i8", (37,), (16,),
            {"codecs": [_shard((4,), [LITTLE, Zstd(1)], "start")]},
            "a 1-d sharded array with many inner chunks and an edge shard", [*shard, "CORE-GRID-003"]),
        Row("zarr3", "uint8-sharded-zero-length-axis", "|u1", (0, 8), (4, 4),
            {"codecs": [_shard((2, 2), [BytesCodec(None)])]},
            "a sharded array with a zero-length axis: no shard to write", [*shard, "CORE-GRID-001"]),
        Row("zarr3", "float32-sharded-big-endian-inner", ">f4", (6, 6), (6, 6),
            {"codecs": [_shard((3, 3), [BytesCodec("big"), Gzip(1)], "start")]},
            "a sharded array with big-endian inner chunks", [*shard, "CODEC-BYTES-001"]),
    ]  # fmt: skip

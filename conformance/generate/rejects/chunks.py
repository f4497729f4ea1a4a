"""Reject cases whose metadata is valid and whose stored chunk is not, refused when read: truncated or
corrupt chunks, checksums that do not match, shard indexes and N5 block headers."""

from __future__ import annotations

import gzip
import zlib

from zn5.conformance.generate.rejects.faults import (
    append_to_chunk,
    cut_chunk,
    flip_byte,
    flip_last_byte,
    replace_chunk,
)
from zn5.conformance.generate.rejects.table import GZIP, Reject
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.crc32 import Crc32
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.n5_lz4 import N5Lz4
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.codecs.zlib import Zlib

CHUNKS: list[Reject] = [
    Reject(
        "zarr2",
        "chunk-truncated",
        replace_chunk("array/0.0", bytes(10)),
        "read",
        "chunk",
        "CODEC-BYTES-003",
        "an uncompressed chunk shorter than its shape",
        also=("CORE-CHUNK-002",),
    ),
    Reject(
        "zarr2",
        "chunk-gzip-corrupt",
        replace_chunk("array/0.0", b"\x1f\x8b\x08\x00garbage"),
        "read",
        "chunk",
        "CORE-CODEC-005",
        "a gzip chunk that does not inflate",
        GZIP,
    ),
    Reject(
        "zarr2",
        "chunk-decompression-bomb",
        replace_chunk("array/0.0", zlib.compress(bytes(2**20))),
        "read",
        "chunk",
        "CORE-CODEC-004",
        "a zlib chunk inflating past its declared size",
        (("compressor", Zlib(1)),),
    ),
    Reject(
        "zarr3",
        "crc32c-mismatch",
        flip_last_byte("array/c/0/0"),
        "read",
        "chunk",
        "CODEC-CRC32C-002",
        "a chunk whose CRC-32C does not match",
        (("codecs", (BytesCodec("little"), Crc32c())),),
    ),
    Reject(
        "zarr3",
        "shard-index-out-of-range",
        replace_chunk("array/c/0/0", bytes(8)),
        "read",
        "chunk",
        "CODEC-SHARDING-004",
        "a shard shorter than its index",
        (("codecs", (Sharding((2, 2), (BytesCodec("little"),), (BytesCodec("little"),)),)),),
    ),
    Reject(
        "n5",
        "block-rank-mismatch",
        replace_chunk("array/0/0", bytes.fromhex("0000 0001 00000004") + bytes(8)),
        "read",
        "chunk",
        "N5-BLOCK-003",
        "a block header of rank 1 in a 2-d dataset",
    ),
    Reject(
        "n5",
        "block-size-too-large",
        replace_chunk("array/0/0", bytes.fromhex("0000 0002 00000005 00000004") + bytes(80)),
        "read",
        "chunk",
        "N5-BLOCK-004",
        "a block header larger than blockSize",
    ),
    Reject(
        "n5",
        "block-payload-short",
        replace_chunk("array/0/0", bytes.fromhex("0000 0002 00000004 00000004") + bytes(10)),
        "read",
        "chunk",
        "N5-BLOCK-006",
        "a block payload shorter than its header's sizes",
    ),
    Reject(
        "n5",
        "block-header-truncated",
        replace_chunk("array/0/0", bytes.fromhex("0000 00")),
        "read",
        "chunk",
        "N5-BLOCK-003",
        "a block cut inside its header",
    ),
    Reject(
        "zarr2",
        "edge-chunk-truncated",
        replace_chunk("array/1.1", bytes(8)),
        "read",
        "chunk",
        "CORE-CHUNK-002",
        "an edge chunk stored cut to the array's bounds",
    ),
    Reject(
        "zarr2",
        "chunk-gzip-too-short",
        replace_chunk("array/0.0", gzip.compress(bytes(32), mtime=0)),
        "read",
        "chunk",
        "CORE-CHUNK-002",
        "a gzip chunk that inflates to half the chunk's size",
        GZIP,
        also=("CORE-CODEC-005",),
    ),
    Reject(
        "zarr2",
        "chunk-gzip-trailing-bytes",
        append_to_chunk("array/0.0", b"not a gzip member"),
        "read",
        "chunk",
        "CODEC-GZIP-002",
        "bytes after the last gzip member that form no member",
        GZIP,
    ),
    Reject(
        "zarr2",
        "crc32-mismatch",
        flip_last_byte("array/0.0"),
        "read",
        "chunk",
        "CODEC-CRC32-002",
        "a chunk whose CRC-32 does not match",
        (("compressor", Crc32()),),
    ),
    Reject(
        "n5",
        "block-object-mode",
        replace_chunk("array/0/0", bytes.fromhex("0002 00000040") + bytes(64)),
        "read",
        "unsupported",
        "N5-BLOCK-007",
        "an object-mode block in an int32 dataset",
    ),
    Reject(
        "n5",
        "lz4-checksum-mismatch",
        flip_byte("array/0/0", 12 + 17),
        "read",
        "chunk",
        "CODEC-N5LZ4-003",
        "an lz4 block whose checksum does not match",
        (("compressor", N5Lz4(64)),),
    ),
    Reject(
        "n5",
        "lz4-no-end-block",
        cut_chunk("array/0/0", 21),
        "read",
        "chunk",
        "CODEC-N5LZ4-003",
        "an lz4 block stream without its end block",
        (("compressor", N5Lz4(64)),),
    ),
]

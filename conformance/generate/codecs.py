"""Read cases for each codec alone and in chains, per format (spec/codecs/, spec/core/codecs.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from zn5.conformance.generate.case import Case
from zn5.conformance.generate.common import FORMAT_READ_REQUIREMENTS, build_array, read_tokens, sample_values
from zn5.reference.api import open_array
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.bz2 import Bz2
from zn5.reference.codecs.crc32 import Crc32
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.delta import Delta
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.lz4 import Lz4
from zn5.reference.codecs.lzma import Lzma
from zn5.reference.codecs.n5_lz4 import N5Lz4
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.codecs.zstd import Zstd

GENERATOR = "zn5.conformance.generate.codecs"
SHAPE = (9, 10)
CHUNKS = (4, 6)

# (slug, options for create_array, requirement IDs): compressors and filters as each format spells them.
ZARR2: list[tuple[str, dict[str, Any], list[str]]] = [
    ("raw", {}, ["CODEC-BYTES-001"]),
    ("gzip", {"compressor": Gzip(5)}, ["CODEC-GZIP-001"]),
    ("zlib", {"compressor": Zlib(1)}, ["CODEC-ZLIB-001"]),
    ("bz2", {"compressor": Bz2(9)}, ["CODEC-BZ2-001"]),
    ("lzma", {"compressor": Lzma(6)}, ["CODEC-LZMA-001"]),
    ("zstd", {"compressor": Zstd(3)}, ["CODEC-ZSTD-001"]),
    ("zstd-checksum", {"compressor": Zstd(1, checksum=True)}, ["CODEC-ZSTD-001"]),
    ("lz4", {"compressor": Lz4(1)}, ["CODEC-LZ4-001"]),
    ("blosc-lz4-shuffle", {"compressor": Blosc("lz4", 5, "shuffle", 4)}, ["CODEC-BLOSC-001"]),
    ("blosc-zstd-bitshuffle", {"compressor": Blosc("zstd", 3, "bitshuffle", 4)}, ["CODEC-BLOSC-001"]),
    ("blosc-zlib-noshuffle", {"compressor": Blosc("zlib", 1, "noshuffle", 4)}, ["CODEC-BLOSC-001"]),
    ("blosc-blosclz", {"compressor": Blosc("blosclz", 9, "shuffle", 4)}, ["CODEC-BLOSC-001"]),
    ("order-f", {"order": "F"}, ["ZARR2-META-005", "CODEC-TRANSPOSE-002"]),
    ("order-f-gzip", {"order": "F", "compressor": Gzip(1)}, ["ZARR2-META-005", "CODEC-GZIP-001"]),
    (
        "filter-delta",
        {"filters": [Delta("<i4", "<i4")], "compressor": Zlib(1)},
        ["CODEC-DELTA-001", "ZARR2-CODEC-004"],
    ),
    ("filter-crc32", {"filters": [Crc32()], "compressor": Gzip(1)}, ["CODEC-CRC32-001", "ZARR2-CODEC-004"]),
    (
        "filter-delta-order-f",
        {"filters": [Delta("<i4", "<i4")], "order": "F"},
        ["CODEC-DELTA-001", "ZARR2-META-005"],
    ),
]
ZARR3: list[tuple[str, dict[str, Any], list[str]]] = [
    ("bytes-little", {"codecs": [BytesCodec("little")]}, ["CODEC-BYTES-001"]),
    ("bytes-big", {"codecs": [BytesCodec("big")]}, ["CODEC-BYTES-001"]),
    ("gzip", {"codecs": [BytesCodec("little"), Gzip(6)]}, ["CODEC-GZIP-001"]),
    ("zstd", {"codecs": [BytesCodec("little"), Zstd(0)]}, ["CODEC-ZSTD-001"]),
    ("blosc", {"codecs": [BytesCodec("little"), Blosc("lz4", 5, "shuffle", 4)]}, ["CODEC-BLOSC-001"]),
    ("crc32c", {"codecs": [BytesCodec("little"), Crc32c()]}, ["CODEC-CRC32C-001"]),
    (
        "gzip-crc32c",
        {"codecs": [BytesCodec("big"), Gzip(1), Crc32c()]},
        ["CODEC-GZIP-001", "CODEC-CRC32C-001"],
    ),
    ("transpose-fortran", {"codecs": [Transpose((1, 0)), BytesCodec("little")]}, ["CODEC-TRANSPOSE-001"]),
    (
        "transpose-twice",
        {"codecs": [Transpose((1, 0)), Transpose((1, 0)), BytesCodec("big")]},
        ["CODEC-TRANSPOSE-001", "CORE-CODEC-002"],
    ),
    ("numcodecs-zlib", {"codecs": [BytesCodec("little"), Zlib(4)]}, ["CODEC-ZLIB-001"]),
    ("numcodecs-delta", {"codecs": [Delta("<i4", "<i4"), BytesCodec("little")]}, ["CODEC-DELTA-001"]),
]
N5: list[tuple[str, dict[str, Any], list[str]]] = [
    ("raw", {}, ["N5-CODEC-001"]),
    ("gzip", {"compressor": Gzip(6)}, ["N5-CODEC-001", "CODEC-GZIP-001"]),
    ("gzip-zlib", {"compressor": Zlib(6)}, ["N5-CODEC-001", "CODEC-ZLIB-001"]),
    ("bzip2", {"compressor": Bz2(9)}, ["N5-CODEC-001", "CODEC-BZ2-001"]),
    ("xz", {"compressor": Lzma(6)}, ["N5-CODEC-001", "CODEC-LZMA-001"]),
    ("zstd", {"compressor": Zstd(3)}, ["N5-CODEC-001", "CODEC-ZSTD-001"]),
    ("blosc", {"compressor": Blosc("lz4", 5, "shuffle", 1)}, ["N5-CODEC-001", "CODEC-BLOSC-001"]),
    ("lz4", {"compressor": N5Lz4(65536)}, ["N5-CODEC-001", "CODEC-N5LZ4-001"]),
    ("lz4-small-blocks", {"compressor": N5Lz4(64)}, ["N5-CODEC-001", "CODEC-N5LZ4-001"]),
]


def _case(format_name: str, slug: str, options: dict[str, Any], requirements: list[str], seed: int) -> Case:
    values = sample_values("int32", SHAPE, seed) // 1024  # smaller values: the compressors have work to do
    store = build_array(format_name, values, CHUNKS, **options)
    codecs: tuple[Codec, ...] = open_array(store, path="array").model.codecs
    chain = " → ".join(codec.name for codec in codecs)
    return Case(
        id=f"{format_name}/codec/{slug}",
        kind="read",
        requirements=[*FORMAT_READ_REQUIREMENTS[format_name], "CORE-CODEC-002", *requirements],
        description=f"int32 9x10 array in 4x6 chunks through the chain {chain} reads exactly",
        requires=read_tokens(format_name, values.dtype, codecs),
        tags=["codec"],
        store=store,
        node="array",
        expected_array=values,
        origin={"generator": GENERATOR, "seed": seed},
    )


def cases() -> Iterator[Case]:
    """One read case per codec configuration of each format."""
    seed = 1000
    for format_name, table in (("zarr2", ZARR2), ("zarr3", ZARR3), ("n5", N5)):
        for slug, options, requirements in table:
            seed += 1
            yield _case(format_name, slug, options, requirements, seed)

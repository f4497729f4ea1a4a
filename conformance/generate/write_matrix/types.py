"""Data type families in each format, each written with the next codec chain and chunk layout in turn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zn5.conformance.generate.write_matrix.base import Row
from zn5.conformance.suite.gaps import BYTES_WITHOUT_CONFIGURATION
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.bz2 import Bz2
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.lz4 import Lz4
from zn5.reference.codecs.lzma import Lzma
from zn5.reference.codecs.n5_lz4 import N5Lz4
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.codecs.zstd import Zstd
from zn5.reference.model.dtype import DataType

TYPE_NAMES = {
    "b1": "bool",
    "i1": "int8",
    "i2": "int16",
    "i4": "int32",
    "i8": "int64",
    "u1": "uint8",
    "u2": "uint16",
    "u4": "uint32",
    "u8": "uint64",
    "f2": "float16",
    "f4": "float32",
    "f8": "float64",
    "c8": "complex64",
    "c16": "complex128",
    "S6": "bytes6",
    "U4": "utf32x4",
    "V3": "raw24",
    "M8[ns]": "datetime64-ns",
    "m8[s]": "timedelta64-s",
}
ZARR_CODES = tuple(TYPE_NAMES)
N5_CODES = ("i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4", "f8")
SHAPES: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = (
    ((7, 5), (3, 4)),
    ((4, 6, 5), (2, 4, 3)),
    ((11,), (4,)),
    ((3, 2, 5, 2), (2, 2, 3, 1)),
)
"""(shape, chunks) drawn in turn: every shape has edge chunks along some axis (CORE-GRID-003)."""


def _numpy_type(code: str, big: bool) -> str:
    """The NumPy type string of ``code``; multi-byte types with a byte order in the order asked."""
    if code in ("b1", "i1", "u1", "S6", "V3"):
        return f"|{code}"
    return f"{'>' if big else '<'}{code}"


@dataclass(frozen=True)
class Chain:
    """A codec chain as ``create_array`` options, with a slug and the requirements it tests."""

    slug: str
    options: dict[str, Any]
    requirements: list[str]


def _zarr2_chains() -> list[Chain]:
    return [
        Chain("raw", {}, ["ZARR2-META-001"]),
        Chain("gzip", {"compressor": Gzip(1)}, ["CODEC-GZIP-001"]),
        Chain("zlib", {"compressor": Zlib(5)}, ["CODEC-ZLIB-001"]),
        Chain("zstd", {"compressor": Zstd(3)}, ["CODEC-ZSTD-001"]),
        Chain("blosc-lz4-shuffle", {"compressor": Blosc("lz4", 5, "shuffle")}, ["CODEC-BLOSC-002"]),
        Chain("blosc-zstd-bitshuffle", {"compressor": Blosc("zstd", 3, "bitshuffle")}, ["CODEC-BLOSC-004"]),
        Chain(
            "blosc-blosclz-noshuffle", {"compressor": Blosc("blosclz", 9, "noshuffle")}, ["CODEC-BLOSC-001"]
        ),
        Chain("blosc-lz4hc-shuffle", {"compressor": Blosc("lz4hc", 4, "shuffle")}, ["CODEC-BLOSC-006"]),
        Chain("blosc-zlib-bitshuffle", {"compressor": Blosc("zlib", 1, "bitshuffle")}, ["CODEC-BLOSC-004"]),
        Chain("bz2", {"compressor": Bz2(5)}, ["CODEC-BZ2-001"]),
        Chain("lzma", {"compressor": Lzma(1)}, ["CODEC-LZMA-001"]),
        Chain("lz4", {"compressor": Lz4(1)}, ["CODEC-LZ4-001"]),
    ]


def _zarr3_chains() -> list[Chain]:
    return [
        Chain("bytes", {}, ["CODEC-BYTES-001"]),
        Chain("gzip", {"compressor": Gzip(5)}, ["CODEC-GZIP-001"]),
        Chain("zstd", {"compressor": Zstd(1)}, ["CODEC-ZSTD-001"]),
        Chain("zstd-checksum", {"compressor": Zstd(3, True)}, ["CODEC-ZSTD-001"]),
        Chain("blosc-lz4-shuffle", {"compressor": Blosc("lz4", 5, "shuffle")}, ["CODEC-BLOSC-003"]),
        Chain("blosc-zstd-bitshuffle", {"compressor": Blosc("zstd", 3, "bitshuffle")}, ["CODEC-BLOSC-004"]),
        Chain("blosc-noshuffle", {"compressor": Blosc("blosclz", 5, "noshuffle")}, ["CODEC-BLOSC-001"]),
        Chain("crc32c", {"compressor": Crc32c()}, ["CODEC-CRC32C-001"]),
        Chain("zlib", {"compressor": Zlib(9)}, ["CODEC-ZLIB-001"]),
        Chain("bz2", {"compressor": Bz2(1)}, ["CODEC-BZ2-001"]),
        Chain("lzma", {"compressor": Lzma(6)}, ["CODEC-LZMA-001"]),
        Chain("lz4", {"compressor": Lz4(2)}, ["CODEC-LZ4-001"]),
    ]


def _n5_chains() -> list[Chain]:
    return [
        Chain("raw", {}, ["N5-CODEC-001", "N5-BLOCK-001"]),
        Chain("gzip", {"compressor": Gzip(6)}, ["N5-CODEC-001", "CODEC-GZIP-001"]),
        Chain("gzip-zlib", {"compressor": Zlib(6)}, ["N5-CODEC-001", "CODEC-ZLIB-001"]),
        Chain("bzip2", {"compressor": Bz2(9)}, ["N5-CODEC-001", "CODEC-BZ2-001"]),
        Chain("xz", {"compressor": Lzma(6)}, ["N5-CODEC-001", "CODEC-LZMA-001"]),
        Chain("blosc", {"compressor": Blosc("lz4", 5, "shuffle")}, ["N5-CODEC-001", "CODEC-BLOSC-005"]),
        Chain("zstd", {"compressor": Zstd(3)}, ["N5-CODEC-001", "CODEC-ZSTD-001"]),
        Chain("lz4", {"compressor": N5Lz4()}, ["N5-CODEC-001", "CODEC-N5LZ4-001"]),
        Chain(
            "blosc-zstd-bitshuffle",
            {"compressor": Blosc("zstd", 3, "bitshuffle")},
            ["N5-CODEC-001", "CODEC-BLOSC-005"],
        ),
        Chain(
            "blosc-blosclz-noshuffle",
            {"compressor": Blosc("blosclz", 9, "noshuffle")},
            ["N5-CODEC-001", "CODEC-BLOSC-005"],
        ),
    ]


@dataclass(frozen=True)
class Layout:
    """Chunk key encoding, separator and order as ``create_array`` options."""

    slug: str
    options: dict[str, Any]
    requirements: list[str]


ZARR2_LAYOUTS = [
    Layout("", {}, ["ZARR2-KEY-001"]),
    Layout("order-f", {"order": "F"}, ["ZARR2-META-005"]),
    Layout("slash", {"dimension_separator": "/"}, ["ZARR2-META-007"]),
    Layout("order-f-slash", {"order": "F", "dimension_separator": "/"}, ["ZARR2-META-005", "ZARR2-META-007"]),
]
ZARR3_LAYOUTS = [
    Layout("", {}, ["CORE-KEY-002"]),
    Layout("key-dot", {"chunk_key_encoding": "default", "dimension_separator": "."}, ["CORE-KEY-002"]),
    Layout(
        "key-v2", {"chunk_key_encoding": "v2", "dimension_separator": "."}, ["CORE-KEY-003", "ZARR3-KEY-001"]
    ),
    Layout("key-v2-slash", {"chunk_key_encoding": "v2", "dimension_separator": "/"}, ["CORE-KEY-003"]),
]
N5_LAYOUTS = [Layout("", {}, ["N5-KEY-001", "N5-AXIS-001"])]


def _type_rows(
    format_name: str, codes: Sequence[str], chains: list[Chain], layouts: list[Layout]
) -> list[Row]:
    """A row per data type, with the format's chains, layouts and shapes drawn in turn beside it;
    every other multi-byte type is big endian (CORE-DTYPE-002)."""
    rows = []
    for index, code in enumerate(codes):
        chain = chains[index % len(chains)]
        layout = layouts[index % len(layouts)]
        shape, chunks = SHAPES[index % len(SHAPES)]
        big = format_name != "n5" and index % 2 == 1 and code not in ("b1", "i1", "u1", "S6", "V3")
        dtype = _numpy_type(code, big)
        if len(shape) == 1 and "order" in layout.options:
            shape, chunks = SHAPES[0]
        parts = [TYPE_NAMES[code], "big-endian" if big else "", chain.slug, layout.slug]
        rows.append(
            Row(
                format_name,
                "-".join(part for part in parts if part),
                dtype,
                shape,
                chunks,
                {**chain.options, **layout.options},
                f"a {len(shape)}-d {TYPE_NAMES[code]} array{' (big endian)' if big else ''} with the "
                f"{chain.slug} chain{', ' + layout.slug if layout.slug else ''}",
                [*_type_requirements(format_name, code), *chain.requirements, *layout.requirements],
            )
        )
    return rows


def _named(dtype: str) -> str:
    """The data type's canonical name with its article: "an int8", "a float32"."""
    name = DataType.of(dtype).name
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _rotated(items: Sequence[Any], by: int) -> list[Any]:
    """``items`` starting at ``by``: a second walk over N5's types pairs each with another compression,
    so every N5 compression meets two data types and two shapes."""
    return [*items[by:], *items[:by]]


def _type_requirements(format_name: str, code: str) -> list[str]:
    if format_name == "zarr2":
        if code[0] in "Mm":
            return ["ZARR2-DTYPE-001", "ZARR2-DTYPE-003"]
        return ["ZARR2-DTYPE-001", "ZARR2-DTYPE-002"] if code[0] in "iufc" else ["ZARR2-DTYPE-001"]
    if format_name == "zarr3":
        return ["ZARR3-DTYPE-001", "CODEC-BYTES-001"]
    return ["N5-DTYPE-001", "N5-BLOCK-002"]


def _zarr3_one_byte_rows() -> list[Row]:
    """One-byte types, whose ``bytes`` codec needs no ``endian`` (CODEC-BYTES-002): the writer may
    leave the configuration out, and the reader must read them either way."""
    return [
        Row(
            "zarr3",
            f"{name}-bytes-without-endian",
            dtype,
            (6, 5),
            (4, 4),
            {"codecs": [BytesCodec(None)]},
            f"{_named(dtype)} array whose bytes codec has no endian",
            ["CODEC-BYTES-002"],
            gaps=(BYTES_WITHOUT_CONFIGURATION,),
        )
        for name, dtype in (("int8", "|i1"), ("uint8", "|u1"), ("bool", "|b1"))
    ]


def _vlen_rows() -> list[Row]:
    """The variable-length types with the chains the other rows do not give them."""
    return [
        Row(
            "zarr2",
            "string-zstd",
            "T",
            (6, 5),
            (4, 2),
            {"fill_value": "", "compressor": Zstd(3)},
            "a string array with vlen-utf8 and zstd",
            ["ZARR2-VLEN-004", "CODEC-VLEN-001"],
        ),
        Row(
            "zarr2",
            "bytes-blosc",
            "O",
            (6, 5),
            (4, 2),
            {"fill_value": b"", "compressor": Blosc("lz4", 5, "noshuffle")},
            "a bytes array with vlen-bytes and blosc",
            ["ZARR2-VLEN-004", "CODEC-VLEN-001"],
        ),
        Row(
            "zarr3",
            "string-fill-non-ascii-zstd",
            "T",
            (6, 5),
            (4, 2),
            {"fill_value": "äβ€", "compressor": Zstd(3)},
            "a string array with a non-ASCII fill value and zstd",
            ["ZARR3-VLEN-002", "ZARR3-FILL-009"],
            fill_chunk=True,
        ),
        Row(
            "zarr3",
            "bytes-crc32c",
            "O",
            (6, 5),
            (4, 2),
            {"fill_value": b"", "compressor": Crc32c()},
            "a bytes array with crc32c",
            ["ZARR3-VLEN-002", "CODEC-CRC32C-001"],
        ),
    ]

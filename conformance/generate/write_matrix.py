"""The write matrix: write cases on a par with the read cases, in each format where it has the feature.

The matrix is generated, not a cross product. Each axis (data type, codec chain, chunk layout, fill
value spelling, sharding layout, shape, attributes, hierarchy) is walked once per format, and the other
axes are drawn in turn beside it: the n-th data type gets the n-th chain of the format's list and the
n-th layout, so that every value of every axis appears in some case without the product of all of
them. Every case writes values the generator makes here, with NumPy, seeded from a hash of the case id;
the expected store is the target metadata the reference describes for the same options, and the
runner reads the written store back and checks its chunk bytes (spec/core/arrays.md).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import FORMAT_READ_REQUIREMENTS, build_array, read_tokens, sample_values
from zn5.conformance.generate.rejects import Reject, reject_cases
from zn5.conformance.generate.writes import write_row_case
from zn5.conformance.suite.canonical import describe_node
from zn5.reference.api import create_array, open_array
from zn5.reference.codecs.adler32 import Adler32
from zn5.reference.codecs.astype import AsType
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.bz2 import Bz2
from zn5.reference.codecs.crc32 import Crc32
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.delta import Delta
from zn5.reference.codecs.fixedscaleoffset import FixedScaleOffset
from zn5.reference.codecs.fletcher32 import Fletcher32
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.lz4 import Lz4
from zn5.reference.codecs.lzma import Lzma
from zn5.reference.codecs.n5_lz4 import N5Lz4
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.codecs.shuffle import Shuffle
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.codecs.zstd import Zstd
from zn5.reference.model.dtype import DataType
from zn5.reference.store.memory import MemoryStore

GENERATOR = "zn5.conformance.generate.write_matrix"
Values = np.ndarray[Any, Any]


def _seed(case_id: str) -> int:
    """The seed of a case's values: the first four bytes of the SHA-256 of its id."""
    return int.from_bytes(hashlib.sha256(case_id.encode()).digest()[:4], "big")


@dataclass(frozen=True)
class Row:
    """One write case: the array to create, what it shows, and the requirements it tests.

    ``fill_chunk``: the first chunk holds nothing but the fill value, so that a writer may leave it out
    (CORE-ARRAY-005) and a reader must then give the fill value back (CORE-CHUNK-001).
    ``values``: ``"sample"`` (extremes, NaN, infinities) or ``"small"`` (integers 0 to 99, for chains
    whose filters are lossless only on such values).
    """

    format: str
    slug: str
    dtype: str
    shape: tuple[int, ...]
    chunks: tuple[int, ...]
    options: dict[str, Any]
    what: str
    requirements: list[str]
    fill_chunk: bool = False
    values: str = "sample"
    path: str = "array"

    @property
    def id(self) -> str:
        """The case id."""
        return f"{self.format}/write/{self.slug}"


# --- data type families ------------------------------------------------------------------------------

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


# --- filters and checksums ---------------------------------------------------------------------------


def _filter_rows() -> list[Row]:
    """numcodecs filters and checksums, alone and in chains, in both Zarr formats (spec/codecs/filters.md)."""
    rows: list[tuple[str, str, list[Codec], Codec | None, list[str]]] = [
        ("int16-delta", "<i2", [Delta("<i2", "<i2")], None, ["CODEC-DELTA-001"]),
        ("int32-delta-to-int16-zstd", "<i4", [Delta("<i4", "<i2")], Zstd(1), ["CODEC-DELTA-002"]),
        (
            "int32-fixedscaleoffset",
            "<i4",
            [FixedScaleOffset(10, 1, "<i4", "<i2")],
            None,
            ["CODEC-FIXEDSCALEOFFSET-001", "CODEC-FIXEDSCALEOFFSET-002"],
        ),
        ("float64-shuffle-gzip", "<f8", [Shuffle(8)], Gzip(1), ["CODEC-SHUFFLE-001"]),
        (
            "uint16-astype-uint32-zlib",
            "<u2",
            [AsType("<u4", "<u2")],
            Zlib(1),
            ["CODEC-ASTYPE-001", "CODEC-ASTYPE-002"],
        ),
        ("float32-astype-float64", "<f4", [AsType("<f8", "<f4")], None, ["CODEC-ASTYPE-001"]),
        ("int64-crc32c", "<i8", [], Crc32c(), ["CODEC-CRC32C-001"]),
        ("uint32-fletcher32", "<u4", [], Fletcher32(), ["CODEC-FLETCHER32-001"]),
        (
            "int16-shuffle-fletcher32",
            "<i2",
            [Shuffle(2)],
            Fletcher32(),
            ["CODEC-SHUFFLE-001", "CODEC-FLETCHER32-001"],
        ),
        ("uint8-adler32", "|u1", [], Adler32(), ["CODEC-ADLER32-001"]),
        ("int32-crc32", "<i4", [], Crc32(), ["CODEC-CRC32-001"]),
        (
            "int16-delta-shuffle-blosc",
            "<i2",
            [Delta("<i2", "<i2"), Shuffle(2)],
            Blosc("zstd", 5, "noshuffle"),
            ["CODEC-DELTA-001", "CODEC-SHUFFLE-001", "CODEC-BLOSC-001"],
        ),
    ]
    built = []
    for format_name in ("zarr2", "zarr3"):
        for slug, dtype, filters, last, requirements in rows:
            names = ", ".join(codec.name for codec in [*filters, *([last] if last else [])])
            built.append(
                Row(
                    format_name,
                    slug,
                    dtype,
                    (9, 7),
                    (4, 3),
                    _filtered(format_name, dtype, filters, last),
                    f"{_named(dtype)} array through {names}",
                    ["CODEC-FILTER-001", *requirements] if filters else requirements,
                    values="small",
                )
            )
    return built


def _filtered(format_name: str, dtype: str, filters: list[Codec], last: Codec | None) -> dict[str, Any]:
    """``create_array`` options for ``filters`` then ``last``: Zarr v2 filters and compressor, or a
    Zarr v3 chain with the array→array filters before ``bytes`` and the byte filters after it."""
    if format_name == "zarr2":
        return {"filters": filters, **({"compressor": last} if last else {})}
    array_filters = [codec for codec in filters if codec.kind == "array_to_array"]
    byte_filters = [codec for codec in filters if codec.kind == "bytes_to_bytes"]
    serialiser = BytesCodec(None if np.dtype(dtype).itemsize == 1 else "little")
    return {"codecs": [*array_filters, serialiser, *byte_filters, *([last] if last else [])]}


# --- fill values -------------------------------------------------------------------------------------

FILLS: list[tuple[str, str, Any, list[str]]] = [
    ("float32-fill-nan", "<f4", math.nan, ["FILL-004"]),
    ("float64-fill-infinity", "<f8", math.inf, ["FILL-004"]),
    ("float16-fill-negative-infinity", "<f2", -math.inf, ["FILL-004"]),
    ("float64-fill-negative-zero", "<f8", -0.0, ["FILL-004"]),
    ("bool-fill-false", "|b1", False, ["FILL-002"]),
    ("bool-fill-true-chunk", "|b1", True, ["FILL-002"]),
    ("uint64-fill-max", "<u8", 2**64 - 1, ["FILL-003"]),
    ("int64-fill-min", "<i8", -(2**63), ["FILL-003"]),
    ("int8-fill-negative", "|i1", -128, ["FILL-003"]),
    ("complex64-fill-nan-infinity", "<c8", complex(math.nan, math.inf), ["FILL-005"]),
    ("complex128-fill-negative-zero", "<c16", complex(-0.0, 2.5), ["FILL-005"]),
    ("bytes6-fill", "|S6", b"ab\x00c", ["FILL-006"]),
    ("utf32x4-fill", "<U4", "äb", ["FILL-007"]),
    ("raw24-fill", "|V3", b"\x01\xfe\x00", ["FILL-006"]),
    ("datetime64-fill-nat", "<M8[ns]", np.datetime64("NaT", "ns"), ["FILL-008"]),
]
"""(slug, type, fill value, the format's fill requirement without its ``ZARR2-``/``ZARR3-`` prefix)."""


FILL_CHAINS: list[dict[str, Any]] = [{}, {"compressor": Zstd(1)}, {"compressor": Gzip(1)}]


def _fill_rows() -> list[Row]:
    """Every fill value spelling in both Zarr formats, with one chunk of nothing but the fill value."""
    rows = []
    for format_name, prefix in (("zarr2", "ZARR2-"), ("zarr3", "ZARR3-")):
        for index, (slug, dtype, fill, requirements) in enumerate(FILLS):
            if format_name == "zarr2" and slug == "float64-fill-nan":
                continue
            chain = FILL_CHAINS[index % len(FILL_CHAINS)]
            rows.append(
                Row(
                    format_name,
                    slug,
                    dtype,
                    (6, 7),
                    (3, 4),
                    {"fill_value": fill, **chain},
                    f"{_named(dtype)} array with fill value {fill!r}, one chunk of nothing but it",
                    [*(prefix + r for r in requirements), "CORE-FILL-001", "CORE-META-003"],
                    fill_chunk=True,
                )
            )
    rows.append(
        Row(
            "n5",
            "int32-zero-block",
            "<i4",
            (6, 7),
            (3, 4),
            {"compressor": Gzip(6)},
            "a dataset with a block of zeros, the fill value of every N5 dataset",
            ["N5-FILL-001", "CORE-ARRAY-005"],
            fill_chunk=True,
        )
    )
    return rows


# --- sharding ----------------------------------------------------------------------------------------


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
        Row(
            "zarr3",
            "int16-sharded-start-edges",
            "<i2",
            (9, 10),
            (4, 6),
            {"codecs": [_shard((2, 3), [LITTLE], "start")]},
            'a sharded array with index_location "start", edge shards and edge inner chunks',
            [*shard, "CODEC-SHARDING-003", "CORE-GRID-003"],
        ),
        Row(
            "zarr3",
            "float32-sharded-3d-gzip",
            "<f4",
            (5, 6, 7),
            (4, 4, 4),
            {"codecs": [_shard((2, 2, 2), [LITTLE, Gzip(1)])]},
            "a 3-d sharded array with gzip inner chunks and edge shards on every axis",
            [*shard, "CODEC-GZIP-001"],
        ),
        Row(
            "zarr3",
            "uint32-sharded-index-without-checksum",
            "<u4",
            (8, 8),
            (4, 8),
            {"codecs": [_shard((2, 4), [LITTLE], "end", [LITTLE])]},
            "a sharded array whose index has no checksum",
            [*shard, "CODEC-SHARDING-002"],
        ),
        Row(
            "zarr3",
            "int32-sharded-index-big-endian-start",
            "<i4",
            (6, 6),
            (6, 6),
            {"codecs": [_shard((3, 2), [LITTLE], "start", [BytesCodec("big"), Crc32c()])]},
            "a sharded array whose index is big endian, at the start",
            [*shard, "CODEC-SHARDING-002"],
        ),
        Row(
            "zarr3",
            "uint16-sharded-inner-transpose-zstd",
            "<u2",
            (8, 6),
            (4, 6),
            {"codecs": [_shard((2, 3), [Transpose((1, 0)), LITTLE, Zstd(3)])]},
            "a sharded array whose inner chain transposes and compresses",
            [*shard, "CODEC-TRANSPOSE-001"],
        ),
        Row(
            "zarr3",
            "uint16-3d-transpose-then-sharding",
            "<u2",
            (6, 8, 4),
            (3, 4, 4),
            {"codecs": [Transpose((2, 0, 1)), _shard((2, 3, 2), [LITTLE])]},
            "a 3-d transpose before sharding, inner chunks dividing the transposed shard (4, 3, 4)",
            [*shard, "CODEC-TRANSPOSE-001", "CODEC-SHARDING-002"],
        ),
        Row(
            "zarr3",
            "int8-sharded-nested",
            "|i1",
            (8, 8),
            (8, 8),
            {"codecs": [_shard((4, 4), [_shard((2, 2), [BytesCodec(None)])])]},
            "a shard of shards: inner chunks that are themselves sharded",
            [*shard, "CODEC-SHARDING-003"],
        ),
        Row(
            "zarr3",
            "float64-sharded-fill-nan",
            "<f8",
            (8, 8),
            (4, 8),
            {"fill_value": math.nan, "codecs": [_shard((2, 4), [LITTLE, Crc32c()])]},
            "a sharded array with fill value NaN and inner chunks of NaN only",
            [*shard, "ZARR3-FILL-004", "CORE-ARRAY-005"],
            fill_chunk=True,
        ),
        Row(
            "zarr3",
            "bool-sharded-blosc",
            "|b1",
            (7, 7),
            (4, 4),
            {
                "fill_value": True,
                "codecs": [_shard((2, 2), [BytesCodec(None), Blosc("lz4", 5, "bitshuffle")], "start")],
            },
            "a sharded bool array with blosc inner chunks and fill value true",
            [*shard, "CODEC-BLOSC-004"],
        ),
        Row(
            "zarr3",
            "complex128-sharded-one-inner-chunk",
            "<c16",
            (4, 4),
            (2, 2),
            {"codecs": [_shard((2, 2), [LITTLE])]},
            "a sharded array whose shards hold a single inner chunk",
            shard,
        ),
        Row(
            "zarr3",
            "int64-sharded-1d",
            "<i8",
            (37,),
            (16,),
            {"codecs": [_shard((4,), [LITTLE, Zstd(1)], "start")]},
            "a 1-d sharded array with many inner chunks and an edge shard",
            [*shard, "CORE-GRID-003"],
        ),
        Row(
            "zarr3",
            "uint8-sharded-zero-length-axis",
            "|u1",
            (0, 8),
            (4, 4),
            {"codecs": [_shard((2, 2), [BytesCodec(None)])]},
            "a sharded array with a zero-length axis: no shard to write",
            [*shard, "CORE-GRID-001"],
        ),
        Row(
            "zarr3",
            "float32-sharded-big-endian-inner",
            ">f4",
            (6, 6),
            (6, 6),
            {"codecs": [_shard((3, 3), [BytesCodec("big"), Gzip(1)], "start")]},
            "a sharded array with big-endian inner chunks",
            [*shard, "CODEC-BYTES-001"],
        ),
    ]


# --- shapes, attributes and hierarchy ----------------------------------------------------------------


def _shape_rows() -> list[Row]:
    """Zero-dimensional arrays, zero-length axes, high rank, chunks larger than the array."""
    rows = []
    for format_name, key in (("zarr2", "ZARR2-META-002"), ("zarr3", "ZARR3-META-003")):
        rows += [
            Row(
                format_name,
                "float64-zero-dimensional",
                "<f8",
                (),
                (),
                {"fill_value": 1.5},
                "a zero-dimensional float64 array",
                [key, "CORE-ARRAY-001"],
            ),
            Row(
                format_name,
                "int32-zero-dimensional-gzip",
                "<i4",
                (),
                (),
                {"compressor": Gzip(1)},
                "a zero-dimensional int32 array with gzip",
                [key, "CODEC-GZIP-001"],
            ),
            Row(
                format_name,
                "float32-zero-length-axes",
                "<f4",
                (0, 4, 0),
                (2, 2, 2),
                {"compressor": Zstd(1)},
                "a 3-d array with two zero-length axes",
                [key, "CORE-GRID-001"],
            ),
            Row(
                format_name,
                "int8-rank-5",
                "|i1",
                (3, 2, 2, 2, 3),
                (2, 1, 2, 1, 2),
                {},
                "a 5-d int8 array",
                [key, "CORE-GRID-003"],
            ),
            Row(
                format_name,
                "uint16-chunk-larger-than-array",
                "<u2",
                (3, 5),
                (8, 8),
                {},
                "an array inside one chunk larger than itself",
                [key, "CORE-GRID-002"],
            ),
        ]
    rows += [
        Row(
            "n5",
            "uint8-zero-length-1d",
            "|u1",
            (0,),
            (4,),
            {},
            "a 1-d dataset of length zero",
            ["N5-META-003", "CORE-GRID-001"],
        ),
        Row(
            "n5",
            "float64-rank-5",
            "<f8",
            (3, 2, 2, 2, 3),
            (2, 1, 2, 1, 2),
            {"compressor": Gzip(1)},
            "a 5-d dataset with edge blocks",
            ["N5-AXIS-001", "N5-EDGE-003"],
        ),
        Row(
            "n5",
            "int16-block-larger-than-dataset",
            "<i2",
            (3, 5),
            (8, 8),
            {},
            "a dataset inside one block, truncated to the dataset",
            ["N5-EDGE-003", "N5-BLOCK-004"],
        ),
        Row(
            "zarr3",
            "int16-dimension-names",
            "<i2",
            (4, 5, 6),
            (2, 5, 4),
            {"dimension_names": ["z", None, "x"]},
            "an array with dimension names, one of them null",
            ["ZARR3-META-006"],
        ),
    ]
    return rows


SPECIAL_NUMBERS: dict[str, Any] = {
    "largest double": 1.7976931348623157e308,
    "smallest subnormal": 5e-324,
    "negative zero": -0.0,
    "beyond 2**53": 2**53 + 1,
    "uint64 max": 2**64 - 1,
    "int64 min": -(2**63),
    "the string NaN": "NaN",
    "the string Infinity": "Infinity",
    "the string -Infinity": "-Infinity",
}
"""Numbers at the edges of what JSON and doubles hold. The non-finite numbers themselves may not be
written at all (CORE-META-003), so their spellings appear only as strings, which must stay strings."""

LOOKALIKES: dict[str, dict[str, Any]] = {
    "zarr2": {
        "zarr_format": 3,
        "shape": [1],
        "dtype": "<f8",
        "chunks": [5],
        "order": "F",
        "filters": None,
        "dimension_separator": "/",
        "fill_value": "NaN",
        "dimensions": [2, 3],
        "units": "m",
    },
    "zarr3": {
        "zarr_format": 2,
        "node_type": "group",
        "shape": [],
        "codecs": [],
        "fill_value": "NaN",
        "attributes": {"nested": True},
        "dimension_names": ["x"],
        "dimensions": [2, 3],
        "units": "m",
    },
    "n5": {
        "units": "nm",
        "resolution": [4, 4, 40],
        "axes": ["x", "y"],
        "pixelResolution": {"unit": "um", "dimensions": [1, 2]},
        "downsamplingFactors": [2, 2],
        "type": "gzip",
        "level": 3,
        "useZlib": True,
        "version": "4.0.0",
        "n5x": "not n5",
    },
}
"""User attributes named like members of the format's documents, which a writer must keep as attributes
(CORE-ATTR-001); in N5 only the reserved keys are refused (N5-META-005), so ``units`` or ``axes`` are
attributes like any other."""


def _attribute_rows() -> list[Row]:
    rows = []
    for format_name in ("zarr2", "zarr3", "n5"):
        rows += [
            Row(
                format_name,
                "int16-attributes-edge-numbers",
                "<i2",
                (4, 3),
                (2, 2),
                {"attributes": SPECIAL_NUMBERS},
                "an array with attributes of extreme numbers and the strings NaN and Infinity",
                ["CORE-ATTR-001", "CORE-META-003"],
            ),
            Row(
                format_name,
                "uint8-attributes-named-like-members",
                "|u1",
                (4, 3),
                (2, 2),
                {"attributes": LOOKALIKES[format_name]},
                "an array with user attributes named like members of the format's metadata",
                ["CORE-ATTR-001", "N5-META-005"] if format_name == "n5" else ["CORE-ATTR-001"],
            ),
        ]
    return rows


def _hierarchy_rows() -> list[Row]:
    """Arrays at nested paths, whose keys lie under the path's prefix (CORE-NODE-001); in Zarr v2 the
    writer also creates a ``.zgroup`` at every ancestor (ZARR2-NODE-001), which the write check then
    requires. In Zarr v3 and N5 the ancestor groups are a SHOULD (CORE-NODE-007), not checked."""
    paths = [("group-chain", "a/b/c/array"), ("dotted-path", "group.1/sub-group/array_2")]
    rows = []
    for format_name in ("zarr2", "zarr3", "n5"):
        node = ["ZARR2-NODE-001"] if format_name == "zarr2" else []
        for index, (slug, path) in enumerate(paths):
            rows.append(
                Row(
                    format_name,
                    f"int32-{slug}",
                    "<i4",
                    (5, 4),
                    (2, 4),
                    [{}, {"compressor": Gzip(1)}][index],
                    f"an int32 array at /{path}, under groups the writer creates",
                    [*node, "CORE-NODE-001"],
                    path=path,
                )
            )
    return rows


def _lookalike_metadata_case(format_name: str) -> CaseDraft:
    """The read side of ``uint8-attributes-named-like-members``: the attributes are presented as stored,
    none of them taken for a member of the format (CORE-ATTR-001; N5: N5-META-005)."""
    case_id = f"{format_name}/metadata/attributes-named-like-members"
    store = MemoryStore()
    attributes = LOOKALIKES[format_name]
    array = create_array(
        store,
        format=format_name,
        path="array",
        shape=(4, 3),
        dtype="uint8",
        chunks=(2, 2),
        attributes=attributes,
    )
    return CaseDraft(
        id=case_id,
        kind="metadata",
        requirements=["CORE-ATTR-001", *(["N5-META-005"] if format_name == "n5" else [])],
        description="user attributes named like members of the format's metadata are presented as attributes",
        requires=[f"format:{format_name}", "op:metadata"],
        tags=["metadata", "attributes"],
        store=store,
        node="array",
        expected_node=describe_node(array.model) | {"attributes": json.loads(json.dumps(attributes))},
        origin={"generator": GENERATOR, "seed": _seed(case_id)},
    )


def _as_group_with_dimensions(store: MemoryStore) -> None:
    """Replace the dataset's attributes by a group's whose user attributes hold ``dimensions`` (and
    ``units``), as a writer that ignores N5's reserved keys would store them (N5-META-005)."""
    document = {"dimensions": [6, 5], "units": "nm"}
    store.values["array/attributes.json"] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


DIMENSIONS_ATTRIBUTE = Reject(
    "n5",
    "user-attribute-dimensions",
    _as_group_with_dimensions,
    "open",
    "metadata",
    "N5-META-002",
    "a user attribute named dimensions, which makes the node a dataset without blockSize",
    also=("N5-META-005",),
)


def _one_byte_type_spelled_little() -> CaseDraft:
    """``"<u1"``, as netCDF-C writes it: a byte order on a one-byte type reads as ``uint8``
    (ZARR2-DTYPE-002); the sibling of ``field``'s ``"<i1"`` and ``">u1"`` cases."""
    case_id = "zarr2/dtype/uint8-spelled-little"
    values = sample_values("uint8", (5, 6), _seed(case_id))
    store = build_array("zarr2", values, (4, 4))
    document = json.loads(store.values["array/.zarray"])
    document["dtype"] = "<u1"
    store.values["array/.zarray"] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()
    return CaseDraft(
        id=case_id,
        kind="read",
        requirements=[*FORMAT_READ_REQUIREMENTS["zarr2"], "ZARR2-DTYPE-002"],
        description='a uint8 array whose type string is "<u1" (as netCDF-C writes it) reads as uint8',
        requires=read_tokens("zarr2", values.dtype, open_array(store, path="array").model.codecs),
        tags=["dtype"],
        store=store,
        node="array",
        expected_array=values,
        origin={"generator": GENERATOR, "seed": _seed(case_id)},
    )


# --- the cases ---------------------------------------------------------------------------------------


def rows() -> list[Row]:
    """Every row of the matrix, in build order."""
    return [
        *_type_rows("zarr2", ZARR_CODES, _zarr2_chains(), ZARR2_LAYOUTS),
        *_type_rows("zarr3", ZARR_CODES, _zarr3_chains(), ZARR3_LAYOUTS),
        *_type_rows("n5", N5_CODES, _n5_chains(), N5_LAYOUTS),
        *_type_rows("n5", _rotated(N5_CODES, 5), _rotated(_n5_chains(), 1), N5_LAYOUTS),
        *_zarr3_one_byte_rows(),
        *_vlen_rows(),
        *_filter_rows(),
        *_fill_rows(),
        *_sharding_rows(),
        *_shape_rows(),
        *_attribute_rows(),
        *_hierarchy_rows(),
    ]


def _values(row: Row, seed: int) -> Values | None:
    """The values to write, or None for the default sample of ``writes.write_row_case``."""
    if row.values == "small":
        return np.random.default_rng(seed).integers(0, 100, row.shape).astype(row.dtype)
    if not row.fill_chunk:
        return None
    values = sample_values(row.dtype, row.shape, seed)
    fill = row.options.get("fill_value", 0)
    first = tuple(slice(0, size) for size in row.chunks)
    values[first] = np.asarray(fill, dtype=values.dtype) if values.dtype.kind not in "TO" else fill
    return values


def _layout_tokens(target: dict[str, Any]) -> list[str]:
    """The chunk key token of a write target, and ``feature:nested-sharding`` for a shard of shards."""
    metadata = target["metadata"]
    encoding = metadata["chunk_key_encoding"]
    separator = "slash" if encoding["separator"] == "/" else "dot"
    tokens = [f"chunk-key:{encoding['name']}-{separator}"]
    if any(
        inner["name"] == "sharding_indexed"
        for codec in metadata["codecs"]
        if codec["name"] == "sharding_indexed"
        for inner in codec["configuration"]["codecs"]
    ):
        tokens.append("feature:nested-sharding")
    return tokens


def case(row: Row) -> CaseDraft:
    """The write case of ``row``."""
    seed = _seed(row.id)
    write_row = (
        row.format,
        row.slug,
        row.dtype,
        row.shape,
        row.chunks,
        row.options,
        row.what,
        row.requirements,
    )
    draft = write_row_case(write_row, seed, values=_values(row, seed), path=row.path)
    draft.origin = {"generator": GENERATOR, "seed": seed}
    draft.requires = sorted({*draft.requires, *_layout_tokens(draft.target or {})})
    draft.tags = sorted({*draft.tags, "write-matrix"})
    return draft


def cases() -> Iterator[CaseDraft]:
    """The write matrix, then the read side of the cases the corpus lacked."""
    for row in rows():
        yield case(row)
    for format_name in ("zarr2", "zarr3", "n5"):
        yield _lookalike_metadata_case(format_name)
    yield _one_byte_type_spelled_little()
    yield from reject_cases([DIMENSIONS_ATTRIBUTE], _seed("n5/reject/user-attribute-dimensions"))

"""Filters and checksums, and the fill value spellings of each format, each in a write case."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from zn5.conformance.generate.write_matrix.base import Row
from zn5.conformance.generate.write_matrix.types import (
    _named,
)
from zn5.reference.codecs.adler32 import Adler32
from zn5.reference.codecs.astype import AsType
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.crc32 import Crc32
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.delta import Delta
from zn5.reference.codecs.fixedscaleoffset import FixedScaleOffset
from zn5.reference.codecs.fletcher32 import Fletcher32
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.shuffle import Shuffle
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.codecs.zstd import Zstd


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

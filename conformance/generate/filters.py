"""Read and metadata cases for the numcodecs filters and checksums in Zarr v2 and v3 (spec/codecs/filters.md).

The expected array of a lossless chain is the generator's own data; that of a lossy filter is what
numcodecs' decode gives for the encoded data, computed here with numcodecs, never by the reference.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numcodecs
import numcodecs.abc
import numpy as np

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.codecs import _document_bytes, _expected_node
from zn5.conformance.generate.common import FORMAT_READ_REQUIREMENTS, build_array, id_seed, read_case
from zn5.conformance.generate.rejects.faults import flip_last_byte, set_member
from zn5.conformance.generate.rejects.table import Reject, reject_cases
from zn5.conformance.generate.writes import WriteRow, write_cases
from zn5.reference.api import open_array
from zn5.reference.codecs._numcodecs import NumcodecsFilter
from zn5.reference.codecs.adler32 import Adler32
from zn5.reference.codecs.astype import AsType
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.bitround import BitRound
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec, Endian
from zn5.reference.codecs.crc32 import Crc32
from zn5.reference.codecs.delta import Delta
from zn5.reference.codecs.fixedscaleoffset import FixedScaleOffset
from zn5.reference.codecs.fletcher32 import Fletcher32
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.jenkins_lookup3 import JenkinsLookup3
from zn5.reference.codecs.packbits import PackBits
from zn5.reference.codecs.quantize import Quantize
from zn5.reference.codecs.shuffle import Shuffle
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.store.memory import MemoryStore

GENERATOR = "zn5.conformance.generate.filters"
SHAPE = (9, 10)
CHUNKS = (4, 6)

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Row:
    """One filter case: the array's type, the codecs before and after the ``bytes`` codec, and the
    numcodecs codecs whose decode gives the expected values (none: the values themselves, lossless)."""

    slug: str
    dtype: str
    array_filters: tuple[Codec, ...]
    byte_filters: tuple[Codec, ...]
    requirements: list[str]
    lossy: tuple[numcodecs.abc.Codec, ...] = ()

    def values(self, seed: int) -> Array:
        """Smooth, finite values of the row's type, so that every filter has work and none overflows."""
        rng = np.random.default_rng(seed)
        dtype = np.dtype(self.dtype)
        if dtype.kind == "b":
            return rng.integers(0, 2, SHAPE).astype(bool)
        walk = np.cumsum(rng.standard_normal(SHAPE) * 5, axis=1) + 100
        return walk.astype(dtype) if dtype.kind == "f" else np.round(walk).astype(dtype)

    def expected(self, values: Array) -> Array:
        """The values a reader returns: numcodecs' decode of numcodecs' encode, filter by filter."""
        if not self.lossy:
            return values
        data = values.reshape(-1)
        for codec in self.lossy:
            data = np.asarray(codec.encode(data))
        for codec in reversed(self.lossy):
            data = np.asarray(codec.decode(data))
        return np.asarray(data).reshape(values.shape).astype(values.dtype)


ROWS = [
    Row(
        "fixedscaleoffset-int16",
        "<f8",
        (FixedScaleOffset(80, 100, "<f8", "<i2"),),
        (),
        ["CODEC-FIXEDSCALEOFFSET-001"],
        (numcodecs.FixedScaleOffset(80, 100, "<f8", "<i2"),),
    ),
    Row(
        "fixedscaleoffset-big-endian-astype",
        "<f8",
        (FixedScaleOffset(0, 10, "<f8", ">u2"),),
        (),
        ["CODEC-FIXEDSCALEOFFSET-001", "ZARR2-CODEC-005"],
        (numcodecs.FixedScaleOffset(0, 10, "<f8", ">u2"),),
    ),
    Row(
        "quantize",
        "<f8",
        (Quantize(2, "<f8", "<f8"),),
        (Zlib(1),),
        ["CODEC-QUANTIZE-001"],
        (numcodecs.Quantize(2, "<f8"),),
    ),
    Row(
        "quantize-float32",
        "<f4",
        (Quantize(1, "<f4", "<f4"),),
        (),
        ["CODEC-QUANTIZE-001"],
        (numcodecs.Quantize(1, "<f4"),),
    ),
    Row(
        "bitround",
        "<f4",
        (BitRound(6),),
        (Gzip(1),),
        ["CODEC-BITROUND-001"],
        (numcodecs.BitRound(6),),
    ),
    Row(
        "astype-float32",
        "<f8",
        (AsType("<f4", "<f8"),),
        (Blosc("lz4", 5, "shuffle"),),
        ["CODEC-ASTYPE-001", "CODEC-BLOSC-006"],
        (numcodecs.AsType("<f4", "<f8"),),
    ),
    Row(
        "astype-int-truncates",
        "<f8",
        (AsType("<i2", "<f8"),),
        (),
        ["CODEC-ASTYPE-001"],
        (numcodecs.AsType("<i2", "<f8"),),
    ),
    Row("packbits", "|b1", (PackBits(),), (), ["CODEC-PACKBITS-001"]),
    Row("packbits-zlib", "|b1", (PackBits(),), (Zlib(1),), ["CODEC-PACKBITS-001"]),
    Row("delta-float64", "<f8", (Delta("<f8", "<f8"),), (Zlib(1),), ["CODEC-DELTA-001"]),
    Row("delta-big-endian-astype", ">i4", (Delta(">i4", "<i2"),), (), ["CODEC-DELTA-001", "ZARR2-CODEC-005"]),
    Row("shuffle", "<f8", (), (Shuffle(8), Zlib(1)), ["CODEC-SHUFFLE-001"]),
    Row("shuffle-elementsize-2", "<i4", (), (Shuffle(2),), ["CODEC-SHUFFLE-001"]),
    Row("fletcher32", "<i4", (), (Fletcher32(),), ["CODEC-FLETCHER32-001"]),
    Row("adler32", "<i4", (), (Adler32(), Gzip(1)), ["CODEC-ADLER32-001"]),
    Row("adler32-end", "<f4", (), (Adler32("end"),), ["CODEC-ADLER32-001"]),
    Row("crc32-end", "<i4", (), (Crc32("end"),), ["CODEC-CRC32-001"]),
    Row("jenkins_lookup3", "<i4", (), (JenkinsLookup3(),), ["CODEC-JENKINSLOOKUP3-001"]),
    Row("jenkins_lookup3-initval", "<f8", (), (JenkinsLookup3(7),), ["CODEC-JENKINSLOOKUP3-001"]),
    Row(
        "fixedscaleoffset-shuffle-fletcher32",
        "<f8",
        (FixedScaleOffset(100, 10, "<f8", "<i4"),),
        (Shuffle(4), Fletcher32()),
        ["CODEC-FIXEDSCALEOFFSET-001", "CODEC-SHUFFLE-001", "CODEC-FLETCHER32-001"],
        (numcodecs.FixedScaleOffset(100, 10, "<f8", "<i4"),),
    ),
]
ZARR2_ONLY = ("fixedscaleoffset-big-endian-astype", "delta-big-endian-astype")
"""Rows about Zarr v2's byte orders: in Zarr v3 the ``bytes`` codec decides the byte order."""


def _options(format_name: str, row: Row) -> dict[str, Any]:
    if format_name == "zarr3":
        endian: Endian | None = (
            None if row.dtype.startswith("|") else "big" if row.dtype[0] == ">" else "little"
        )
        return {"codecs": [*row.array_filters, BytesCodec(endian), *row.byte_filters]}
    filters = [*row.array_filters, *row.byte_filters]
    chain = {"filters": filters[:-1], "compressor": filters[-1]} if row.byte_filters else {"filters": filters}
    declared = [c.declared_types()[1] for c in row.array_filters if isinstance(c, NumcodecsFilter)]
    orders = [t[0] for t in declared if t is not None and t[0] in "<>"]
    return {**chain, "endian": "big" if orders[-1] == ">" else "little"} if orders else chain


def _read_case(format_name: str, row: Row) -> CaseDraft:
    case_id = f"{format_name}/filter/{row.slug}"
    values = row.values(id_seed(case_id))
    store = build_array(format_name, values, CHUNKS, **_options(format_name, row))
    codecs = open_array(store, path="array").model.codecs
    chain = " → ".join(codec.name for codec in codecs)
    lossy = "the values numcodecs decodes" if row.lossy else "exactly"
    requirements = (
        row.requirements if format_name == "zarr2" else [r for r in row.requirements if "ZARR2" not in r]
    )
    return read_case(
        GENERATOR,
        case_id,
        store,
        row.expected(values),
        requirements=[*FORMAT_READ_REQUIREMENTS[format_name], "CODEC-FILTER-001", *requirements],
        description=f"{values.dtype.name} 9x10 array in 4x6 chunks through {chain} reads {lossy}",
        tags=["codec", "filter"],
        codecs=codecs,
    )


def _blosc_typesize_case(
    slug: str, filters: list[dict[str, Any]], expected: list[dict[str, Any]]
) -> CaseDraft:
    """A Zarr v2 blosc after ``filters``: its type size is the item size they leave (CODEC-BLOSC-006)."""
    zarray = {
        "zarr_format": 2,
        "shape": [6, 4],
        "chunks": [4, 3],
        "dtype": "<f8",
        "compressor": {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": -1, "blocksize": 0},
        "fill_value": 0,
        "order": "C",
        "filters": filters,
    }
    blosc = expected[-1]["configuration"]
    return CaseDraft(
        id=f"zarr2/filter/{slug}",
        kind="metadata",
        requirements=["CODEC-BLOSC-006", "CODEC-BLOSC-002", "ZARR2-CODEC-004"],
        description=f"blosc after {', '.join(item['id'] for item in filters)} has typesize "
        f"{blosc['typesize']} and shuffle {blosc['shuffle']}",
        requires=["format:zarr2", "op:metadata"],
        tags=["codec", "filter", "metadata"],
        store=MemoryStore(
            {".zgroup": _document_bytes({"zarr_format": 2}), "array/.zarray": _document_bytes(zarray)}
        ),
        node="array",
        expected_node=_expected_node("float64", ".", expected),
        origin={"generator": GENERATOR},
    )


def _blosc(typesize: int, shuffle: str) -> dict[str, Any]:
    config = {"cname": "lz4", "clevel": 5, "shuffle": shuffle, "typesize": typesize, "blocksize": 0}
    return {"name": "blosc", "configuration": config}


BLOSC_TYPESIZE = [
    (
        "blosc-typesize-after-astype",
        [{"id": "astype", "encode_dtype": "<f4", "decode_dtype": "<f8"}],
        [
            {"name": "numcodecs.astype", "configuration": {"encode_dtype": "<f4", "decode_dtype": "<f8"}},
            {"name": "bytes", "configuration": {"endian": "little"}},
            _blosc(4, "shuffle"),
        ],
    ),
    (
        "blosc-typesize-after-fixedscaleoffset",
        [{"id": "fixedscaleoffset", "offset": 0, "scale": 1, "dtype": "<f8", "astype": "|u1"}],
        [
            {
                "name": "numcodecs.fixedscaleoffset",
                "configuration": {"offset": 0, "scale": 1, "dtype": "<f8", "astype": "|u1"},
            },
            {"name": "bytes", "configuration": {}},
            _blosc(1, "bitshuffle"),
        ],
    ),
    (
        "blosc-typesize-after-shuffle",
        [{"id": "shuffle", "elementsize": 8}],
        [
            {"name": "bytes", "configuration": {"endian": "little"}},
            {"name": "numcodecs.shuffle", "configuration": {"elementsize": 8}},
            _blosc(1, "bitshuffle"),
        ],
    ),
]


REJECTS = [
    Reject(
        "zarr2",
        "fletcher32-mismatch",
        flip_last_byte("array/0.0"),
        "read",
        "chunk",
        "CODEC-FLETCHER32-002",
        "a chunk whose Fletcher-32 does not match",
        (("compressor", Fletcher32()),),
    ),
    Reject(
        "zarr3",
        "fletcher32-mismatch",
        flip_last_byte("array/c/0/0"),
        "read",
        "chunk",
        "CODEC-FLETCHER32-002",
        "a chunk whose Fletcher-32 does not match",
        (("codecs", (BytesCodec("little"), Fletcher32())),),
    ),
    Reject(
        "zarr2",
        "adler32-mismatch",
        flip_last_byte("array/0.0"),
        "read",
        "chunk",
        "CODEC-ADLER32-002",
        "a chunk whose Adler-32 does not match",
        (("compressor", Adler32()),),
    ),
    Reject(
        "zarr2",
        "jenkins_lookup3-mismatch",
        flip_last_byte("array/0.0"),
        "read",
        "chunk",
        "CODEC-JENKINSLOOKUP3-002",
        "a chunk whose lookup3 hash does not match",
        (("compressor", JenkinsLookup3()),),
    ),
    Reject(
        "zarr2",
        "shuffle-elementsize-not-dividing",
        set_member("compressor.elementsize", 3),
        "read",
        "chunk",
        "CODEC-SHUFFLE-002",
        "a shuffle of 3-byte elements over a chunk of 64 bytes",
        (("compressor", Shuffle(4)),),
    ),
    Reject(
        "zarr2",
        "bitround-keepbits-too-many",
        set_member("filters.0.keepbits", 24),
        "open",
        "metadata",
        "CODEC-BITROUND-002",
        "a bitround keeping 24 bits of a float32's 23-bit mantissa",
        (("filters", (BitRound(23),)),),
        dtype="float32",
    ),
    Reject(
        "zarr2",
        "packbits-not-bool",
        set_member("dtype", "|u1"),
        "open",
        "metadata",
        "CODEC-PACKBITS-002",
        "a packbits filter on a uint8 array",
        (("filters", (PackBits(),)),),
        dtype="bool",
    ),
    Reject(
        "zarr2",
        "fixedscaleoffset-dtype-differs",
        set_member("filters.0.dtype", "<i2"),
        "open",
        "metadata",
        "CODEC-FIXEDSCALEOFFSET-002",
        "a fixedscaleoffset filter whose dtype is not the array's",
        (("filters", (FixedScaleOffset(0, 1, "<i4", "<i4"),)),),
    ),
    Reject(
        "zarr2",
        "quantize-dtype-differs",
        set_member("filters.0.dtype", "<f4"),
        "open",
        "metadata",
        "CODEC-QUANTIZE-002",
        "a quantize filter whose dtype is not the array's",
        (("filters", (Quantize(20, "<f8", "<f8"),)),),
        dtype="float64",
    ),
    Reject(
        "zarr2",
        "astype-decode-dtype-differs",
        set_member("filters.0.decode_dtype", "<i2"),
        "open",
        "metadata",
        "CODEC-ASTYPE-002",
        "an astype filter whose decode_dtype is not the array's",
        (("filters", (AsType("<i8", "<i4"),)),),
    ),
    Reject(
        "zarr2",
        "delta-dtype-byte-order-differs",
        set_member("filters.0.dtype", ">i4"),
        "open",
        "unsupported",
        "ZARR2-CODEC-005",
        "a delta filter reading a little-endian int32 array as big-endian",
        (("filters", (Delta("<i4", "<i4"),)),),
    ),
    Reject(
        "zarr3",
        "bitround-integer-array",
        set_member("data_type", "int32"),
        "open",
        "metadata",
        "CODEC-BITROUND-002",
        "a bitround codec on an int32 array",
        (("codecs", (BitRound(23), BytesCodec("little"))),),
        dtype="float32",
    ),
]


WRITES: list[WriteRow] = [
    (
        "zarr2",
        "int16-astype-blosc",
        "int16",
        (7, 5),
        (4, 4),
        {"filters": [AsType("<i4", "<i2")], "compressor": Blosc("lz4", 5, "shuffle")},
        "an int16 array widened to int32 by astype before blosc, whose type size is then 4",
        ["CODEC-ASTYPE-001", "CODEC-BLOSC-006"],
    ),
    (
        "zarr2",
        "int32-delta-shuffle-fletcher32",
        "int32",
        (6, 7),
        (4, 4),
        {"filters": [Delta("<i4", "<i4"), Shuffle(4)], "compressor": Fletcher32()},
        "an int32 array through delta, shuffle and fletcher32",
        ["CODEC-DELTA-001", "CODEC-SHUFFLE-001", "CODEC-FLETCHER32-001"],
    ),
    (
        "zarr3",
        "bool-packbits-adler32",
        "bool",
        (6, 7),
        (4, 4),
        {"codecs": [PackBits(), BytesCodec(None), Adler32(), JenkinsLookup3()]},
        "a bool array through packbits, adler32 and jenkins_lookup3",
        ["CODEC-PACKBITS-001", "CODEC-ADLER32-001", "CODEC-JENKINSLOOKUP3-001"],
    ),
]


def cases() -> Iterator[CaseDraft]:
    """A read case per filter row and format, then the blosc type-size cases of Zarr v2, then rejects."""
    for format_name in ("zarr2", "zarr3"):
        for row in ROWS:
            if format_name == "zarr2" or row.slug not in ZARR2_ONLY:
                yield _read_case(format_name, row)
    for slug, filters, expected in BLOSC_TYPESIZE:
        yield _blosc_typesize_case(slug, json.loads(json.dumps(filters)), expected)
    yield from reject_cases(REJECTS)
    yield from write_cases(WRITES)

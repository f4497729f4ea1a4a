"""Read cases for each codec alone and in chains, per format (spec/codecs/, spec/core/codecs.md)."""

from __future__ import annotations

import gzip
import json
import struct
from collections.abc import Iterator
from typing import Any

import numpy as np

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import (
    build_array,
    format_read_case,
    id_seed,
    sample_values,
)
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
from zn5.reference.store.memory import MemoryStore

GENERATOR = "zn5.conformance.generate.codecs"
SHAPE = (9, 10)
CHUNKS = (4, 6)

# (slug, options for create_array, requirement IDs): compressors and filters as each format spells them.
ZARR2: list[tuple[str, dict[str, Any], list[str]]] = [
    ("raw", {}, ["CODEC-BYTES-001"]),
    ("gzip", {"compressor": Gzip(5)}, ["CODEC-GZIP-001"]),
    ("zlib", {"compressor": Zlib(1)}, ["CODEC-ZLIB-001", "CORE-CODEC-007"]),
    ("bz2", {"compressor": Bz2(9)}, ["CODEC-BZ2-001"]),
    ("lzma", {"compressor": Lzma(6)}, ["CODEC-LZMA-001"]),
    ("zstd", {"compressor": Zstd(3)}, ["CODEC-ZSTD-001"]),
    ("zstd-checksum", {"compressor": Zstd(1, checksum=True)}, ["CODEC-ZSTD-001"]),
    ("lz4", {"compressor": Lz4(1)}, ["CODEC-LZ4-001", "CORE-CODEC-007"]),
    ("blosc-lz4-shuffle", {"compressor": Blosc("lz4", 5, "shuffle", 4)}, ["CODEC-BLOSC-001"]),
    ("blosc-zstd-bitshuffle", {"compressor": Blosc("zstd", 3, "bitshuffle", 4)}, ["CODEC-BLOSC-001"]),
    ("blosc-zlib-noshuffle", {"compressor": Blosc("zlib", 1, "noshuffle", 4)}, ["CODEC-BLOSC-001"]),
    ("blosc-blosclz", {"compressor": Blosc("blosclz", 9, "shuffle", 4)}, ["CODEC-BLOSC-001"]),
    ("order-f", {"order": "F"}, ["ZARR2-META-005", "CODEC-TRANSPOSE-002", "ZARR2-KEY-001"]),
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
    (
        "numcodecs-zlib",
        {"codecs": [BytesCodec("little"), Zlib(4)]},
        ["CODEC-ZLIB-001", "CORE-CODEC-007"],
    ),
    ("numcodecs-delta", {"codecs": [Delta("<i4", "<i4"), BytesCodec("little")]}, ["CODEC-DELTA-001"]),
]
N5: list[tuple[str, dict[str, Any], list[str]]] = [
    ("raw", {}, ["N5-CODEC-001", "N5-BLOCK-001"]),
    ("gzip", {"compressor": Gzip(6)}, ["N5-CODEC-001", "CODEC-GZIP-001", "N5-BLOCK-001"]),
    (
        "gzip-zlib",
        {"compressor": Zlib(6)},
        ["N5-CODEC-001", "CODEC-ZLIB-001", "N5-BLOCK-001", "CORE-CODEC-007"],
    ),
    ("bzip2", {"compressor": Bz2(9)}, ["N5-CODEC-001", "CODEC-BZ2-001", "N5-BLOCK-001"]),
    ("xz", {"compressor": Lzma(6)}, ["N5-CODEC-001", "CODEC-LZMA-001", "N5-BLOCK-001"]),
    ("zstd", {"compressor": Zstd(3)}, ["N5-CODEC-001", "CODEC-ZSTD-001", "N5-BLOCK-001"]),
    (
        "blosc",
        {"compressor": Blosc("lz4", 5, "shuffle", 1)},
        ["N5-CODEC-001", "CODEC-BLOSC-001", "N5-BLOCK-001"],
    ),
    (
        "lz4",
        {"compressor": N5Lz4(65536)},
        ["N5-CODEC-001", "CODEC-N5LZ4-001", "N5-BLOCK-001", "CORE-CODEC-007"],
    ),
    (
        "lz4-small-blocks",
        {"compressor": N5Lz4(64)},
        ["N5-CODEC-001", "CODEC-N5LZ4-001", "N5-BLOCK-001", "CORE-CODEC-007"],
    ),
]


def _case(format_name: str, slug: str, options: dict[str, Any], requirements: list[str]) -> CaseDraft:
    case_id = f"{format_name}/codec/{slug}"
    # smaller values: the compressors have work to do
    values = sample_values("int32", SHAPE, id_seed(case_id)) // 1024
    store = build_array(format_name, values, CHUNKS, **options)
    codecs: tuple[Codec, ...] = open_array(store, path="array").model.codecs
    chain = " → ".join(codec.name for codec in codecs)
    return format_read_case(
        GENERATOR,
        case_id,
        store,
        values,
        ["CORE-CODEC-002", *requirements],
        description=f"int32 9x10 array in 4x6 chunks through the chain {chain} reads exactly",
        tags=["codec"],
        codecs=codecs,
    )


def _gzip_members(raw: bytes) -> bytes:
    """``raw`` as two gzip members, one after the other, as N5 Java can write them."""
    half = len(raw) // 2
    return gzip.compress(raw[:half], mtime=0) + gzip.compress(raw[half:], mtime=0)


def _multi_member_case(format_name: str) -> CaseDraft:
    """Every chunk holds two gzip members; the chunks are built from the values here, not by the reference."""
    shape, chunks = (8, 6), (4, 3)
    case_id = f"{format_name}/codec/gzip-multi-member"
    values = sample_values("int32", shape, id_seed(case_id)) // 1024
    store = build_array(format_name, values, chunks, write=None, compressor=Gzip(1))
    for i in range(shape[0] // chunks[0]):
        for j in range(shape[1] // chunks[1]):
            block = values[i * 4 : i * 4 + 4, j * 3 : j * 3 + 3]
            if format_name == "n5":
                header = struct.pack(">HH2I", 0, 2, *chunks)
                store.values[f"array/{i}/{j}"] = header + _gzip_members(
                    block.astype(">i4").tobytes(order="F")
                )
            else:
                store.values[f"array/{i}.{j}"] = _gzip_members(block.astype("<i4").tobytes())
    return format_read_case(
        GENERATOR,
        case_id,
        store,
        values,
        ["CODEC-GZIP-002"],
        description="chunks of two concatenated gzip members read as the concatenation of their contents",
        tags=["codec"],
    )


def _empty_filters_case() -> CaseDraft:
    case_id = "zarr2/codec/filters-empty-list"
    values = sample_values("int32", SHAPE, id_seed(case_id)) // 1024
    store = build_array("zarr2", values, CHUNKS, compressor=Zlib(1))
    document = json.loads(store.values["array/.zarray"])
    document["filters"] = []
    store.values["array/.zarray"] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()
    return format_read_case(
        GENERATOR,
        case_id,
        store,
        values,
        ["ZARR2-META-006"],
        description="filters given as an empty array mean no filters",
        tags=["codec"],
    )


def _document_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


def _expected_node(data_type: str, separator: str, codecs: list[dict[str, Any]]) -> dict[str, Any]:
    """The core model of a 6x4 array in chunks of 4x3 with fill value zero and no attributes."""
    return {
        "node_type": "array",
        "shape": [6, 4],
        "data_type": data_type,
        "chunk_grid": {"name": "regular", "chunk_shape": [4, 3]},
        "chunk_key_encoding": {"name": "v2", "separator": separator},
        "fill_value": {"hex": "00" * np.dtype(data_type).itemsize},
        "codecs": codecs,
        "dimension_names": None,
        "attributes": {},
    }


# (slug, dtype, numcodecs blosc object, the bytes codec's configuration, blosc as the core model has it)
ZARR2_BLOSC: list[tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    (
        "blosc-shuffle-automatic-one-byte",
        "|u1",
        {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": -1, "blocksize": 0},
        {},
        {"cname": "lz4", "clevel": 5, "shuffle": "bitshuffle", "typesize": 1, "blocksize": 0},
    ),
    (
        "blosc-shuffle-automatic-two-bytes",
        "<i2",
        {"id": "blosc", "cname": "zstd", "clevel": 3, "shuffle": -1, "blocksize": 0},
        {"endian": "little"},
        {"cname": "zstd", "clevel": 3, "shuffle": "shuffle", "typesize": 2, "blocksize": 0},
    ),
    (
        "blosc-no-shuffle",
        ">u4",
        {"id": "blosc", "cname": "zlib", "clevel": 1, "shuffle": 0, "blocksize": 0},
        {"endian": "big"},
        {"cname": "zlib", "clevel": 1, "shuffle": "noshuffle", "typesize": 4, "blocksize": 0},
    ),
]
# (slug, N5 compression object, blosc as the core model has it)
N5_BLOSC: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "blosc-byte-shuffle",
        {"type": "blosc", "cname": "zstd", "clevel": 3, "shuffle": 1, "blocksize": 0, "nthreads": 1},
        {"cname": "zstd", "clevel": 3, "shuffle": "shuffle", "typesize": 1, "blocksize": 0},
    ),
    (
        "blosc-defaults",
        {"type": "blosc"},
        {"cname": "blosclz", "clevel": 6, "shuffle": "noshuffle", "typesize": 1, "blocksize": 0},
    ),
]


def _zarr2_blosc_case(row: tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]) -> CaseDraft:
    slug, dtype, compressor, serialiser, blosc = row
    zarray = {
        "zarr_format": 2,
        "shape": [6, 4],
        "chunks": [4, 3],
        "dtype": dtype,
        "compressor": compressor,
        "fill_value": 0,
        "order": "C",
        "filters": None,
    }
    codecs = [{"name": "bytes", "configuration": serialiser}, {"name": "blosc", "configuration": blosc}]
    return CaseDraft(
        id=f"zarr2/codec/{slug}",
        kind="metadata",
        requirements=["CODEC-BLOSC-002", "ZARR2-DTYPE-005"],
        description=f"blosc shuffle {compressor['shuffle']} of a {dtype} array is {blosc['shuffle']} "
        f"with typesize {blosc['typesize']}",
        requires=["format:zarr2", "op:metadata"],
        tags=["codec", "metadata"],
        store=MemoryStore(
            {".zgroup": _document_bytes({"zarr_format": 2}), "array/.zarray": _document_bytes(zarray)}
        ),
        node="array",
        expected_node=_expected_node(np.dtype(dtype).name, ".", codecs),
        origin={"generator": GENERATOR},
    )


def _n5_blosc_case(row: tuple[str, dict[str, Any], dict[str, Any]]) -> CaseDraft:
    slug, compression, blosc = row
    attributes = {"dimensions": [6, 4], "blockSize": [4, 3], "dataType": "uint16", "compression": compression}
    codecs = [
        {"name": "n5.block", "configuration": {"compression": [{"name": "blosc", "configuration": blosc}]}}
    ]
    return CaseDraft(
        id=f"n5/codec/{slug}",
        kind="metadata",
        requirements=["CODEC-BLOSC-005", "N5-CODEC-003"],
        description=f"the N5 blosc compression {json.dumps(compression, sort_keys=True)} in the core model",
        requires=["format:n5", "op:metadata"],
        tags=["codec", "metadata"],
        store=MemoryStore(
            {
                "attributes.json": _document_bytes({"n5": "4.0.0"}),
                "array/attributes.json": _document_bytes(attributes),
            }
        ),
        node="array",
        expected_node=_expected_node("uint16", "/", codecs),
        origin={"generator": GENERATOR},
    )


def cases() -> Iterator[CaseDraft]:
    """One read case per codec configuration of each format, then the cases of single codec rules."""
    for format_name, table in (("zarr2", ZARR2), ("zarr3", ZARR3), ("n5", N5)):
        for slug, options, requirements in table:
            yield _case(format_name, slug, options, requirements)
    yield _multi_member_case("zarr2")
    yield _multi_member_case("n5")
    yield _empty_filters_case()
    for zarr2_row in ZARR2_BLOSC:
        yield _zarr2_blosc_case(zarr2_row)
    for n5_row in N5_BLOSC:
        yield _n5_blosc_case(n5_row)
    for numcodecs_row in ZARR3_NUMCODECS_COMPRESSORS:
        yield _numcodecs_compressor_case(*numcodecs_row)


ZARR3_NUMCODECS_COMPRESSORS: list[tuple[str, Codec, dict[str, Any]]] = [
    ("numcodecs-blosc", Blosc("lz4", 5, "shuffle", 1), {"cname": "lz4", "clevel": 5, "shuffle": 1}),
    ("numcodecs-gzip", Gzip(3), {"level": 3}),
    ("numcodecs-zstd", Zstd(2), {"level": 2}),
    ("numcodecs-bz2-defaults", Bz2(1), {}),
]
"""numcodecs' compressors as zarr-python 3.1.6 writes them into Zarr v3 (ZARR3-CODEC-002): the chunks are
the core codec's, the name and the configuration numcodecs', with only the members its caller set;
blosc receives bytes, so its type size is 1."""


def _numcodecs_compressor_case(slug: str, compressor: Codec, configuration: dict[str, Any]) -> CaseDraft:
    case_id = f"zarr3/codec/{slug}"
    values = sample_values("int16", SHAPE, id_seed(case_id)) // 64
    store = build_array("zarr3", values, CHUNKS, codecs=[BytesCodec("little"), compressor])
    document = json.loads(store.values["array/zarr.json"])
    document["codecs"][1] = {"name": f"numcodecs.{compressor.v2_ids[0]}", "configuration": configuration}
    store.values["array/zarr.json"] = _document_bytes(document)
    return format_read_case(
        GENERATOR,
        case_id,
        store,
        values,
        ["ZARR3-CODEC-002"],
        description=f"the compressor {document['codecs'][1]['name']} with the configuration "
        f"{json.dumps(configuration, sort_keys=True)}, as zarr-python 3 writes it, reads exactly",
        tags=["codec", "numcodecs"],
        codecs=(BytesCodec("little"), compressor),
    )

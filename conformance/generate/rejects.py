"""Reject cases: one fault each, named after the fault, citing the requirement it breaks; each with a valid
twin, a read case that differs only by the fault (DECISIONS.md section 6)."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import FORMAT_READ_REQUIREMENTS, build_array, read_tokens, sample_values
from zn5.reference.api import open_array
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.crc32 import Crc32
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.delta import Delta
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.n5_lz4 import N5Lz4
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.store.memory import MemoryStore

GENERATOR = "zn5.conformance.generate.rejects"
DOCUMENT = {"zarr2": "array/.zarray", "zarr3": "array/zarr.json", "n5": "array/attributes.json"}
DELETE = object()

Fault = Callable[[MemoryStore], None]


@dataclass(frozen=True)
class Reject:
    """One fault: how to break a valid store and what a reader reports.

    ``also`` names further requirements the reject case tests (a reader that gets one of them wrong
    accepts the fault too). The valid store is an int32 array of shape (6, 5) in chunks of (4, 4)
    unless ``dtype``, ``shape`` or ``chunks`` say otherwise; ``prepare`` edits it before the fault,
    for twin and reject alike. ``node`` is the path the reject case opens (a path can be the fault).
    """

    format: str
    slug: str
    fault: Fault
    phase: str
    category: str
    requirement: str
    description: str
    options: tuple[tuple[str, Any], ...] = ()
    also: tuple[str, ...] = ()
    dtype: str = "int32"
    shape: tuple[int, ...] = (6, 5)
    chunks: tuple[int, ...] = (4, 4)
    prepare: Fault | None = None
    node: str = "array"


def set_member(path: str, value: Any) -> Fault:
    """Set (or with DELETE remove) a member of the array's metadata document; ``a.b.0`` walks into it."""

    def fault(store: MemoryStore) -> None:
        format_name = next(name for name, key in DOCUMENT.items() if key in store.values)
        document = json.loads(store.values[DOCUMENT[format_name]])
        target = document
        *parents, last = path.split(".")
        for parent in parents:
            target = target[int(parent)] if parent.isdigit() else target[parent]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
        store.values[DOCUMENT[format_name]] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()

    return fault


def set_group_member(name: str, value: Any) -> Fault:
    """Set a member of the root group's document (Zarr v3)."""

    def fault(store: MemoryStore) -> None:
        document = json.loads(store.values["zarr.json"])
        document[name] = value
        store.values["zarr.json"] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()

    return fault


def replace_document(raw: bytes) -> Fault:
    """Replace the array's metadata document with ``raw``."""

    def fault(store: MemoryStore) -> None:
        key = next(key for key in DOCUMENT.values() if key in store.values)
        store.values[key] = raw

    return fault


def faults(*steps: Fault) -> Fault:
    """Several edits applied in order, as one fault."""

    def fault(store: MemoryStore) -> None:
        for step in steps:
            step(store)

    return fault


def set_root_member(name: str, value: Any) -> Fault:
    """Set a member of the root's N5 attributes.json."""

    def fault(store: MemoryStore) -> None:
        document = json.loads(store.values["attributes.json"])
        document[name] = value
        store.values["attributes.json"] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()

    return fault


def add_value(key: str, raw: bytes) -> Fault:
    """Store a value under a key that held none."""

    def fault(store: MemoryStore) -> None:
        store.values[key] = raw

    return fault


def append_to_chunk(key: str, raw: bytes) -> Fault:
    """Append bytes to a stored chunk."""

    def fault(store: MemoryStore) -> None:
        store.values[key] += raw

    return fault


def cut_chunk(key: str, count: int) -> Fault:
    """Remove the last ``count`` bytes of a stored chunk."""

    def fault(store: MemoryStore) -> None:
        store.values[key] = store.values[key][:-count]

    return fault


def flip_byte(key: str, offset: int) -> Fault:
    """Invert the bits of one byte of a stored chunk."""

    def fault(store: MemoryStore) -> None:
        value = bytearray(store.values[key])
        value[offset] ^= 0xFF
        store.values[key] = bytes(value)

    return fault


def replace_chunk(key: str, raw: bytes) -> Fault:
    """Replace one stored chunk."""

    def fault(store: MemoryStore) -> None:
        store.values[key] = raw

    return fault


def flip_last_byte(key: str) -> Fault:
    """Corrupt one byte at the end of a stored chunk."""

    def fault(store: MemoryStore) -> None:
        value = store.values[key]
        store.values[key] = value[:-1] + bytes([value[-1] ^ 0xFF])

    return fault


def parent_name_in_path(format: str) -> Reject:
    """The fault of every format's node paths: a path with a '..' name (CORE-NODE-002)."""
    return Reject(
        format,
        "path-parent-name",
        lambda store: None,
        "open",
        "store",
        "CORE-NODE-002",
        "a node path with a '..' name",
        node="array/../array",
    )


def float_in_shape(format: str) -> Reject:
    """The fault of the Zarr formats' integer lists: a shape entry written as a float (CORE-META-004)."""
    return Reject(
        format,
        "shape-float",
        set_member("shape", [6.0, 5]),
        "open",
        "metadata",
        "CORE-META-004",
        "a shape entry written as 6.0",
    )


GZIP: tuple[tuple[str, Any], ...] = (("compressor", Gzip(1)),)
REJECTS = [
    Reject(
        "zarr2",
        "metadata-not-json",
        replace_document(b'{"zarr_format": 2,'),
        "open",
        "metadata",
        "CORE-META-001",
        ".zarray that is not valid JSON",
    ),
    Reject(
        "zarr2",
        "shape-negative",
        set_member("shape", [-6, 5]),
        "open",
        "metadata",
        "ZARR2-META-002",
        "a negative length in shape",
    ),
    Reject(
        "zarr2",
        "chunks-rank-mismatch",
        set_member("chunks", [4]),
        "open",
        "metadata",
        "ZARR2-META-003",
        "chunks with fewer entries than shape",
    ),
    Reject(
        "zarr2",
        "chunks-zero",
        set_member("chunks", [0, 4]),
        "open",
        "metadata",
        "CORE-GRID-001",
        "a zero chunk length on a non-empty axis",
    ),
    Reject(
        "zarr2",
        "dtype-no-byte-order",
        set_member("dtype", "i4"),
        "open",
        "metadata",
        "ZARR2-DTYPE-001",
        "a dtype without its byte-order character",
    ),
    Reject(
        "zarr2",
        "dtype-pipe-multibyte",
        set_member("dtype", "|i4"),
        "open",
        "metadata",
        "ZARR2-DTYPE-002",
        "'|' as byte order of a 4-byte integer",
    ),
    Reject(
        "zarr2",
        "fill-value-out-of-range",
        set_member("fill_value", 2**31),
        "open",
        "metadata",
        "ZARR2-FILL-003",
        "an int32 fill value above its range",
        also=("CORE-FILL-002",),
    ),
    Reject(
        "zarr2",
        "fill-value-missing",
        set_member("fill_value", DELETE),
        "open",
        "metadata",
        "ZARR2-META-001",
        "a .zarray without fill_value",
    ),
    Reject(
        "zarr2",
        "order-unknown",
        set_member("order", "Z"),
        "open",
        "metadata",
        "ZARR2-META-005",
        "an order other than C or F",
    ),
    Reject(
        "zarr2",
        "compressor-unknown",
        set_member("compressor", {"id": "no-such-codec"}),
        "open",
        "unsupported",
        "ZARR2-CODEC-002",
        "a compressor id no registry defines",
    ),
    Reject(
        "zarr2",
        "shape-overflow",
        set_member("shape", [2**40, 2**40]),
        "open",
        "metadata",
        "CORE-GRID-005",
        "a shape of 2**80 elements",
    ),
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
        "codecs-missing",
        set_member("codecs", DELETE),
        "open",
        "metadata",
        "ZARR3-META-002",
        "zarr.json without codecs",
    ),
    Reject(
        "zarr3",
        "codec-unknown",
        set_member("codecs", [{"name": "no-such-codec"}]),
        "open",
        "unsupported",
        "CORE-CODEC-003",
        "a codec no registry defines",
    ),
    Reject(
        "zarr3",
        "codecs-no-serialiser",
        set_member("codecs", [{"name": "gzip", "configuration": {"level": 1}}]),
        "open",
        "metadata",
        "CORE-CODEC-001",
        "a codec chain without an array-to-bytes codec",
    ),
    Reject(
        "zarr3",
        "bytes-without-endian",
        set_member("codecs", [{"name": "bytes"}]),
        "open",
        "metadata",
        "CODEC-BYTES-002",
        "a bytes codec without endian for int32",
    ),
    Reject(
        "zarr3",
        "unknown-member",
        set_member("future_extension", {"enabled": True}),
        "open",
        "unsupported",
        "ZARR3-EXT-001",
        "an unknown member without must_understand false",
    ),
    Reject(
        "zarr3",
        "grid-unknown",
        set_member("chunk_grid", {"name": "no-such-grid"}),
        "open",
        "unsupported",
        "ZARR3-GRID-002",
        "a chunk grid no registry defines",
    ),
    Reject(
        "zarr3",
        "fill-value-string",
        set_member("fill_value", "zero"),
        "open",
        "metadata",
        "ZARR3-FILL-003",
        "a string fill value for int32",
    ),
    Reject(
        "zarr3",
        "node-type-unknown",
        set_member("node_type", "table"),
        "open",
        "metadata",
        "ZARR3-META-001",
        "a node_type other than array or group",
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
        "dimensions-missing",
        set_member("dimensions", DELETE),
        "open",
        "metadata",
        "N5-META-002",
        "dataset attributes without dimensions",
    ),
    Reject(
        "n5",
        "block-size-zero",
        set_member("blockSize", [0, 4]),
        "open",
        "metadata",
        "N5-META-004",
        "a zero block size",
    ),
    Reject(
        "n5",
        "data-type-unknown",
        set_member("dataType", "bool"),
        "open",
        "metadata",
        "N5-DTYPE-001",
        "a dataType N5 does not define",
    ),
    Reject(
        "n5",
        "compression-unknown",
        set_member("compression", {"type": "no-such-compression"}),
        "open",
        "unsupported",
        "N5-CODEC-002",
        "a compression type no registry defines",
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
    # Zarr v2: chunks that decode to the wrong size, codecs and their configurations, documents.
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
        "zarr2",
        "crc32c-location-start",
        set_member("compressor.location", "start"),
        "open",
        "unsupported",
        "CODEC-CRC32C-003",
        "a crc32c compressor with its checksum at the start",
        (("compressor", Crc32c()),),
        prepare=set_member("compressor.location", "end"),
    ),
    Reject(
        "zarr2",
        "delta-dtype-differs",
        set_member("filters.0.dtype", "<i2"),
        "open",
        "metadata",
        "CODEC-DELTA-002",
        "a delta filter whose dtype is not the array's",
        (("filters", (Delta("<i4", "<i4"),)),),
    ),
    Reject(
        "zarr2",
        "compressor-level-out-of-range",
        set_member("compressor.level", 12),
        "open",
        "metadata",
        "ZARR2-CODEC-003",
        "a zlib compressor with level 12",
        (("compressor", Zlib(1)),),
    ),
    Reject(
        "zarr2",
        "filters-not-array",
        set_member("filters", {"id": "zlib", "level": 1}),
        "open",
        "metadata",
        "ZARR2-META-006",
        "filters given as one codec object instead of an array",
    ),
    Reject(
        "zarr2",
        "array-and-group",
        add_value("array/.zgroup", b'{"zarr_format": 2}\n'),
        "open",
        "metadata",
        "ZARR2-META-010",
        "a prefix holding both .zarray and .zgroup",
    ),
    Reject(
        "zarr2",
        "attributes-not-object",
        add_value("array/.zattrs", b"[1, 2]\n"),
        "open",
        "metadata",
        "ZARR2-META-011",
        "a .zattrs holding an array instead of an object",
    ),
    Reject(
        "zarr2",
        "dtype-datetime-no-unit",
        set_member("dtype", "<M8"),
        "open",
        "metadata",
        "ZARR2-DTYPE-003",
        "a datetime dtype without its unit",
        dtype="<M8[s]",
    ),
    Reject(
        "zarr2",
        "dtype-structured",
        set_member("dtype", [["a", "<i2"], ["b", "<i2"]]),
        "open",
        "unsupported",
        "ZARR2-DTYPE-004",
        "a structured dtype of the same size as the chunks' elements",
    ),
    Reject(
        "zarr2",
        "dtype-object",
        set_member("dtype", "|O"),
        "open",
        "metadata",
        "ZARR2-VLEN-005",
        "the object dtype '|O' without an object codec",
    ),
    float_in_shape("zarr2"),
    parent_name_in_path("zarr2"),
    # Zarr v3: documents, extension objects and codec configurations.
    Reject(
        "zarr3",
        "shape-negative",
        set_member("shape", [-6, 5]),
        "open",
        "metadata",
        "ZARR3-META-003",
        "a negative length in shape",
    ),
    float_in_shape("zarr3"),
    Reject(
        "zarr3",
        "fill-value-whole-float",
        set_member("fill_value", 3.0),
        "open",
        "metadata",
        "CORE-META-004",
        "an int32 fill value written as 3.0",
        also=("ZARR3-FILL-003",),
    ),
    Reject(
        "zarr3",
        "fill-value-null",
        set_member("fill_value", None),
        "open",
        "metadata",
        "ZARR3-FILL-001",
        "a null fill value",
    ),
    Reject(
        "zarr3",
        "fill-value-float-overflow",
        set_member("fill_value", 1e39),
        "open",
        "metadata",
        "CORE-FILL-002",
        "a float32 fill value beyond the type's range",
        also=("ZARR3-FILL-004",),
        dtype="float32",
    ),
    Reject(
        "zarr3",
        "fill-value-string-too-long",
        set_member("fill_value", "abc"),
        "open",
        "metadata",
        "CORE-FILL-002",
        "a three-character fill value for two-character strings",
        (("fill_value", "ab"),),
        also=("ZARR3-FILL-007",),
        dtype="<U2",
    ),
    Reject(
        "zarr3",
        "codec-configuration-wrong-type",
        set_member("codecs.1.configuration.level", "1"),
        "open",
        "metadata",
        "CORE-CODEC-006",
        "a gzip level written as a string",
        GZIP,
    ),
    Reject(
        "zarr3",
        "codec-configuration-unknown-member",
        set_member("codecs.1.configuration.window", 15),
        "open",
        "metadata",
        "CORE-CODEC-006",
        "a gzip configuration with a member gzip does not define",
        GZIP,
    ),
    Reject(
        "zarr3",
        "codec-configuration-member-missing",
        set_member("codecs.1.configuration.level", DELETE),
        "open",
        "metadata",
        "CORE-CODEC-006",
        "a gzip configuration without its required level",
        GZIP,
    ),
    Reject(
        "zarr3",
        "blosc-typesize-missing",
        set_member("codecs.1.configuration.typesize", DELETE),
        "open",
        "metadata",
        "CODEC-BLOSC-003",
        "a byte-shuffling blosc codec without typesize",
        (("codecs", (BytesCodec("little"), Blosc("lz4", 5, "shuffle"))),),
    ),
    Reject(
        "zarr3",
        "blosc-shuffle-integer",
        set_member("codecs.1.configuration.shuffle", 1),
        "open",
        "metadata",
        "CODEC-BLOSC-003",
        "a blosc shuffle written as the Zarr v2 integer 1",
        (("codecs", (BytesCodec("little"), Blosc("lz4", 5, "shuffle"))),),
    ),
    Reject(
        "zarr3",
        "codecs-empty",
        set_member("codecs", []),
        "open",
        "metadata",
        "ZARR3-CODEC-001",
        "an empty codecs array",
    ),
    Reject(
        "zarr3",
        "extension-configuration-not-object",
        set_member("codecs.0.configuration", ["little"]),
        "open",
        "metadata",
        "ZARR3-EXT-002",
        "a codec whose configuration is an array",
    ),
    Reject(
        "zarr3",
        "extension-not-object",
        set_member("chunk_key_encoding", 2),
        "open",
        "metadata",
        "ZARR3-EXT-002",
        "a chunk_key_encoding that is a number",
    ),
    Reject(
        "zarr3",
        "data-type-unknown",
        set_member("data_type", "no-such-type"),
        "open",
        "unsupported",
        "ZARR3-DTYPE-002",
        "a data type no registry defines",
    ),
    Reject(
        "zarr3",
        "key-encoding-unknown",
        set_member("chunk_key_encoding", {"name": "no-such-encoding"}),
        "open",
        "unsupported",
        "ZARR3-KEY-002",
        "a chunk key encoding no registry defines",
    ),
    Reject(
        "zarr3",
        "storage-transformer-unknown",
        set_member("storage_transformers", [{"name": "no-such-transformer"}]),
        "open",
        "unsupported",
        "ZARR3-META-007",
        "a storage transformer no registry defines",
    ),
    Reject(
        "zarr3",
        "chunk-shape-zero-empty-axis",
        set_member("chunk_grid.configuration.chunk_shape", [0, 4]),
        "open",
        "metadata",
        "ZARR3-GRID-001",
        "a chunk length of 0 on an axis of length 0",
        shape=(0, 5),
    ),
    parent_name_in_path("zarr3"),
    # N5: the root's version, datasets, compression and blocks.
    Reject(
        "n5",
        "root-version-5",
        set_root_member("n5", "5.0.0"),
        "open",
        "unsupported",
        "N5-ROOT-002",
        "a container whose root declares N5 version 5.0.0",
    ),
    Reject(
        "n5",
        "dimensions-empty",
        faults(set_member("dimensions", []), set_member("blockSize", [])),
        "open",
        "unsupported",
        "N5-META-003",
        "a dataset with no dimensions",
    ),
    Reject(
        "n5",
        "dimensions-negative",
        set_member("dimensions", [-6, 5]),
        "open",
        "metadata",
        "N5-META-003",
        "a negative entry in dimensions",
    ),
    Reject(
        "n5",
        "block-size-boolean",
        set_member("blockSize", [True, 4]),
        "open",
        "metadata",
        "CORE-META-004",
        "a block size written as true",
    ),
    Reject(
        "n5",
        "data-type-string",
        set_member("dataType", "string"),
        "open",
        "unsupported",
        "N5-DTYPE-002",
        "the N5 Java dataType string",
    ),
    Reject(
        "n5",
        "data-type-object",
        set_member("dataType", "object"),
        "open",
        "unsupported",
        "N5-DTYPE-002",
        "the N5 Java dataType object",
    ),
    Reject(
        "n5",
        "compression-member-wrong-type",
        set_member("compression.level", "6"),
        "open",
        "metadata",
        "N5-CODEC-003",
        "a gzip level written as a string",
        (("compressor", Gzip(6)),),
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
    parent_name_in_path("n5"),
    # The strict twins of the known deviations (generate/deviations.py): spellings no released writer is
    # known to produce, or that would give wrong values if read.
    Reject(
        "zarr2",
        "blosc-shuffle-other-word",
        set_member("compressor.shuffle", "bitshuffle"),
        "open",
        "metadata",
        "CODEC-BLOSC-002",
        'a blosc shuffle written as the word "bitshuffle", which no known writer writes',
        (("compressor", Blosc("lz4", 5, "bitshuffle", None)),),
        dtype="int16",
    ),
    Reject(
        "zarr2",
        "fill-value-word-string",
        set_member("fill_value", "seven"),
        "open",
        "metadata",
        "ZARR2-FILL-003",
        "an int32 fill value written as a string that holds no number",
    ),
    Reject(
        "zarr3",
        "fill-value-integer-string",
        set_member("fill_value", "0"),
        "open",
        "metadata",
        "ZARR3-FILL-003",
        'an int32 fill value written as the string "0" in Zarr v3',
    ),
    Reject(
        "zarr3",
        "fill-value-bool-two",
        set_member("fill_value", 2),
        "open",
        "metadata",
        "ZARR3-FILL-002",
        "a bool fill value written as the integer 2",
        dtype="bool",
    ),
    Reject(
        "zarr3",
        "fill-value-complex-number",
        set_member("fill_value", 0),
        "open",
        "metadata",
        "ZARR3-FILL-005",
        "a complex64 fill value written as one number instead of a pair",
        dtype="complex64",
    ),
    Reject(
        "zarr3",
        "gzip-use-zlib-true",
        set_member("codecs.1.configuration.useZlib", True),
        "open",
        "metadata",
        "CORE-CODEC-006",
        "a gzip configuration whose useZlib is true, which in N5 Java selects a zlib stream",
        GZIP,
    ),
    Reject(
        "n5",
        "block-size-beyond-two-gigabytes",
        set_member("blockSize", [65536, 65536]),
        "open",
        "metadata",
        "N5-META-007",
        "a blockSize whose blocks would hold 2**34 bytes of int32",
    ),
    Reject(
        "zarr3",
        "group-consolidated-metadata-false",
        set_group_member("consolidated_metadata", False),
        "open",
        "metadata",
        "ZARR3-META-008",
        "a root group whose consolidated_metadata is false, neither an object nor zarr-python's null",
        node="",
    ),
]


def _base(reject: Reject, seed: int) -> tuple[MemoryStore, Any, tuple[Codec, ...]]:
    values = sample_values(reject.dtype, reject.shape, seed)
    store = build_array(reject.format, values, reject.chunks, **dict(reject.options))
    if reject.prepare is not None:
        reject.prepare(store)
    return store, values, open_array(store, path="array").model.codecs


def cases() -> Iterator[CaseDraft]:
    """A reject case and its valid twin for every fault."""
    yield from reject_cases(REJECTS, 8000)


def reject_cases(rejects: list[Reject], first_seed: int) -> Iterator[CaseDraft]:
    """A reject case and its valid twin for each of ``rejects``, seeded from ``first_seed`` on."""
    for seed, reject in enumerate(rejects, start=first_seed):
        store, values, codecs = _base(reject, seed)
        twin_id = f"{reject.format}/twin/{reject.slug}"
        tokens = read_tokens(reject.format, values.dtype, codecs)
        yield CaseDraft(
            id=twin_id,
            kind="read",
            requirements=[*FORMAT_READ_REQUIREMENTS[reject.format], reject.requirement],
            description=f"the valid twin of the reject case {reject.slug} reads exactly",
            requires=tokens,
            tags=["twin"],
            store=store,
            node="array",
            expected_array=values,
            origin={"generator": GENERATOR, "seed": seed},
        )
        broken, _, _ = _base(reject, seed)
        reject.fault(broken)
        yield CaseDraft(
            id=f"{reject.format}/reject/{reject.slug}",
            kind="reject",
            requirements=[reject.requirement, *reject.also],
            description=f"{reject.description} is refused",
            requires=tokens,
            tags=["reject", reject.phase],
            store=broken,
            node=reject.node,
            error={
                "phase": reject.phase,
                "category": reject.category,
                "requirement": reject.requirement,
                "twin": twin_id,
            },
            origin={"generator": GENERATOR, "seed": seed},
        )

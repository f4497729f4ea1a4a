"""Reject cases: one fault each, named after the fault, citing the requirement it breaks; each with a valid
twin, a read case that differs only by the fault (DECISIONS.md section 6)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from zn5.conformance.generate.case import Case
from zn5.conformance.generate.common import FORMAT_READ_REQUIREMENTS, build_array, read_tokens, sample_values
from zn5.reference.api import open_array
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.store.memory import MemoryStore

GENERATOR = "zn5.conformance.generate.rejects"
DOCUMENT = {"zarr2": "array/.zarray", "zarr3": "array/zarr.json", "n5": "array/attributes.json"}
DELETE = object()

Fault = Callable[[MemoryStore], None]


@dataclass(frozen=True)
class Reject:
    """One fault: how to break a valid store and what a reader reports."""

    format: str
    slug: str
    fault: Fault
    phase: str
    category: str
    requirement: str
    description: str
    options: tuple[tuple[str, Any], ...] = ()


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


def replace_document(raw: bytes) -> Fault:
    """Replace the array's metadata document with ``raw``."""

    def fault(store: MemoryStore) -> None:
        key = next(key for key in DOCUMENT.values() if key in store.values)
        store.values[key] = raw

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
]


def _base(reject: Reject, seed: int) -> tuple[MemoryStore, Any, tuple[Codec, ...]]:
    values = sample_values("int32", (6, 5), seed)
    store = build_array(reject.format, values, (4, 4), **dict(reject.options))
    return store, values, open_array(store, path="array").model.codecs


def cases() -> Iterator[Case]:
    """A reject case and its valid twin for every fault."""
    for seed, reject in enumerate(REJECTS, start=8000):
        store, values, codecs = _base(reject, seed)
        twin_id = f"{reject.format}/twin/{reject.slug}"
        tokens = read_tokens(reject.format, values.dtype, codecs)
        yield Case(
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
        yield Case(
            id=f"{reject.format}/reject/{reject.slug}",
            kind="reject",
            requirements=[reject.requirement],
            description=f"{reject.description} is refused",
            requires=tokens,
            tags=["reject", reject.phase],
            store=broken,
            node="array",
            error={
                "phase": reject.phase,
                "category": reject.category,
                "requirement": reject.requirement,
                "twin": twin_id,
            },
            origin={"generator": GENERATOR, "seed": seed},
        )

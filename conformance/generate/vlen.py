"""Variable-length data: ``string`` and ``bytes`` arrays in Zarr v2 and Zarr v3, sharded too, their fill
values, broken chunks, object codecs without a core type, and pickle (spec/core/data-types.md,
spec/codecs/vlen.md, spec/formats/zarr2.md, spec/formats/zarr3.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numcodecs
import numpy as np

from zn5.conformance.generate import deviations
from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import (
    FORMAT_READ_REQUIREMENTS,
    build_array,
    id_seed,
    read_case,
    sample_values,
)
from zn5.conformance.generate.fill_values import fill_row_case
from zn5.conformance.generate.rejects.faults import Fault, append_to_chunk, faults, replace_chunk, set_member
from zn5.conformance.generate.rejects.table import Reject, reject_cases
from zn5.conformance.generate.writes import WriteRow, write_cases
from zn5.reference.api import open_array
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.codecs.vlen import VlenUtf8
from zn5.reference.store.memory import MemoryStore

GENERATOR = "zn5.conformance.generate.vlen"
SHAPE = (5, 7)
CHUNKS = (2, 3)
FIRST_CHUNK = {"zarr2": "array/0.0", "zarr3": "array/c/0/0"}
MAPPING = {"zarr2": "ZARR2-VLEN-001", "zarr3": "ZARR3-VLEN-001"}
STRING_FILL = {"zarr2": "ZARR2-FILL-009", "zarr3": "ZARR3-FILL-009"}
BYTES_FILL = {"zarr2": "ZARR2-FILL-010", "zarr3": "ZARR3-FILL-010"}
TYPES = {"string": "T", "bytes": "O"}

# (slug, dtype, fill value as written in JSON, the fill element, kind of fill value in
# fill_values.REQUIREMENTS): read through chunks never written, as spec/core/data-types.md's fill value
# table says.
FILLS: list[tuple[str, str, Any, Any, str]] = [
    ("string", "T", "∅ fill", "∅ fill", "string"),
    ("string-empty", "T", "", "", "string"),
    ("vlen-bytes-base64", "O", "AP8=", b"\x00\xff", "bytes"),
]
V2_FILLS: list[tuple[str, str, Any, Any, str]] = [
    ("string-zero-zarr-python-2", "T", 0, "", "string"),
    ("vlen-bytes-zero-zarr-python-2", "O", 0, b"", "bytes"),
]
"""zarr-python 2 writes 0 as the fill value of every object array: the empty element (ZARR2-FILL-009), a
known deviation (CORE-DEVIATION-015) that its cases require the capability of."""
V3_FILLS: list[tuple[str, str, Any, Any, str]] = [
    ("vlen-bytes-integer-list", "O", [0, 255], b"\x00\xff", "bytes"),
    ("datetime64-nat-string", "M8[ns]", "NaT", np.datetime64("NaT", "ns"), "time"),
    ("timedelta64-nat-string", "m8[s]", "NaT", np.timedelta64("NaT", "s"), "time"),
]
"""Zarr v3 spells NaT "NaT" too (ZARR3-FILL-008); in Zarr v2 that spelling is a known deviation
(CORE-DEVIATION-011, generate/deviations.py)."""

# (format, slug, dtype, shape, chunks, create_array options, what, requirement IDs), as writes.WRITES.
WRITES: list[WriteRow] = [
    (
        "zarr2",
        "string-vlen-utf8",
        "T",
        (5, 4),
        (2, 3),
        {"fill_value": "", "compressor": Gzip(1)},
        "a string array with vlen-utf8 and gzip",
        ["ZARR2-VLEN-004", "CODEC-VLEN-001"],
    ),
    (
        "zarr2",
        "bytes-vlen-bytes",
        "O",
        (5, 4),
        (2, 3),
        {"fill_value": b""},
        "a bytes array with vlen-bytes",
        ["ZARR2-VLEN-004", "CODEC-VLEN-001"],
    ),
    (
        "zarr3",
        "string",
        "T",
        (5, 4),
        (2, 3),
        {"fill_value": "–", "compressor": Gzip(1)},
        "a string array with fill value '–' and gzip",
        ["ZARR3-VLEN-002", "CODEC-VLEN-001"],
    ),
    (
        "zarr3",
        "bytes",
        "O",
        (5, 4),
        (2, 3),
        {"fill_value": b"\x00"},
        "a bytes array with fill value 0x00",
        ["ZARR3-VLEN-002", "CODEC-VLEN-001"],
    ),
    (
        "zarr3",
        "string-sharded",
        "T",
        (8, 8),
        (4, 4),
        {"fill_value": "", "codecs": [Sharding((2, 2), (VlenUtf8(), Gzip(1)))]},
        "a sharded string array",
        ["ZARR3-VLEN-002", "CODEC-SHARDING-001"],
    ),
]


def _read_case(format_name: str, kind: str, seed: int, **options: Any) -> CaseDraft:
    """Every element of a 5x7 array in 2x3 chunks (edge chunks on both axes) read exactly."""
    values = sample_values(TYPES[kind], SHAPE, seed)
    store = build_array(format_name, values, CHUNKS, **options)
    compressed = "compressor" in options
    return read_case(
        GENERATOR,
        f"{format_name}/vlen/{kind}-edge-chunks{'-gzip' if compressed else ''}",
        store,
        values,
        seed=seed,
        requirements=[
            *FORMAT_READ_REQUIREMENTS[format_name],
            MAPPING[format_name],
            "CORE-VLEN-001",
            "CORE-VLEN-002",
            "CODEC-VLEN-001",
        ],
        description=(
            f"{kind} elements (empty, non-ASCII, with NUL) in a 5x7 array of 2x3 chunks"
            f"{' with gzip' if compressed else ''} read exactly"
        ),
        tags=["dtype", "vlen", "edge-chunk"],
    )


def _sharded_case(seed: int) -> CaseDraft:
    """Strings inside shards, with an edge shard and inner chunks never written (CODEC-SHARDING-003)."""
    values = sample_values("T", (7, 6), seed)
    written = (slice(0, 7), slice(0, 2))
    store = build_array(
        "zarr3",
        values,
        (4, 4),
        write=written,
        fill_value="–",
        codecs=[Sharding((2, 2), (VlenUtf8(), Gzip(1)))],
    )
    expected = np.full(values.shape, "–", dtype=values.dtype)
    expected[written] = values[written]
    return read_case(
        GENERATOR,
        "zarr3/sharding/vlen-string",
        store,
        expected,
        seed=seed,
        requirements=["ZARR3-VLEN-001", "CORE-VLEN-003", "CODEC-SHARDING-001", "CODEC-SHARDING-003"],
        description="strings in 4x4 shards of 2x2 inner chunks, some never written, read with their fill",
        tags=["vlen", "sharding", "edge-chunk", "missing-chunk"],
    )


def _variable_length_bytes_case(seed: int) -> CaseDraft:
    """zarr-python 3's name for the ``bytes`` type (ZARR3-VLEN-001)."""
    case = _read_case("zarr3", "bytes", seed)
    assert case.store is not None
    set_member("data_type", "variable_length_bytes")(case.store)
    case.id = "zarr3/vlen/variable-length-bytes"
    case.description = "data_type variable_length_bytes, as zarr-python 3 writes it, is the bytes type"
    return case


def _equivalence_case(seed: int) -> CaseDraft:
    """One string array as a Zarr v2 object array and a Zarr v3 string array: the same chunk bytes, only
    the metadata differs (ZARR3-VLEN-001)."""
    values = sample_values("T", (5, 4), seed)
    stores = {name: build_array(name, values, (2, 3), compressor=Gzip(1)) for name in ("zarr2", "zarr3")}
    return CaseDraft(
        id="cross/equivalence/string",
        kind="equivalence",
        requirements=["ZARR2-VLEN-001", "ZARR3-VLEN-001", "CODEC-VLEN-001"],
        description="one string array stored as Zarr v2 (object, vlen-utf8) and Zarr v3 (string) reads alike",
        requires=["op:read", "dtype:string", "codec:vlen-utf8", "codec:gzip"],
        tags=["equivalence", "vlen"],
        stores=stores,
        node="array",
        expected_array=values,
        origin={"generator": GENERATOR, "seed": seed},
    )


def _chunk(codec: Any, values: list[Any]) -> bytes:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return bytes(codec.encode(array))


def _set_count(format_name: str, count: int) -> Fault:
    """Write another element count into the first chunk's header."""

    def fault(store: MemoryStore) -> None:
        key = FIRST_CHUNK[format_name]
        store.values[key] = count.to_bytes(4, "little") + store.values[key][4:]

    return fault


def _set_first_length(format_name: str, length: int) -> Fault:
    """Write another byte length for the first element of the first chunk."""

    def fault(store: MemoryStore) -> None:
        key = FIRST_CHUNK[format_name]
        value = store.values[key]
        store.values[key] = value[:4] + length.to_bytes(4, "little") + value[8:]

    return fault


def _object_chunks(codec: Any) -> Fault:
    """Re-encode every chunk of a zarr2 string array with another object codec."""

    def fault(store: MemoryStore) -> None:
        array = open_array(store, path="array")
        chunk_keys = [key for key in store.values if key.startswith("array/") and key[6:7].isdigit()]
        for key in chunk_keys:
            coords = tuple(int(part) for part in key.split("/")[-1].split("."))
            chunk = np.asarray(array.read_chunk(coords), dtype=object).ravel()
            store.values[key] = _chunk(codec, list(chunk))

    return fault


def _vlen_rejects() -> list[Reject]:
    """Broken variable-length chunks, object codecs without a core type, pickle."""
    utf8 = VlenUtf8().name
    found: list[Reject] = []
    for format_name in ("zarr2", "zarr3"):
        common: dict[str, Any] = {"dtype": "T"}
        found += [
            Reject(
                format_name,
                "vlen-count-mismatch",
                _set_count(format_name, 17),
                "read",
                "chunk",
                "CODEC-VLEN-002",
                "a vlen-utf8 chunk whose header counts 17 elements for a 4x4 chunk",
                **common,
            ),
            Reject(
                format_name,
                "vlen-count-huge",
                _set_count(format_name, 2**32 - 1),
                "read",
                "chunk",
                "CODEC-VLEN-002",
                "a vlen-utf8 chunk whose header counts 2**32 - 1 elements",
                **common,
            ),
            Reject(
                format_name,
                "vlen-length-overrun",
                _set_first_length(format_name, 2**32 - 16),
                "read",
                "chunk",
                "CODEC-VLEN-002",
                "a vlen-utf8 element whose length runs past the end of the chunk",
                **common,
            ),
            Reject(
                format_name,
                "vlen-trailing-bytes",
                append_to_chunk(FIRST_CHUNK[format_name], b"\x00"),
                "read",
                "chunk",
                "CODEC-VLEN-002",
                "a vlen-utf8 chunk with a byte after its last element",
                **common,
            ),
            Reject(
                format_name,
                "vlen-invalid-utf8",
                replace_chunk(
                    FIRST_CHUNK[format_name],
                    _chunk(numcodecs.VLenBytes(), [b"\xff\xfe", *(b"x" for _ in range(15))]),
                ),
                "read",
                "chunk",
                "CORE-VLEN-001",
                f"a {utf8} element that is not valid UTF-8",
                also=("CODEC-VLEN-002",),
                **common,
            ),
            Reject(
                format_name,
                "fill-value-string-number",
                set_member("fill_value", 1),
                "open",
                "metadata",
                STRING_FILL[format_name],
                "a string array whose fill value is the number 1",
                **common,
            ),
            Reject(
                format_name,
                "fill-value-bytes-not-base64",
                set_member("fill_value", "not base64!"),
                "open",
                "metadata",
                BYTES_FILL[format_name],
                "a bytes array whose fill value is no base64 string",
                dtype="O",
            ),
        ]
    found += [
        Reject(
            "zarr2",
            "object-pickle",
            faults(
                _object_chunks(numcodecs.Pickle(protocol=5)),
                set_member("filters", [numcodecs.Pickle(protocol=5).get_config()]),
            ),
            "open",
            "unsupported",
            "CORE-VLEN-005",
            "an object array whose object codec is pickle (chunks as numcodecs pickles the strings)",
            also=("ZARR2-VLEN-002",),
            dtype="T",
        ),
        Reject(
            "zarr3",
            "codec-numcodecs-pickle",
            set_member("codecs", [{"name": "numcodecs.pickle", "configuration": {"protocol": 5}}]),
            "open",
            "unsupported",
            "CORE-VLEN-005",
            "a string array whose array→bytes codec is numcodecs.pickle",
            dtype="T",
        ),
        Reject(
            "zarr3",
            "string-bytes-codec",
            set_member("codecs", [{"name": "bytes", "configuration": {"endian": "little"}}]),
            "open",
            "metadata",
            "CORE-VLEN-002",
            "a string array serialised with the bytes codec",
            dtype="T",
        ),
        Reject(
            "zarr3",
            "int32-vlen-utf8-codec",
            set_member("codecs", [{"name": utf8, "configuration": {}}]),
            "open",
            "metadata",
            "CORE-VLEN-002",
            "an int32 array serialised with the vlen-utf8 codec",
        ),
    ]
    return found


def cases() -> Iterator[CaseDraft]:
    """Read, fill value, reject and write cases of the variable-length types."""
    for format_name in ("zarr2", "zarr3"):
        for kind in TYPES:
            yield _read_case(format_name, kind, id_seed(f"{format_name}/vlen/{kind}-edge-chunks"))
        gzip_seed = id_seed(f"{format_name}/vlen/string-edge-chunks-gzip")
        yield _read_case(format_name, "string", gzip_seed, compressor=Gzip(1))
    yield _sharded_case(id_seed("zarr3/sharding/vlen-string"))
    yield _variable_length_bytes_case(id_seed("zarr3/vlen/variable-length-bytes"))
    yield _equivalence_case(id_seed("cross/equivalence/string"))
    for format_name, rows in (("zarr2", [*FILLS, *V2_FILLS]), ("zarr3", [*FILLS, *V3_FILLS])):
        for row in rows:
            case = fill_row_case(format_name, row)
            if row in V2_FILLS:
                case.requirements.append("CORE-DEVIATION-015")
                case.requires.append(deviations.FEATURE)
            yield case
    yield from reject_cases(_vlen_rejects())
    yield from write_cases(WRITES)

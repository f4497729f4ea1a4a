"""Zarr v2 object arrays of ragged numeric arrays and of JSON values (RFC 0013): the ``vlen-array``,
``json2`` and ``msgpack2`` object codecs read as ``ragged[T]`` and ``json`` arrays, their fill values,
their faults with valid twins, and their writes (spec/codecs/vlen-array.md, json2.md, msgpack2.md).

Every store is the reference's own, written through numcodecs; the rejects edit one chunk or member of
it. A Zarr v2 object array's codec chain is its object codec, then the compressor (ZARR2-VLEN-007).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import msgpack
import numpy as np

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import EDGE_SHAPE, FORMAT_READ_REQUIREMENTS, read_case, seeded_zarr2
from zn5.conformance.generate.rejects.faults import append_to_chunk, replace_chunk, set_member
from zn5.conformance.generate.rejects.table import Reject, reject_cases
from zn5.conformance.generate.writes import WriteRow, write_cases
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.json_values import MsgPack2
from zn5.reference.model.dtype import DataType, object_element, ragged_items

GENERATOR = "zn5.conformance.generate.object_values"
RAGGED = [*FORMAT_READ_REQUIREMENTS["zarr2"], "ZARR2-VLEN-007", "CORE-VLEN-006", "CODEC-VLENARRAY-001"]
JSON = [*FORMAT_READ_REQUIREMENTS["zarr2"], "ZARR2-VLEN-007", "CORE-VLEN-007"]
REJECT_ELEMENTS = 16
"""Elements in chunk 0.0 of a reject row's array: shape (6, 5) in chunks of (4, 4)."""


def _read(
    case_id: str,
    description: str,
    dtype: str,
    requirements: list[str],
    *,
    tags: tuple[str, ...] = (),
    fill_value: Any = None,
    edit: dict[str, Any] | None = None,
    **options: Any,
) -> CaseDraft:
    """A read case of a seeded array of ``dtype``, all written, or with the tag ``missing-chunk`` only its
    first row of chunks; ``edit`` sets ``.zarray`` members afterwards, as another writer writes them; the
    rest reads as the fill value."""
    filled = np.empty(EDGE_SHAPE, dtype=DataType.of(dtype).numpy_dtype)
    filled.reshape(-1)[:] = _fill_elements(filled.dtype, fill_value, filled.size)
    missing = "missing-chunk" in tags
    store, expected = seeded_zarr2(case_id, filled, missing_chunks=missing, fill_value=fill_value, **options)
    for member, value in (edit or {}).items():
        set_member(member, value)(store)
    return read_case(
        GENERATOR,
        case_id,
        store,
        expected,
        requirements=requirements,
        description=description,
        tags=["vlen", "edge-chunk", *tags],
        extra=("feature:known-deviations",) if edit else (),
    )


def _fill_elements(dtype: np.dtype[Any], fill_value: Any, count: int) -> list[Any]:
    """``count`` elements that are the fill value, each its own object: the empty element of a
    ``ragged[T]`` array (ZARR2-FILL-011), the JSON value itself of a ``json`` one (ZARR2-FILL-012)."""
    if object_element(dtype) == "ragged":
        return [np.empty(0, dtype=ragged_items(dtype)) for _ in range(count)]
    return [json.loads(json.dumps(fill_value)) for _ in range(count)]


READS: list[tuple[str, str, list[str], str, dict[str, Any]]] = [
    ("zarr2/ragged/int32", "ragged[int32]", RAGGED,
     "a ragged[int32] array (vlen-array <i4, gzip) with empty and long elements reads exactly",
     {"compressor": Gzip(1)}),
    ("zarr2/ragged/float64-big-endian", "ragged[float64]", RAGGED,
     "a ragged[float64] array (vlen-array >f8) with NaN, infinities and -0.0 among its items",
     {"endian": "big"}),
    ("zarr2/ragged/uint8", "ragged[uint8]", RAGGED, "a ragged[uint8] array (vlen-array |u1)", {}),
    ("zarr2/ragged/missing-chunks", "ragged[int16]", [*RAGGED, "ZARR2-FILL-011", "CORE-VLEN-008"],
     "a ragged[int16] array whose chunks below row 2 were never written reads them as empty elements",
     {"tags": ("missing-chunk",)}),
    ("zarr2/ragged/fill-value-zero", "ragged[int16]", [*RAGGED, "ZARR2-FILL-011", "CORE-DEVIATION-015"],
     "a ragged[int16] array with zarr-python 2's fill value 0 reads its missing chunks as empty elements",
     {"tags": ("missing-chunk", "deviation"), "edit": {"fill_value": 0}}),
    ("zarr2/json/json2", "json", [*JSON, "CODEC-JSON2-001"],
     "a json array (json2, 2-d chunks nested per axis) of every kind of JSON value reads by value",
     {"compressor": Gzip(1)}),
    ("zarr2/json/msgpack2", "json", [*JSON, "CODEC-MSGPACK2-001"],
     "a json array (msgpack2) of every kind of JSON value reads by value", {"codecs": [MsgPack2()]}),
    ("zarr2/json/missing-chunks-object-fill", "json", [*JSON, "ZARR2-FILL-012", "CORE-VLEN-008"],
     'a json array with the fill value {"k": [1, 2]} reads its missing chunks as that object',
     {"tags": ("missing-chunk",), "fill_value": {"k": [1, 2]}}),
    ("zarr2/json/missing-chunks-zero-fill", "json", [*JSON, "ZARR2-FILL-012", "CORE-VLEN-008"],
     "a json array with zarr-python 2's fill value 0 reads its missing chunks as the number 0",
     {"tags": ("missing-chunk",), "fill_value": 0}),
]  # fmt: skip
"""(case id, data type, requirement IDs, description, options of :func:`_read`): ragged arrays of one-,
four- and eight-byte items in both byte orders, and JSON values through both codecs, each with edge
chunks; missing chunks under every fill value spelling."""


def _reads() -> Iterator[CaseDraft]:
    """The read cases of :data:`READS`."""
    for case_id, dtype, requirements, description, options in READS:
        yield _read(case_id, description, dtype, requirements, **options)


def _vlen_array_chunk(lengths: list[int], tail: bytes = b"") -> bytes:
    """A ``vlen-array`` chunk of ``len(lengths)`` elements whose byte lengths are ``lengths``."""
    parts = [len(lengths).to_bytes(4, "little")]
    for length in lengths:
        parts += [length.to_bytes(4, "little"), bytes(length)]
    return b"".join(parts) + tail


def _json_chunk(value: Any) -> bytes:
    return json.dumps(value).encode()


def _rejects() -> list[Reject]:
    """A broken chunk or member of each codec, each with its valid twin."""
    ragged: dict[str, Any] = {"dtype": "ragged[int32]"}
    values: dict[str, Any] = {"dtype": "json"}
    packed: dict[str, Any] = {"dtype": "json", "options": (("codecs", [MsgPack2()]),)}
    return [
        Reject(
            "zarr2",
            "ragged-element-count",
            replace_chunk("array/0.0", _vlen_array_chunk([4] * (REJECT_ELEMENTS - 1))),
            "read",
            "chunk",
            "CODEC-VLENARRAY-002",
            f"a vlen-array chunk that counts {REJECT_ELEMENTS - 1} of its {REJECT_ELEMENTS} elements",
            **ragged,
        ),
        Reject(
            "zarr2",
            "ragged-length-not-items",
            replace_chunk("array/0.0", _vlen_array_chunk([3] + [4] * (REJECT_ELEMENTS - 1))),
            "read",
            "chunk",
            "CODEC-VLENARRAY-002",
            "a vlen-array <i4 chunk whose first element is 3 bytes long",
            **ragged,
        ),
        Reject(
            "zarr2",
            "ragged-bytes-after-last-element",
            append_to_chunk("array/0.0", b"\x00"),
            "read",
            "chunk",
            "CODEC-VLENARRAY-002",
            "a vlen-array chunk with a byte after its last element",
            **ragged,
        ),
        Reject(
            "zarr2",
            "ragged-fill-value-not-null",
            set_member("fill_value", 1),
            "open",
            "metadata",
            "ZARR2-FILL-011",
            "a ragged array whose fill value is the number 1",
            **ragged,
        ),
        Reject(
            "zarr2",
            "ragged-items-not-numeric",
            set_member("filters.0.dtype", "|S4"),
            "open",
            "metadata",
            "CODEC-VLENARRAY-001",
            "a vlen-array filter whose dtype is |S4",
            **ragged,
        ),
        Reject(
            "zarr2",
            "json2-shape-not-the-chunks",
            replace_chunk("array/0.0", _json_chunk([[0] * 8] * 2 + ["|O", [2, 8]])),
            "read",
            "chunk",
            "CODEC-JSON2-002",
            "a json2 chunk that records the shape [2, 8] in a chunk of [4, 4]",
            **values,
        ),
        Reject(
            "zarr2",
            "json2-too-few-elements",
            replace_chunk("array/0.0", _json_chunk([[0] * 4] * 3 + [[0] * 3, "|O", [4, 4]])),
            "read",
            "chunk",
            "CODEC-JSON2-002",
            "a json2 chunk of shape [4, 4] whose last row holds three elements",
            also=("CODEC-JSON2-001",),
            **values,
        ),
        Reject(
            "zarr2",
            "json2-not-an-array",
            replace_chunk("array/0.0", _json_chunk({"elements": [0] * REJECT_ELEMENTS})),
            "read",
            "chunk",
            "CODEC-JSON2-002",
            "a json2 chunk that is a JSON object",
            **values,
        ),
        Reject(
            "zarr2",
            "msgpack2-binary-element",
            replace_chunk("array/0.0", msgpack.packb([[b"\x00", 1, 2, 3], *[[0] * 4] * 3, "|O", [4, 4]])),
            "read",
            "chunk",
            "CORE-VLEN-007",
            "a msgpack2 chunk one of whose elements is MessagePack binary data",
            also=("CODEC-MSGPACK2-002",),
            **packed,
        ),
        Reject(
            "zarr2",
            "msgpack2-raw",
            set_member("filters.0.raw", True),
            "open",
            "unsupported",
            "CODEC-MSGPACK2-001",
            "a msgpack2 object codec with raw: true, which reads text as bytes",
            **packed,
        ),
    ]


WRITES: list[WriteRow] = [
    (
        "zarr2",
        "ragged-int16",
        "ragged[int16]",
        (5, 4),
        (2, 3),
        {"fill_value": None},
        "a ragged[int16] array (vlen-array) with edge chunks and empty elements",
        ["ZARR2-VLEN-007", "ZARR2-FILL-011", "CODEC-VLENARRAY-001"],
    ),
    (
        "zarr2",
        "json-values",
        "json",
        (5, 4),
        (2, 3),
        {"fill_value": {"k": None}},
        "a json array (json2) of every kind of JSON value with an object fill value",
        ["ZARR2-VLEN-007", "ZARR2-FILL-012", "CODEC-JSON2-001"],
    ),
]


def cases() -> Iterator[CaseDraft]:
    """Read, reject and write cases of ragged and JSON object arrays."""
    yield from _reads()
    yield from reject_cases(_rejects())
    yield from write_cases(WRITES)

"""Read cases for chunk key encodings and separators (spec/core/chunk-keys.md)."""

from __future__ import annotations

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
    sampled_read_case,
)

GENERATOR = "zn5.conformance.generate.keys"

# (format, slug, options, key shown in the description, requirement IDs, token)
KEYS: list[tuple[str, str, dict[str, Any], str, list[str], str]] = [
    ("zarr2", "dot", {}, "1.2.0", ["ZARR2-META-007", "CORE-KEY-003", "ZARR2-KEY-001"], "chunk-key:v2-dot"),
    (
        "zarr2",
        "slash",
        {"dimension_separator": "/"},
        "1/2/0",
        ["ZARR2-META-007", "CORE-KEY-003", "ZARR2-KEY-001"],
        "chunk-key:v2-slash",
    ),
    ("zarr3", "default-slash", {}, "c/1/2/0", ["ZARR3-KEY-001", "CORE-KEY-002"], "chunk-key:default-slash"),
    (
        "zarr3",
        "default-dot",
        {"dimension_separator": "."},
        "c.1.2.0",
        ["ZARR3-KEY-001", "CORE-KEY-002"],
        "chunk-key:default-dot",
    ),
    (
        "zarr3",
        "v2-dot",
        {"chunk_key_encoding": "v2"},
        "1.2.0",
        ["ZARR3-KEY-001", "CORE-KEY-003"],
        "chunk-key:v2-dot",
    ),
    (
        "zarr3",
        "v2-slash",
        {"chunk_key_encoding": "v2", "dimension_separator": "/"},
        "1/2/0",
        ["ZARR3-KEY-001", "CORE-KEY-003"],
        "chunk-key:v2-slash",
    ),
    ("n5", "declared-order", {}, "1/2/0", ["N5-KEY-001", "N5-AXIS-001"], "chunk-key:v2-slash"),
]


# Keys that look like the chunk at (1, 1) of a 2x2 grid, or like a chunk beyond the grid, but encode no
# position inside it (CORE-KEY-004); the chunk at (1, 1) itself is missing.
STRAY_KEYS = {
    "zarr2": ("01.1", "1.01", "+1.1", "1.1.0", "2.0", "1/1"),
    "zarr3": ("c/01/1", "c/+1/1", "c/2/0", "c/1/2", "c.1.1", "1/1"),
    "n5": ("01/1", "+1/1", "2/0", "1/2", "1.1"),
}
STRAY_VALUE = 99


def _stray_chunk(format_name: str) -> bytes:
    """A valid encoding of a 2x2 int16 chunk of 99s, as a reader misled by a stray key would decode it."""
    if format_name == "n5":
        return struct.pack(">HH2I", 0, 2, 2, 2) + np.full(4, STRAY_VALUE, ">i2").tobytes()
    return np.full(4, STRAY_VALUE, "<i2").tobytes()


def _stray_keys_case(format_name: str) -> CaseDraft:
    case_id = f"{format_name}/key/stray-keys"
    values = sample_values("int16", (4, 4), id_seed(case_id))
    values[values == STRAY_VALUE] = STRAY_VALUE + 1
    store = build_array(format_name, values, (2, 2))
    del store.values[{"zarr2": "array/1.1", "zarr3": "array/c/1/1", "n5": "array/1/1"}[format_name]]
    for key in STRAY_KEYS[format_name]:
        store.values[f"array/{key}"] = _stray_chunk(format_name)
    expected = values.copy()
    expected[2:, 2:] = 0
    return format_read_case(
        GENERATOR,
        case_id,
        store,
        expected,
        ["CORE-KEY-004", "CORE-CHUNK-001"],
        description="keys such as '01', '+1' or past the grid name no chunk; the missing chunk reads as fill",
        tags=["chunk-key", "missing-chunk"],
    )


def cases() -> Iterator[CaseDraft]:
    """One read case per key encoding, on a 3-d array so that the order of the parts matters."""
    for format_name, slug, options, example, requirements, token in KEYS:
        yield sampled_read_case(
            GENERATOR,
            f"{format_name}/key/{slug}",
            ("uint8", (5, 7, 3), (3, 3, 3)),
            options,
            ["CORE-KEY-001", *requirements],
            description=f"chunk keys such as '{example}' locate each chunk of a 5x7x3 array",
            tags=["chunk-key"],
            extra=[token],
        )
    for format_name in ("zarr2", "zarr3", "n5"):
        yield _stray_keys_case(format_name)
    yield _nested_keys_without_separator_case()


def _nested_keys_without_separator_case() -> CaseDraft:
    """A Zarr v2 array written with ``"/"`` keys whose ``.zarray`` does not say so, as stores were before
    ``dimension_separator`` existed: its chunks are at ``"."`` keys, so it reads as fill (ZARR2-META-013)."""
    case_id = "zarr2/key/nested-keys-without-separator"
    values = sample_values("uint8", (5, 7, 3), id_seed(case_id))
    store = build_array("zarr2", values, (3, 3, 3), dimension_separator="/", fill_value=7)
    document = json.loads(store.values["array/.zarray"])
    del document["dimension_separator"]
    store.values["array/.zarray"] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()
    return format_read_case(
        GENERATOR,
        case_id,
        store,
        np.full_like(values, 7),
        ["ZARR2-META-007", "ZARR2-META-013"],
        description="an array whose chunks sit at '0/0/0' keys while its .zarray names no separator reads "
        "as its fill value: the separator is '.', never guessed from the keys",
        tags=["chunk-key"],
        extra=["chunk-key:v2-dot"],
    )

"""Read cases for chunk key encodings and separators (spec/core/chunk-keys.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from zn5.conformance.generate.case import Case
from zn5.conformance.generate.common import FORMAT_READ_REQUIREMENTS, build_array, read_tokens, sample_values
from zn5.reference.api import open_array

GENERATOR = "zn5.conformance.generate.keys"

# (format, slug, options, key shown in the description, requirement IDs, token)
KEYS: list[tuple[str, str, dict[str, Any], str, list[str], str]] = [
    ("zarr2", "dot", {}, "1.2.0", ["ZARR2-META-007", "CORE-KEY-003"], "chunk-key:v2-dot"),
    (
        "zarr2",
        "slash",
        {"dimension_separator": "/"},
        "1/2/0",
        ["ZARR2-META-007", "CORE-KEY-003"],
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


def cases() -> Iterator[Case]:
    """One read case per key encoding, on a 3-d array so that the order of the parts matters."""
    for seed, (format_name, slug, options, example, requirements, token) in enumerate(KEYS, start=3000):
        values = sample_values("uint8", (5, 7, 3), seed)
        store = build_array(format_name, values, (3, 3, 3), **options)
        codecs = open_array(store, path="array").model.codecs
        yield Case(
            id=f"{format_name}/key/{slug}",
            kind="read",
            requirements=[*FORMAT_READ_REQUIREMENTS[format_name], "CORE-KEY-001", *requirements],
            description=f"chunk keys such as '{example}' locate each chunk of a 5x7x3 array",
            requires=read_tokens(format_name, values.dtype, codecs, token),
            tags=["chunk-key"],
            store=store,
            node="array",
            expected_array=values,
            origin={"generator": GENERATOR, "seed": seed},
        )

"""Read cases for the chunk grid: edge chunks, empty axes, 0-d arrays, missing chunks and partial selections
(spec/core/chunk-grid.md, spec/core/arrays.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from zn5.conformance.generate.case import CaseDraft, Selection
from zn5.conformance.generate.common import (
    FORMATS,
    build_array,
    format_read_case,
    id_seed,
    sample_values,
    sampled_read_case,
)
from zn5.reference.codecs.gzip import Gzip

GENERATOR = "zn5.conformance.generate.grids"

# (slug, shape, chunks, selection, description, requirement IDs, extra tokens)
GRIDS: list[tuple[str, tuple[int, ...], tuple[int, ...], Selection, str, list[str], list[str]]] = [
    ("chunks-divide-shape", (8, 6), (4, 3), None, "an 8x6 array of 4x3 chunks", ["CORE-GRID-002"], []),
    (
        "edge-chunks",
        (7, 5),
        (3, 4),
        None,
        "a 7x5 array whose 3x4 chunks overhang both edges",
        ["CORE-GRID-002", "CORE-GRID-003"],
        [],
    ),
    (
        "chunk-larger-than-array",
        (3, 2),
        (10, 10),
        None,
        "a 3x2 array inside one 10x10 chunk",
        ["CORE-GRID-003"],
        [],
    ),
    ("one-element-chunks", (3, 4), (1, 1), None, "a 3x4 array of 1x1 chunks", ["CORE-GRID-002"], []),
    ("rank-1", (17,), (5,), None, "a 1-d array of 17 elements in chunks of 5", ["CORE-GRID-002"], []),
    (
        "rank-4",
        (3, 4, 2, 5),
        (2, 3, 2, 2),
        None,
        "a 4-d array with edge chunks on three axes",
        ["CORE-GRID-002", "CORE-GRID-003"],
        [],
    ),
    (
        "empty-axis",
        (0, 5),
        (2, 2),
        None,
        "an array with a zero-length axis reads as empty",
        ["CORE-GRID-004"],
        ["feature:empty-axis"],
    ),
    (
        "select-inside-one-chunk",
        (9, 9),
        (4, 4),
        [[1, 3, 1], [5, 7, 1]],
        "a selection inside one chunk",
        ["CORE-ARRAY-002"],
        [],
    ),
    (
        "select-across-edge",
        (9, 9),
        (4, 4),
        [[2, 9, 1], [6, 9, 1]],
        "a selection that spans interior and edge chunks",
        ["CORE-ARRAY-002", "CORE-GRID-003"],
        [],
    ),
    (
        "select-steps",
        (9, 9),
        (4, 4),
        [[0, 9, 2], [1, 9, 3]],
        "a strided selection over several chunks",
        ["CORE-ARRAY-002"],
        [],
    ),
    (
        "select-integer-index",
        (9, 9),
        (4, 4),
        [5, [0, 9, 1]],
        "an integer index drops an axis",
        ["CORE-ARRAY-002"],
        [],
    ),
]


def _grid_case(format_name: str, row: Any) -> CaseDraft:
    slug, shape, chunks, selection, what, requirements, extra = row
    return sampled_read_case(
        GENERATOR,
        f"{format_name}/grid/{slug}",
        ("uint16", shape, chunks),
        {"compressor": Gzip(1)},
        requirements,
        description=f"{what} reads exactly",
        tags=["grid", *(["selection"] if selection else [])],
        extra=extra,
        selection=selection,
    )


def _missing_chunks_case(format_name: str, selection: Selection) -> CaseDraft:
    shape, chunks = (10, 8), (3, 3)
    case_id = f"{format_name}/grid/missing-chunks{'-selection' if selection else ''}"
    values = sample_values("int16", shape, id_seed(case_id))
    fill = 0 if format_name == "n5" else -7
    written = (slice(0, 6), slice(3, 8))
    options: dict[str, Any] = {} if format_name == "n5" else {"fill_value": fill}
    store = build_array(format_name, values, chunks, write=written, compressor=Gzip(1), **options)
    expected = np.full(shape, fill, dtype=values.dtype)
    expected[written] = values[written]
    requirements = ["CORE-CHUNK-001", *(["N5-FILL-001"] if format_name == "n5" else [])]
    part = "a selection over" if selection else "an array with"
    return format_read_case(
        GENERATOR,
        case_id,
        store,
        expected,
        requirements,
        description=f"{part} chunks never written reads the fill value {fill} there",
        tags=["grid", "missing-chunk"],
        selection=selection,
    )


def _zero_dimensional_case(format_name: str) -> CaseDraft:
    case_id = f"{format_name}/grid/zero-dimensional"
    values = sample_values("float64", (), id_seed(case_id)) + 0.5
    store = build_array(format_name, values, ())
    keys = ["CORE-KEY-003", "ZARR2-KEY-001"] if format_name == "zarr2" else ["CORE-KEY-002", "ZARR3-META-003"]
    return format_read_case(
        GENERATOR,
        case_id,
        store,
        values,
        ["CORE-GRID-002", "CORE-GRID-006", *keys],
        description="a 0-d array holds one element in one chunk and reads exactly",
        tags=["grid"],
        extra=["feature:zero-dimensional"],
    )


CHUNK_KEY = {"zarr2": "array/{}.{}", "zarr3": "array/c/{}/{}", "n5": "array/{}/{}"}
CORRUPT = b"\x00 not a chunk"


def _corrupt_chunks_case(format_name: str, empty: bool) -> CaseDraft:
    """Every chunk the selection does not meet holds bytes no codec decodes (CORE-ARRAY-003)."""
    shape, chunks = (9, 9), (4, 4)
    selection: Selection = [[4, 4, 1], [0, 9, 1]] if empty else [[1, 3, 1], [5, 7, 1]]
    slug = "empty-selection-reads-no-chunk" if empty else "selection-reads-only-its-chunks"
    case_id = f"{format_name}/grid/{slug}"
    values = sample_values("int16", shape, id_seed(case_id))
    store = build_array(format_name, values, chunks, compressor=Gzip(1))
    met = set() if empty else {CHUNK_KEY[format_name].format(0, 1)}
    for i in range(3):
        for j in range(3):
            key = CHUNK_KEY[format_name].format(i, j)
            if key not in met:
                store.values[key] = CORRUPT
    what = (
        "an empty selection reads no chunk, though every chunk is corrupt"
        if empty
        else "a selection inside one chunk reads only that chunk, though every other is corrupt"
    )
    return format_read_case(
        GENERATOR,
        case_id,
        store,
        values,
        ["CORE-ARRAY-003", "CORE-ARRAY-002"],
        description=what,
        tags=["grid", "selection"],
        selection=selection,
    )


def cases() -> Iterator[CaseDraft]:
    """Grid, selection and missing-chunk cases for each format."""
    for format_name in FORMATS:
        for row in GRIDS:
            yield _grid_case(format_name, row)
        yield _missing_chunks_case(format_name, None)
        yield _missing_chunks_case(format_name, [[4, 10, 1], [0, 5, 2]])
        if format_name != "n5":
            yield _zero_dimensional_case(format_name)
    for format_name in FORMATS:
        yield _corrupt_chunks_case(format_name, False)
        yield _corrupt_chunks_case(format_name, True)

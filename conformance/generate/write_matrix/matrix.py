"""All rows of the write matrix, and the write case each one becomes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import (
    id_seed,
    sample_values,
)
from zn5.conformance.generate.rejects.table import reject_cases
from zn5.conformance.generate.write_matrix.base import GENERATOR, Row, Values
from zn5.conformance.generate.write_matrix.fills import (
    _fill_rows,
    _filter_rows,
)
from zn5.conformance.generate.write_matrix.shapes import (
    DIMENSIONS_ATTRIBUTE,
    _attribute_rows,
    _hierarchy_rows,
    _lookalike_metadata_case,
    _one_byte_type_spelled_little,
    _shape_rows,
)
from zn5.conformance.generate.write_matrix.sharding import _sharding_rows
from zn5.conformance.generate.write_matrix.types import (
    N5_CODES,
    N5_LAYOUTS,
    ZARR2_LAYOUTS,
    ZARR3_LAYOUTS,
    ZARR_CODES,
    _n5_chains,
    _rotated,
    _type_rows,
    _vlen_rows,
    _zarr2_chains,
    _zarr3_chains,
    _zarr3_one_byte_rows,
)
from zn5.conformance.generate.writes import write_row_case


def rows() -> list[Row]:
    """Every row of the matrix, in build order."""
    return [
        *_type_rows("zarr2", ZARR_CODES, _zarr2_chains(), ZARR2_LAYOUTS),
        *_type_rows("zarr3", ZARR_CODES, _zarr3_chains(), ZARR3_LAYOUTS),
        *_type_rows("n5", N5_CODES, _n5_chains(), N5_LAYOUTS),
        *_type_rows("n5", _rotated(N5_CODES, 5), _rotated(_n5_chains(), 1), N5_LAYOUTS),
        *_zarr3_one_byte_rows(),
        *_vlen_rows(),
        *_filter_rows(),
        *_fill_rows(),
        *_sharding_rows(),
        *_shape_rows(),
        *_attribute_rows(),
        *_hierarchy_rows(),
    ]


def _values(row: Row, seed: int) -> Values | None:
    """The values to write, or None for the default sample of ``writes.write_row_case``."""
    if row.values == "small":
        return np.random.default_rng(seed).integers(0, 100, row.shape).astype(row.dtype)
    if not row.fill_chunk:
        return None
    values = sample_values(row.dtype, row.shape, seed)
    fill = row.options.get("fill_value", 0)
    first = tuple(slice(0, size) for size in row.chunks)
    values[first] = np.asarray(fill, dtype=values.dtype) if values.dtype.kind not in "TO" else fill
    return values


def _layout_tokens(target: dict[str, Any]) -> list[str]:
    """The chunk key token of a write target, and ``feature:nested-sharding`` for a shard of shards."""
    metadata = target["metadata"]
    encoding = metadata["chunk_key_encoding"]
    separator = "slash" if encoding["separator"] == "/" else "dot"
    tokens = [f"chunk-key:{encoding['name']}-{separator}"]
    if any(
        inner["name"] == "sharding_indexed"
        for codec in metadata["codecs"]
        if codec["name"] == "sharding_indexed"
        for inner in codec["configuration"]["codecs"]
    ):
        tokens.append("feature:nested-sharding")
    return tokens


def case(row: Row) -> CaseDraft:
    """The write case of ``row``."""
    seed = id_seed(row.id)
    write_row = (
        row.format,
        row.slug,
        row.dtype,
        row.shape,
        row.chunks,
        row.options,
        row.what,
        row.requirements,
    )
    draft = write_row_case(write_row, values=_values(row, seed), path=row.path, gaps=row.gaps)
    draft.origin = {"generator": GENERATOR, "seed": seed}
    draft.requires = sorted({*draft.requires, *_layout_tokens(draft.target or {})})
    draft.tags = sorted({*draft.tags, "write-matrix"})
    return draft


def cases() -> Iterator[CaseDraft]:
    """The write matrix, then the read side of the cases the corpus lacked."""
    for row in rows():
        yield case(row)
    for format_name in ("zarr2", "zarr3", "n5"):
        yield _lookalike_metadata_case(format_name)
    yield _one_byte_type_spelled_little()
    yield from reject_cases([DIMENSIONS_ATTRIBUTE])

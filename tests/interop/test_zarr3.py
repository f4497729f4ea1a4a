"""Zarr v3 between the reference and zarr-python 3, zarrs-python and tensorstore (driver ``zarr3``)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import zn5.reference as zn5
from zn5.reference.codecs.blosc import Blosc

from .libraries import (
    ARRAY_PATH,
    LIBRARIES,
    Case,
    Known,
    Reader,
    assert_same,
    matrix,
    read_reference,
    write_reference,
)

pytestmark = pytest.mark.interop

EDGE_2D = ((13, 17), (5, 6))  # shape, chunks: edge chunks on every axis
EDGE_3D = ((7, 9, 11), (4, 4, 5))
SHARDED_2D = ((13, 17), (2, 3))  # with shards (4, 6)
SHARDED_3D = ((7, 9, 11), (2, 2, 3))  # with shards (4, 4, 6)
DTYPES = (
    "uint8",
    "int16",
    "uint32",
    "int64",
    "float32",
    "float64",
    "bool",
    "complex64",
    "complex128",
    "float16",
)

CASES = [
    *(Case("zarr3", dtype, *EDGE_2D) for dtype in DTYPES),
    *(Case("zarr3", "int16", *EDGE_3D, compressor=c) for c in ("none", "gzip", "zlib", "blosc", "zstd")),
    *(Case("zarr3", "float64", *EDGE_3D, compressor=c) for c in ("none", "gzip", "zlib", "zstd")),
    Case("zarr3", "int16", *EDGE_2D, order="F"),
    Case("zarr3", "float64", *EDGE_3D, order="F", compressor="gzip"),
    Case("zarr3", "uint32", *EDGE_2D, separator="."),
    Case("zarr3", "int32", *EDGE_2D, endian="big"),
    Case("zarr3", "float64", *EDGE_3D, endian="big", compressor="zstd"),
    Case("zarr3", "complex64", *EDGE_2D, endian="big"),
    Case("zarr3", "int64", *EDGE_2D, missing=True, fill_value=42),
    Case("zarr3", "uint8", *EDGE_3D, missing=True, fill_value=7, compressor="gzip"),
    Case("zarr3", "float32", *EDGE_2D, missing=True, fill_value=-1.5),
    Case("zarr3", "float64", *EDGE_3D, missing=True, fill_value=math.nan, compressor="none"),
    Case("zarr3", "bool", *EDGE_2D, missing=True, fill_value=True),
    Case("zarr3", "complex64", *EDGE_2D, missing=True, fill_value=1 - 2j),
    Case("zarr3", "uint16", (30,), (7,), compressor="zstd"),
    Case("zarr3", "int8", (3, 4, 5, 6), (2, 3, 2, 4), compressor="gzip"),
    # sharding: shards cut by the array's edge, absent inner chunks inside a shard, absent shards
    Case("zarr3", "float32", *SHARDED_2D, shards=(4, 6)),
    Case("zarr3", "int16", *SHARDED_2D, shards=(4, 6), compressor="gzip", missing=True, fill_value=-3),
    Case("zarr3", "uint8", *SHARDED_3D, shards=(4, 4, 6), compressor="zstd"),
    Case("zarr3", "float64", *SHARDED_2D, shards=(4, 6), compressor="none", order="F"),
    Case("zarr3", "uint32", *SHARDED_3D, shards=(4, 4, 6), separator="."),
    Case("zarr3", "bool", *SHARDED_2D, shards=(4, 6), missing=True, fill_value=True),
    Case("zarr3", "complex128", *SHARDED_2D, shards=(4, 6), compressor="zstd", endian="big"),
]

KNOWN = [
    Known(
        "zarrs-python",
        "reads",
        lambda case: case.endian == "big" and case.numpy_dtype.kind == "c",
        "silently swaps the real and imaginary parts of big-endian complex elements wherever a read "
        "covers part of a chunk (edge chunks, partial selections); whole chunks read right",
    ),
]


@pytest.mark.parametrize(("library", "case"), matrix(CASES, "writes", KNOWN))
def test_reference_reads(library: str, case: Case, tmp_path: Path) -> None:
    root = tmp_path / case.store_name
    LIBRARIES[library].write(root, case)
    assert_same(read_reference(root, case), case)


@pytest.mark.parametrize(("library", "case"), matrix(CASES, "reads", KNOWN))
def test_library_reads(library: str, case: Case, tmp_path: Path) -> None:
    root = tmp_path / case.store_name
    write_reference(root, case)
    assert_same(LIBRARIES[library].read(root, case), case)


README_CASE = Case("zarr3", "float32", *EDGE_2D)
READERS: dict[str, Reader] = {"reference": read_reference} | {
    name: library.read for name, library in LIBRARIES.items() if "zarr3" in library.formats
}


@pytest.mark.parametrize("reader", READERS)
def test_blosc_as_in_the_readme_is_read(reader: str, tmp_path: Path) -> None:
    """The README's ``Blosc("lz4", 5, "shuffle")`` leaves ``typesize`` to the chunk's element size; Zarr v3
    requires ``typesize`` in the metadata whenever blosc shuffles, so the writer must record it."""
    root = tmp_path / README_CASE.store_name
    array = zn5.create_array(
        root,
        format="zarr3",
        path=ARRAY_PATH,
        shape=README_CASE.shape,
        dtype=README_CASE.dtype,
        chunks=README_CASE.chunks,
        compressor=Blosc("lz4", 5, "shuffle"),
    )
    array[...] = README_CASE.expected()
    assert_same(READERS[reader](root, README_CASE), README_CASE)

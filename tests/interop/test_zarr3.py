"""Zarr v3 between the reference and zarr-python 3, zarrs-python and tensorstore (driver ``zarr3``)."""

from __future__ import annotations

from pathlib import Path

import pytest

import zn5.reference as zn5
from zn5.reference.codecs.blosc import Blosc

from .arrays import (
    ADAPTERS,
    ARRAY_PATH,
    EDGE_2D,
    EDGE_3D,
    Direction,
    Known,
    StoredArray,
    assert_same,
    check,
    library_read,
    matrix,
    read_reference,
    supports,
    zarr_arrays,
)

pytestmark = pytest.mark.interop

SHARDED_2D = ((13, 17), (2, 3))  # with shards (4, 6)
SHARDED_3D = ((7, 9, 11), (2, 2, 3))  # with shards (4, 4, 6)

ARRAYS = [
    *zarr_arrays("zarr3"),
    StoredArray("zarr3", "uint32", *EDGE_2D, separator="."),
    StoredArray("zarr3", "int32", *EDGE_2D, endian="big"),
    StoredArray("zarr3", "float64", *EDGE_3D, endian="big", compressor="zstd"),
    StoredArray("zarr3", "complex64", *EDGE_2D, endian="big"),
    StoredArray("zarr3", "complex64", *EDGE_2D, missing=True, fill_value=1 - 2j),
    StoredArray("zarr3", "uint16", (30,), (7,), compressor="zstd"),
    # sharding: shards cut by the array's edge, absent inner chunks inside a shard, absent shards
    StoredArray("zarr3", "float32", *SHARDED_2D, shards=(4, 6)),
    StoredArray("zarr3", "int16", *SHARDED_2D, shards=(4, 6), compressor="gzip", missing=True, fill_value=-3),
    StoredArray("zarr3", "uint8", *SHARDED_3D, shards=(4, 4, 6), compressor="zstd"),
    StoredArray("zarr3", "float64", *SHARDED_2D, shards=(4, 6), compressor="none", order="F"),
    StoredArray("zarr3", "uint32", *SHARDED_3D, shards=(4, 4, 6), separator="."),
    StoredArray("zarr3", "bool", *SHARDED_2D, shards=(4, 6), missing=True, fill_value=True),
    StoredArray("zarr3", "complex128", *SHARDED_2D, shards=(4, 6), compressor="zstd", endian="big"),
]

KNOWN = [
    Known(
        "zarrs-python",
        "reads",
        lambda array: array.endian == "big" and array.numpy_dtype.kind == "c",
        "silently swaps the real and imaginary parts of big-endian complex elements wherever a read "
        "covers part of a chunk (edge chunks, partial selections); whole chunks read right",
    ),
]


@pytest.mark.parametrize(("direction", "library", "array"), matrix(ARRAYS, KNOWN))
def test_stored_array(direction: Direction, library: str, array: StoredArray, tmp_path: Path) -> None:
    check(direction, library, array, tmp_path)


README_ARRAY = StoredArray("zarr3", "float32", *EDGE_2D)
READERS = ["reference", *(name for name in ADAPTERS if supports(name, README_ARRAY))]


@pytest.mark.parametrize("reader", READERS)
def test_blosc_as_in_the_readme_is_read(reader: str, tmp_path: Path) -> None:
    """The README's ``Blosc("lz4", 5, "shuffle")`` leaves ``typesize`` to the chunk's element size; Zarr v3
    requires ``typesize`` in the metadata whenever blosc shuffles, so the writer must record it."""
    root = tmp_path / README_ARRAY.store_name
    created = zn5.create_array(
        root,
        format="zarr3",
        path=ARRAY_PATH,
        shape=README_ARRAY.shape,
        dtype=README_ARRAY.dtype,
        chunks=README_ARRAY.chunks,
        compressor=Blosc("lz4", 5, "shuffle"),
    )
    created[...] = README_ARRAY.expected()
    if reader == "reference":
        read = read_reference(root, README_ARRAY)
    else:
        read = library_read(reader, root, "zarr3", tmp_path / "scratch")
    assert_same(read, README_ARRAY)

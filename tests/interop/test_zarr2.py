"""Zarr v2 between the reference and zarr-python 3, zarrs-python, tensorstore (driver ``zarr``) and z5py."""

from __future__ import annotations

from pathlib import Path

import pytest

from .arrays import EDGE_2D, EDGE_3D, Direction, Known, StoredArray, check, matrix, zarr_arrays

pytestmark = pytest.mark.interop

ARRAYS = [
    *zarr_arrays("zarr2"),
    StoredArray("zarr2", "complex64", *EDGE_2D, order="F", compressor="none"),
    StoredArray("zarr2", "uint32", *EDGE_2D, separator="/"),
    StoredArray("zarr2", "float32", *EDGE_3D, separator="/", compressor="zstd"),
    StoredArray("zarr2", "int32", *EDGE_2D, endian="big"),
    StoredArray("zarr2", "float64", *EDGE_2D, endian="big", compressor="zlib"),
    StoredArray("zarr2", "complex128", *EDGE_2D, missing=True, fill_value=1 - 2j),
    StoredArray("zarr2", "int16", *EDGE_3D, missing=True, fill_value=-3, order="F", separator="/"),
    StoredArray("zarr2", "uint16", (30,), (7,), compressor="zlib"),
]

KNOWN = [
    Known(
        "tensorstore",
        "reads",
        lambda array: array.compressor == "zstd",
        'rejects the numcodecs zstd member "checksum" ("Object includes extra members"), which numcodecs '
        "0.16 writes in Zstd.get_config()",
    ),
    Known(
        "zarrs-python",
        "reads",
        lambda array: array.order == "F" and len(array.shape) > 1,
        'cannot read order "F" (ValueError: input array must be a C contiguous array), its own stores too',
    ),
    Known(
        "zarrs-python",
        "reads",
        lambda array: array.endian == "big" and array.numpy_dtype.itemsize > 1,
        "cannot read big-endian dtypes (RuntimeError: Non-native byte order not supported), though it "
        "writes them",
    ),
]


@pytest.mark.parametrize(("direction", "library", "array"), matrix(ARRAYS, KNOWN))
def test_stored_array(direction: Direction, library: str, array: StoredArray, tmp_path: Path) -> None:
    check(direction, library, array, tmp_path)

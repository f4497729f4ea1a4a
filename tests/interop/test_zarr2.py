"""Zarr v2 between the reference and zarr-python 3, zarrs-python, tensorstore (driver ``zarr``) and z5py."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from .arrays import (
    Known,
    StoredArray,
    check_library_reads,
    check_reference_reads,
    matrix,
)

pytestmark = pytest.mark.interop

EDGE_2D = ((13, 17), (5, 6))  # shape, chunks: edge chunks on every axis
EDGE_3D = ((7, 9, 11), (4, 4, 5))
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

ARRAYS = [
    *(StoredArray("zarr2", dtype, *EDGE_2D) for dtype in DTYPES),
    *(
        StoredArray("zarr2", "int16", *EDGE_3D, compressor=c)
        for c in ("none", "gzip", "zlib", "blosc", "zstd")
    ),
    *(StoredArray("zarr2", "float64", *EDGE_3D, compressor=c) for c in ("none", "gzip", "zlib", "zstd")),
    StoredArray("zarr2", "int16", *EDGE_2D, order="F"),
    StoredArray("zarr2", "float64", *EDGE_3D, order="F", compressor="gzip"),
    StoredArray("zarr2", "complex64", *EDGE_2D, order="F", compressor="none"),
    StoredArray("zarr2", "uint32", *EDGE_2D, separator="/"),
    StoredArray("zarr2", "float32", *EDGE_3D, separator="/", compressor="zstd"),
    StoredArray("zarr2", "int32", *EDGE_2D, endian="big"),
    StoredArray("zarr2", "float64", *EDGE_2D, endian="big", compressor="zlib"),
    StoredArray("zarr2", "int64", *EDGE_2D, missing=True, fill_value=42),
    StoredArray("zarr2", "uint8", *EDGE_3D, missing=True, fill_value=7, compressor="gzip"),
    StoredArray("zarr2", "float32", *EDGE_2D, missing=True, fill_value=-1.5),
    StoredArray("zarr2", "float64", *EDGE_3D, missing=True, fill_value=math.nan, compressor="none"),
    StoredArray("zarr2", "bool", *EDGE_2D, missing=True, fill_value=True),
    StoredArray("zarr2", "complex128", *EDGE_2D, missing=True, fill_value=1 - 2j),
    StoredArray("zarr2", "int16", *EDGE_3D, missing=True, fill_value=-3, order="F", separator="/"),
    StoredArray("zarr2", "uint16", (30,), (7,), compressor="zlib"),
    StoredArray("zarr2", "int8", (3, 4, 5, 6), (2, 3, 2, 4), compressor="gzip"),
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


@pytest.mark.parametrize(("library", "array"), matrix(ARRAYS, "writes", KNOWN))
def test_reference_reads(library: str, array: StoredArray, tmp_path: Path) -> None:
    check_reference_reads(library, array, tmp_path)


@pytest.mark.parametrize(("library", "array"), matrix(ARRAYS, "reads", KNOWN))
def test_library_reads(library: str, array: StoredArray, tmp_path: Path) -> None:
    check_library_reads(library, array, tmp_path)

"""Zarr v2 between the reference and zarr-python 3, zarrs-python, tensorstore (driver ``zarr``) and z5py."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from .libraries import LIBRARIES, Case, Known, assert_same, matrix, read_reference, write_reference

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

CASES = [
    *(Case("zarr2", dtype, *EDGE_2D) for dtype in DTYPES),
    *(Case("zarr2", "int16", *EDGE_3D, compressor=c) for c in ("none", "gzip", "zlib", "blosc", "zstd")),
    *(Case("zarr2", "float64", *EDGE_3D, compressor=c) for c in ("none", "gzip", "zlib", "zstd")),
    Case("zarr2", "int16", *EDGE_2D, order="F"),
    Case("zarr2", "float64", *EDGE_3D, order="F", compressor="gzip"),
    Case("zarr2", "complex64", *EDGE_2D, order="F", compressor="none"),
    Case("zarr2", "uint32", *EDGE_2D, separator="/"),
    Case("zarr2", "float32", *EDGE_3D, separator="/", compressor="zstd"),
    Case("zarr2", "int32", *EDGE_2D, endian="big"),
    Case("zarr2", "float64", *EDGE_2D, endian="big", compressor="zlib"),
    Case("zarr2", "int64", *EDGE_2D, missing=True, fill_value=42),
    Case("zarr2", "uint8", *EDGE_3D, missing=True, fill_value=7, compressor="gzip"),
    Case("zarr2", "float32", *EDGE_2D, missing=True, fill_value=-1.5),
    Case("zarr2", "float64", *EDGE_3D, missing=True, fill_value=math.nan, compressor="none"),
    Case("zarr2", "bool", *EDGE_2D, missing=True, fill_value=True),
    Case("zarr2", "complex128", *EDGE_2D, missing=True, fill_value=1 - 2j),
    Case("zarr2", "int16", *EDGE_3D, missing=True, fill_value=-3, order="F", separator="/"),
    Case("zarr2", "uint16", (30,), (7,), compressor="zlib"),
    Case("zarr2", "int8", (3, 4, 5, 6), (2, 3, 2, 4), compressor="gzip"),
]

KNOWN = [
    Known(
        "tensorstore",
        "reads",
        lambda case: case.compressor == "zstd",
        'rejects the numcodecs zstd member "checksum" ("Object includes extra members"), which numcodecs '
        "0.16 writes in Zstd.get_config()",
    ),
    Known(
        "zarrs-python",
        "reads",
        lambda case: case.order == "F" and len(case.shape) > 1,
        'cannot read order "F" (ValueError: input array must be a C contiguous array), its own stores too',
    ),
    Known(
        "zarrs-python",
        "reads",
        lambda case: case.endian == "big" and case.numpy_dtype.itemsize > 1,
        "cannot read big-endian dtypes (RuntimeError: Non-native byte order not supported), though it "
        "writes them",
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

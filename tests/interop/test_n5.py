"""N5 between the reference and tensorstore (driver ``n5``) and z5py.

The reference's array shape is N5 ``dimensions`` as declared, and so is tensorstore's. z5py shows the
reversed, C-order view; its conformance adapter transposes, so every comparison is in declared order (the
last test looks at z5py's own view, in a direct call).
tensorstore pads edge blocks to the full block size, z5py and the reference truncate them: the reader of
each direction meets the other kind. Missing blocks read as zero (N5 has no fill value).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import z5py

from .arrays import (
    EDGE_2D,
    EDGE_3D,
    Direction,
    Known,
    StoredArray,
    check,
    library_write,
    matrix,
    write_reference,
)

pytestmark = pytest.mark.interop

DTYPES = ("uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64", "float32", "float64")

ARRAYS = [
    *(StoredArray("n5", dtype, *EDGE_2D, compressor="gzip") for dtype in DTYPES),
    *(StoredArray("n5", "int16", *EDGE_3D, compressor=c) for c in ("none", "gzip", "blosc", "zstd")),
    *(StoredArray("n5", "float64", *EDGE_3D, compressor=c) for c in ("none", "gzip", "blosc", "zstd")),
    StoredArray("n5", "uint16", (5, 3, 2), (4, 2, 2), compressor="none"),  # the dataset of spec-digest §4.6
    StoredArray("n5", "uint8", (30,), (7,), compressor="gzip"),
    StoredArray("n5", "int32", (3, 4, 5, 6), (2, 3, 2, 4), compressor="blosc"),
    StoredArray("n5", "float32", (64, 48), (16, 16), compressor="gzip"),  # no edge blocks at all
    StoredArray("n5", "float32", *EDGE_3D, compressor="none", missing=True),
    StoredArray("n5", "int64", *EDGE_2D, compressor="gzip", missing=True),
    StoredArray("n5", "uint16", *EDGE_3D, compressor="blosc", missing=True),
]

KNOWN = [
    Known(
        "tensorstore",
        "reads",
        lambda array: array.compressor == "blosc",
        'rejects blosc compression with "nthreads" ("Object includes extra members"), a parameter that '
        "n5-blosc's BloscCompression declares and writes (z5py writes it too)",
    ),
]


@pytest.mark.parametrize(("direction", "library", "array"), matrix(ARRAYS, KNOWN))
def test_stored_array(direction: Direction, library: str, array: StoredArray, tmp_path: Path) -> None:
    check(direction, library, array, tmp_path)


AXES_ARRAY = StoredArray("n5", "uint16", (5, 3, 2), (4, 2, 2), compressor="none")
EDGE_BLOCK_SIZES = {"reference": [1, 2, 2], "z5py": [1, 2, 2], "tensorstore": [4, 2, 2]}


@pytest.mark.parametrize("writer", EDGE_BLOCK_SIZES)
def test_edge_blocks_as_each_writer_stores_them(writer: str, tmp_path: Path) -> None:
    """The x-edge block ``1/0/0`` holds 1 × 2 × 2 elements: z5py and the reference truncate it, tensorstore
    pads it to the block size. Both kinds reach the readers above; this pins which writer makes which."""
    root = tmp_path / AXES_ARRAY.store_name
    if writer == "reference":
        write_reference(root, AXES_ARRAY)
    else:
        library_write(writer, root, AXES_ARRAY.target(), AXES_ARRAY.written())
    header = (root / "data" / "1" / "0" / "0").read_bytes()[:16]
    assert header[:4] == bytes.fromhex("0000 0003")  # default mode, three dimensions
    assert [int.from_bytes(header[i : i + 4], "big") for i in (4, 8, 12)] == EDGE_BLOCK_SIZES[writer]


def test_z5py_shows_the_reversed_axes(tmp_path: Path) -> None:
    """What the reference reads as ``dimensions`` [5, 3, 2], z5py shows as a (2, 3, 5) C-order array."""
    root = tmp_path / AXES_ARRAY.store_name
    write_reference(root, AXES_ARRAY)
    dataset = z5py.File(str(root), "r")["data"]
    assert dataset.shape == (2, 3, 5)
    assert dataset.chunks == (2, 2, 4)
    assert dataset[...].tobytes() == AXES_ARRAY.expected().T.tobytes()

"""``zn5 validate --chunks`` on stores written by the real libraries: what each breaks, said honestly.

Each library writes a few arrays; the validator checks the whole store, chunks included. The problems
it reports are compared with :data:`BREAKS`, the record of what each library's stores break (all of
them known deviations that readers tolerate, spec/core/metadata.md "Known deviations"). A library
that stops writing a deviation, or starts breaking something else, fails the test until the record is
updated.
"""

from __future__ import annotations

import itertools
import math
import warnings
from pathlib import Path

import pytest

from zn5.conformance.validation.walk import Validation
from zn5.reference.store.local import LocalStore

from .arrays import ADAPTERS, Format, StoredArray, library_write, supports

pytestmark = pytest.mark.interop

EDGE_2D = ((13, 17), (5, 6))
ARRAYS = [
    StoredArray("zarr2", "int16", *EDGE_2D),
    StoredArray("zarr2", "float64", *EDGE_2D, compressor="zstd", fill_value=1.5),
    StoredArray("zarr2", "uint8", *EDGE_2D, missing=True, fill_value=7, compressor="gzip"),
    StoredArray("zarr3", "int16", *EDGE_2D),
    StoredArray("zarr3", "float32", *EDGE_2D, shards=(10, 12)),
    StoredArray("n5", "int16", *EDGE_2D),
    StoredArray("n5", "uint8", *EDGE_2D, compressor="gzip", missing=True),
]

Problem = tuple[str, str, str, str]  # level, requirement, key, JSON location
NO_ROOT_GROUP: dict[Format, Problem] = {
    "zarr2": ("deviation", "ZARR2-NODE-001", ".zgroup", ""),
    "zarr3": ("deviation", "CORE-NODE-007", "zarr.json", ""),
    "n5": ("deviation", "N5-META-001", "attributes.json", ""),
}


def n5_blosc_type_size(array: StoredArray) -> set[Problem]:
    """tensorstore 0.1.86 and z5py 3.0.2 compress N5 blosc blocks with the element size as type size,
    where n5-blosc uses 1 (CODEC-BLOSC-005, a SHOULD: readers decode by the header)."""
    if array.format != "n5" or array.compressor != "blosc" or array.numpy_dtype.itemsize == 1:
        return set()
    keys = (f"data/{i}/{j}" for i in range(3) for j in range(3))  # the 3 x 3 grid of EDGE_2D
    return {("warning", "CODEC-BLOSC-005", key, "") for key in keys}


def written_chunks(array: StoredArray) -> list[tuple[int, ...]]:
    """The grid positions of the chunks that ``array.region`` writes."""
    counts = [math.ceil(part.stop / chunk) for part, chunk in zip(array.region, array.chunks, strict=True)]
    return list(itertools.product(*map(range, counts)))


def n5_padded_edges(array: StoredArray) -> set[Problem]:
    """tensorstore 0.1.86 pads N5 edge blocks to the full blockSize, where a writer truncates them
    (N5-EDGE-003, a SHOULD: readers take either)."""
    if array.format != "n5":
        return set()
    return {
        ("warning", "N5-EDGE-003", "data/" + "/".join(map(str, position)), "")
        for position in written_chunks(array)
        if any((p + 1) * c > n for p, c, n in zip(position, array.chunks, array.shape, strict=True))
    }


def gzip_time_stamps(array: StoredArray) -> set[Problem]:
    """numcodecs (under zarr-python 3.1) writes the current time into each gzip member's header, where a
    writer writes 0 (CODEC-GZIP-003, a SHOULD)."""
    if array.compressor != "gzip" or array.format == "n5":
        return set()
    separator = array.separator or "."
    return {
        ("warning", "CODEC-GZIP-003", "data/" + separator.join(map(str, position)), "")
        for position in written_chunks(array)
    }


def breaks(library: str, array: StoredArray) -> set[Problem]:
    """What the store ``library`` writes for ``array`` breaks, as measured with the pinned versions."""
    if library == "tensorstore":  # writes the array alone: no root group document, no N5 root version
        return {NO_ROOT_GROUP[array.format]} | n5_blosc_type_size(array) | n5_padded_edges(array)
    if library == "zarr-python":
        return gzip_time_stamps(array)
    if library == "z5py" and array.format == "n5":
        return n5_blosc_type_size(array)
    if library == "z5py" and array.format == "zarr2" and array.numpy_dtype.kind in "iu":
        # z5py 3.0.2 writes an integer array's fill value as a float (7.0)
        return {("deviation", "ZARR2-FILL-003", "data/.zarray", "fill_value")}
    return set()


PARAMS = [
    pytest.param(name, array, id=f"{name}-{array.id}")
    for name in ADAPTERS
    for array in ARRAYS
    if supports(name, array)
]


@pytest.mark.parametrize(("library", "array"), PARAMS)
def test_validate_reports_what_a_library_breaks(library: str, array: StoredArray, tmp_path: Path) -> None:
    root = tmp_path / array.store_name
    library_write(library, root, array.target(), array.written(), array.region)
    validation = Validation(LocalStore(root), chunks=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = {(p.level, p.requirement, p.key, p.location) for p in validation.problems()}
    assert found == breaks(library, array)
    assert validation.counts.decoded > 0, "the written chunks were decoded"

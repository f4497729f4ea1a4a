"""The Zarr v2 writer gives ``blosc`` the type size numcodecs hands it, the one a reader resolves
(CODEC-BLOSC-006): 1 after a bytes filter or a variable-length codec, the filter's output item size
after an array filter. Before, it wrote the array's element size into the chunk headers, and the
written array then read back with another configuration than it was created with."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from zn5.reference import create_array, open_array
from zn5.reference.codecs.astype import AsType
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.blosc import HEADER, Blosc
from zn5.reference.codecs.shuffle import Shuffle
from zn5.reference.store.memory import MemoryStore


def _blosc_of(array: Any) -> Blosc:
    return next(codec for codec in array.model.codecs if isinstance(codec, Blosc))


@pytest.mark.req("CODEC-BLOSC-006")
@pytest.mark.parametrize(
    ("dtype", "filters", "typesize"),
    [
        ("<i2", [], 2),
        ("<i2", [Shuffle(2)], 1),
        ("<i2", [AsType("<i4", "<i2")], 4),
        ("O", [], 1),
    ],
    ids=["no-filter", "after-shuffle", "after-astype", "after-vlen-bytes"],
)
def test_the_written_type_size_is_the_one_a_reader_resolves(
    dtype: str, filters: list[Codec], typesize: int
) -> None:
    store = MemoryStore()
    fill: Any = b"" if dtype == "O" else 0
    created = create_array(
        store,
        format="zarr2",
        path="array",
        shape=(6,),
        dtype=dtype,
        chunks=(6,),
        fill_value=fill,
        filters=filters,
        compressor=Blosc("lz4", 5, "shuffle"),
    )
    values = np.array([b"ab", b"", b"c", b"dd", b"e", b"f"], dtype=object) if dtype == "O" else np.arange(6)
    created[...] = values
    reopened = open_array(store, path="array")
    assert _blosc_of(created).typesize == _blosc_of(reopened).typesize == typesize
    assert HEADER.unpack_from(store.values["array/0"])[3] == typesize
    assert reopened.stored_chunk_problems((0,)) == []

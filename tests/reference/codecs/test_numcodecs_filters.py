"""The reference's numcodecs filters store, chunk for chunk, the bytes numcodecs itself makes in Zarr v2,
and read back what numcodecs decodes (CODEC-FILTER-001, ZARR2-CODEC-005, CODEC-BLOSC-006)."""

from __future__ import annotations

import json
from typing import Any, Literal

import numcodecs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import zn5.reference as zn5
from zn5.reference.codecs.adler32 import Adler32
from zn5.reference.codecs.astype import AsType
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.bitround import BitRound
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import Endian
from zn5.reference.codecs.crc32 import Crc32
from zn5.reference.codecs.delta import Delta
from zn5.reference.codecs.fixedscaleoffset import FixedScaleOffset
from zn5.reference.codecs.fletcher32 import Fletcher32
from zn5.reference.codecs.jenkins_lookup3 import JenkinsLookup3
from zn5.reference.codecs.packbits import PackBits
from zn5.reference.codecs.quantize import Quantize
from zn5.reference.codecs.shuffle import Shuffle
from zn5.reference.store.memory import MemoryStore

CHUNKS = (3, 4)
Array = np.ndarray[Any, Any]

# (the array's type string, its filters, the bytes filter or compressor or None, the byte order the
# filters leave, which the bytes codec of the core model has)
CHAINS: list[tuple[str, tuple[Codec, ...], Codec | None, Endian]] = [
    ("<f8", (FixedScaleOffset(10, 100, "<f8", "<i4"),), None, "little"),
    ("<f8", (FixedScaleOffset(0, 10, "<f8", ">u2"),), Crc32(), "big"),
    ("<f4", (Quantize(3, "<f4", "<f4"),), None, "little"),
    ("<f8", (BitRound(7),), Fletcher32(), "little"),
    ("<f8", (AsType("<f4", "<f8"),), Adler32("end"), "little"),
    (">i4", (Delta(">i4", "<i2"),), None, "little"),
    ("|b1", (PackBits(),), JenkinsLookup3(5), "little"),
    ("<i4", (Delta("<i4", "<i4"), Shuffle(4)), Fletcher32(), "little"),
    ("<f8", (AsType("<f4", "<f8"),), Blosc("lz4", 5, "shuffle"), "little"),
]


def grid_values(dtype: str) -> st.SearchStrategy[Array]:
    """Two by two chunks of values every chain above can hold."""
    shape = (CHUNKS[0] * 2, CHUNKS[1] * 2)
    if np.dtype(dtype).kind == "b":
        return hnp.arrays(np.dtype(dtype), shape)
    if np.dtype(dtype).kind == "i":
        return hnp.arrays(np.dtype(dtype), shape, elements=st.integers(0, 1000))
    width: Literal[32, 64] = 32 if np.dtype(dtype).itemsize == 4 else 64
    return hnp.arrays(np.dtype(dtype), shape, elements=st.floats(0, 1000, width=width))


def numcodecs_chunk(block: Array, codecs: list[numcodecs.abc.Codec]) -> bytes:
    """What zarr-python 2 stores for one chunk: numcodecs runs the filters, then the compressor."""
    data: Any = np.ascontiguousarray(block)
    for codec in codecs:
        data = codec.encode(data)
    return bytes(np.asarray(data).tobytes()) if isinstance(data, np.ndarray) else bytes(data)


@pytest.mark.req("CODEC-FILTER-001")
@pytest.mark.parametrize(("dtype", "filters", "compressor", "endian"), CHAINS, ids=lambda value: repr(value))
@given(data=st.data())
def test_zarr2_chunks_are_numcodecs_bytes(
    dtype: str, filters: tuple[Codec, ...], compressor: Codec | None, endian: Endian, data: st.DataObject
) -> None:
    values = data.draw(grid_values(dtype))
    store = MemoryStore()
    array = zn5.create_array(
        store,
        format="zarr2",
        path="array",
        shape=values.shape,
        dtype=dtype,
        chunks=CHUNKS,
        filters=filters,
        compressor=compressor,
        endian=endian,
    )
    array[...] = values
    zarray = json.loads(store.values["array/.zarray"])
    assert zarray["dtype"] == dtype
    documents = [*(zarray["filters"] or []), *([zarray["compressor"]] if zarray["compressor"] else [])]
    chain = [numcodecs.get_codec(document) for document in documents]
    for i in range(2):
        for j in range(2):
            block = values[i * CHUNKS[0] : (i + 1) * CHUNKS[0], j * CHUNKS[1] : (j + 1) * CHUNKS[1]]
            stored = store.values[f"array/{i}.{j}"]
            expected = numcodecs_chunk(block.astype(dtype), chain)
            if isinstance(compressor, Blosc):  # compressed bytes may differ; the header's type size may not
                assert stored[3] == expected[3]
                stored, expected = bytes(chain[-1].decode(stored)), bytes(chain[-1].decode(expected))
            assert stored == expected
    decoded = zn5.open_array(store, path="array")[...]
    np.testing.assert_array_equal(decoded, numcodecs_values(values.astype(dtype), chain[: len(filters)]))


def numcodecs_values(values: Array, filters: list[numcodecs.abc.Codec]) -> Array:
    """What numcodecs decodes after it encoded ``values`` with ``filters``."""
    data: Any = values.reshape(-1)
    for codec in filters:
        data = codec.encode(data)
    for codec in reversed(filters):
        data = codec.decode(data)
    return np.frombuffer(bytes(np.asarray(data).tobytes()), dtype=values.dtype).reshape(values.shape)

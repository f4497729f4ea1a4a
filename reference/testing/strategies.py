"""Hypothesis strategies for arrays, chunkings and codec chains of each format."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as nps

from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bz2 import Bz2
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.lz4 import Lz4
from zn5.reference.codecs.lzma import Lzma
from zn5.reference.codecs.n5_lz4 import N5Lz4
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.codecs.zstd import Zstd

N5_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float32", "float64")
ZARR_TYPES = (*N5_TYPES, "bool", "float16", "complex64", "complex128", "S3", "U2", "V2", "M8[ms]", "m8[s]")
COMPRESSORS: dict[str, tuple[Codec | None, ...]] = {
    "zarr2": (None, Gzip(1), Zlib(3), Bz2(1), Lzma(1), Zstd(1), Blosc("lz4", 5, "shuffle", None), Lz4(1)),
    "zarr3": (
        None,
        Gzip(1),
        Zstd(3),
        Blosc("zstd", 1, "bitshuffle", 4),
        Blosc("lz4", 5, "shuffle", None),
        Crc32c(),
    ),
    "n5": (
        None,
        Gzip(1),
        Zlib(1),
        Bz2(1),
        Lzma(0),
        Zstd(1),
        Blosc("lz4", 3, "noshuffle", 1),
        Blosc("zstd", 1, "shuffle", None),
        Blosc("zstd", 1, "bitshuffle", 2),
        N5Lz4(64),
    ),
}


@st.composite
def shapes_and_chunks(draw: st.DrawFn, max_rank: int = 3) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A shape (zero-length axes included) and a chunk shape that need not divide it."""
    rank = draw(st.integers(1, max_rank))
    shape = tuple(draw(st.lists(st.integers(0, 9), min_size=rank, max_size=rank)))
    chunks = tuple(draw(st.lists(st.integers(1, 6), min_size=rank, max_size=rank)))
    return shape, chunks


def values(dtype: str, shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray[Any, Any]]:
    """Arrays of ``dtype`` and ``shape`` with any element values, NaN and infinities included."""
    numpy_dtype = np.dtype(dtype)
    if numpy_dtype.kind == "V":  # hypothesis draws no raw-bytes elements: draw the bytes instead
        size = int(np.prod(shape)) * numpy_dtype.itemsize
        raw = st.binary(min_size=size, max_size=size)
        return raw.map(lambda data: np.frombuffer(data, dtype=numpy_dtype).reshape(shape))
    return nps.arrays(numpy_dtype, shape)

"""Whatever is written reads back identically, in every format, data type, chunking and codec chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import zn5.reference as zn5
from zn5.conformance.suite.canonical import describe_node
from zn5.reference.codecs.base import Codec
from zn5.reference.store.memory import MemoryStore
from zn5.reference.testing.strategies import COMPRESSORS, N5_TYPES, ZARR_TYPES, shapes_and_chunks, values


def assert_same(actual: np.ndarray[Any, Any], expected: np.ndarray[Any, Any]) -> None:
    """Equal element bytes: NaN payloads and negative zero included."""
    assert actual.shape == expected.shape
    assert actual.dtype == expected.dtype
    assert actual.tobytes() == expected.tobytes()


@st.composite
def cases(
    draw: st.DrawFn,
) -> tuple[str, str, tuple[int, ...], tuple[int, ...], Codec | None, str, np.ndarray[Any, Any]]:
    format_name = draw(st.sampled_from(["zarr2", "zarr3", "n5"]))
    dtype = draw(st.sampled_from(N5_TYPES if format_name == "n5" else ZARR_TYPES))
    shape, chunks = draw(shapes_and_chunks())
    compressor = draw(st.sampled_from(COMPRESSORS[format_name]))
    order = draw(st.sampled_from(["C", "F"])) if format_name != "n5" else "C"
    data = draw(values(dtype, shape))
    return format_name, dtype, shape, chunks, compressor, order, data


@given(cases(), st.sampled_from(["little", "big"]))
def test_round_trip(case: Any, endian: Any) -> None:
    format_name, dtype, shape, chunks, compressor, order, data = case
    store = MemoryStore()
    array = zn5.create_array(
        store,
        format=format_name,
        shape=shape,
        dtype=dtype,
        chunks=chunks,
        compressor=compressor,
        order=order,
        endian=endian,
        path="a/b",
    )
    array[...] = data
    reopened = zn5.open_array(store, path="a/b")
    assert_same(reopened[...], data.astype(data.dtype.newbyteorder("=")))
    assert describe_node(reopened.model) == describe_node(array.model)


@given(shapes_and_chunks(), st.sampled_from(["zarr2", "zarr3", "n5"]), st.data())
def test_missing_chunks_read_as_fill(shape_chunks: Any, format_name: str, data: st.DataObject) -> None:
    shape, chunks = shape_chunks
    fill = 0 if format_name == "n5" else 7
    array = zn5.create_array(
        MemoryStore(), format=format_name, shape=shape, dtype="int16", chunks=chunks, fill_value=fill
    )
    written = data.draw(values("int16", shape))
    corner = tuple(slice(0, (n + 1) // 2) for n in shape)
    array[corner] = written[corner]
    expected = np.full(shape, fill, dtype="int16")
    expected[corner] = written[corner]
    assert_same(array[...], expected)


@pytest.mark.parametrize("suffix", ["dir.zarr", "store.zip"])
def test_local_and_zip_stores_hold_the_same_array(tmp_path: Path, suffix: str) -> None:
    data = np.arange(30, dtype="float64").reshape(5, 6)
    target = tmp_path / suffix
    array = zn5.create_array(target, format="zarr3", shape=data.shape, dtype=data.dtype, chunks=(2, 4))
    array[...] = data
    if suffix.endswith(".zip"):
        array.store.close()  # type: ignore[attr-defined]
    np.testing.assert_array_equal(zn5.open_array(target)[...], data)

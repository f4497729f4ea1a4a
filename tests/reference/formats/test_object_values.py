"""``ragged[T]`` and ``json`` arrays (RFC 0013): Zarr v2 holds them, Zarr v3 and N5 refuse them before
anything is written (CORE-VLEN-009), and what they read is what was written."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import zn5.reference as zn5
from zn5.conformance.suite.canonical import object_array
from zn5.reference.model.dtype import DataType
from zn5.reference.store.memory import MemoryStore

RAGGED = DataType.of("ragged[float32]").numpy_dtype
JSON = DataType.of("json").numpy_dtype
VALUES = {
    "ragged[float32]": object_array(
        [np.array([1.5, np.nan], "f4"), np.array([], "f4"), np.ones(3, "f4")], RAGGED
    ),
    "json": object_array([{"a": [1, None]}, "text", [[1], [2]]], JSON),
}


@pytest.mark.req("CORE-VLEN-009")
@pytest.mark.parametrize("dtype", sorted(VALUES))
@pytest.mark.parametrize("format_name", ["zarr3", "n5"])
def test_a_format_without_a_form_refuses_before_anything_is_written(dtype: str, format_name: str) -> None:
    store = MemoryStore()
    with pytest.raises(zn5.UnsupportedError) as caught:
        zn5.create_array(store, format=format_name, path="a/b", shape=(3,), dtype=dtype, chunks=(2,))
    assert caught.value.requirement == "CORE-VLEN-009"
    assert store.values == {}


@pytest.mark.req("CORE-VLEN-009")
def test_a_zarr3_reader_refuses_the_object_codecs() -> None:
    store = MemoryStore()
    zn5.create_array(store, format="zarr3", shape=(3,), dtype="string", chunks=(2,), fill_value="")
    document = json.loads(store.values["zarr.json"])
    document["codecs"] = [{"name": "numcodecs.json2", "configuration": {}}]
    store.values["zarr.json"] = json.dumps(document).encode()
    with pytest.raises(zn5.UnsupportedError) as caught:
        zn5.open_array(store)
    assert caught.value.requirement == "CORE-CODEC-003"


@pytest.mark.req("ZARR2-VLEN-007")
@pytest.mark.parametrize(("dtype", "fill"), [("ragged[float32]", None), ("json", {"k": 1})])
def test_zarr2_round_trips_the_elements_and_the_fill(dtype: str, fill: Any) -> None:
    store = MemoryStore()
    array = zn5.create_array(store, format="zarr2", shape=(5,), dtype=dtype, chunks=(2,), fill_value=fill)
    array[:3] = VALUES[dtype]
    read = zn5.open_array(store)[...]
    expected = [*VALUES[dtype], *[DataType.of(dtype).scalar(array.model.fill_bytes)] * 2]
    for got, given in zip(read, expected, strict=True):
        assert json.dumps(np.asarray(got).tolist()) == json.dumps(np.asarray(given).tolist())


@pytest.mark.req("ZARR2-FILL-011")
def test_a_ragged_fill_other_than_the_empty_element_is_refused() -> None:
    store = MemoryStore()
    with pytest.raises(zn5.UnsupportedError) as caught:
        zn5.create_array(
            store,
            format="zarr2",
            shape=(3,),
            dtype="ragged[int8]",
            chunks=(2,),
            fill_value=np.array([1], "i1"),
        )
    assert caught.value.requirement == "ZARR2-FILL-011"
    assert store.values == {}

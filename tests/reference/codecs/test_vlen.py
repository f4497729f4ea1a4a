"""Variable-length data: round trips in Zarr v2 and v3 (sharded too), broken chunks, and pickle, which is
refused without ever being unpickled."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from typing import Any

import numcodecs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import zn5.reference as zn5
from zn5.reference.codecs.base import ChunkSpec
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.codecs.vlen import VlenBytes, VlenUtf8
from zn5.reference.errors import ChunkError, MetadataError, UnsupportedError
from zn5.reference.formats.deviations import ObjectZeroFillWarning
from zn5.reference.store.memory import MemoryStore

TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
BYTES = st.binary(max_size=12)


def _objects(items: list[Any], shape: tuple[int, ...]) -> np.ndarray[Any, Any]:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out.reshape(shape)


@given(
    st.sampled_from(["zarr2", "zarr3"]),
    st.sampled_from(["string", "bytes"]),
    st.sampled_from([None, Gzip(1)]),
    st.data(),
)
def test_round_trip(format_name: str, kind: str, compressor: Any, data: st.DataObject) -> None:
    shape = data.draw(st.tuples(st.integers(0, 5), st.integers(1, 5)))
    chunks = data.draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    count = shape[0] * shape[1]
    items = data.draw(st.lists(TEXT if kind == "string" else BYTES, min_size=count, max_size=count))
    values = np.array(items, dtype="T").reshape(shape) if kind == "string" else _objects(items, shape)
    fill = "∅" if kind == "string" else b"\x00"
    store = MemoryStore()
    array = zn5.create_array(
        store,
        format=format_name,
        shape=shape,
        dtype=kind,
        chunks=chunks,
        fill_value=fill,
        compressor=compressor,
    )
    array[...] = values
    read = zn5.open_array(store)[...]
    assert read.dtype == values.dtype
    assert read.tolist() == values.tolist()


@pytest.mark.req("CORE-VLEN-003")
def test_sharded_strings_read_their_fill_where_never_written() -> None:
    store = MemoryStore()
    array = zn5.create_array(
        store,
        format="zarr3",
        shape=(5, 6),
        dtype="string",
        chunks=(4, 4),
        fill_value="–",
        codecs=[Sharding((2, 2), (VlenUtf8(), Gzip(1)))],
    )
    array[0:2, 0:2] = [["a", ""], ["😀", "zn5"]]
    expected = np.full((5, 6), "–", dtype="T")
    expected[0:2, 0:2] = [["a", ""], ["😀", "zn5"]]
    assert zn5.open_array(store)[...].tolist() == expected.tolist()


def _spec(shape: tuple[int, ...], dtype: Any) -> ChunkSpec:
    return ChunkSpec(shape, np.dtype(dtype), b"", shape, "c/0")


def _chunk(count: int, *elements: bytes) -> bytes:
    return count.to_bytes(4, "little") + b"".join(len(e).to_bytes(4, "little") + e for e in elements)


@pytest.mark.parametrize(
    ("codec", "data", "requirement"),
    [
        (VlenUtf8(), b"\x02\x00", "CODEC-VLEN-002"),
        (VlenUtf8(), _chunk(3, b"a", b"b"), "CODEC-VLEN-002"),
        (VlenUtf8(), _chunk(2**32 - 1, b"a", b"b"), "CODEC-VLEN-002"),
        (VlenUtf8(), _chunk(2, b"a") + (100).to_bytes(4, "little") + b"b", "CODEC-VLEN-002"),
        (VlenUtf8(), _chunk(2, b"a", b"b") + b"\x00", "CODEC-VLEN-002"),
        (VlenUtf8(), _chunk(2, b"a", b"\xff"), "CORE-VLEN-001"),
        (VlenBytes(), _chunk(2, b"a", b"b") + b"xy", "CODEC-VLEN-002"),
    ],
)
def test_broken_chunks_are_refused(codec: Any, data: bytes, requirement: str) -> None:
    dtype = "T" if isinstance(codec, VlenUtf8) else object
    with pytest.raises(ChunkError) as caught:
        codec.decode(data, _spec((2,), dtype))
    assert caught.value.requirement == requirement
    assert caught.value.key == "c/0"


def test_the_layout_is_the_specs_example() -> None:
    assert VlenUtf8().encode(np.array(["a", "", "zn5"], dtype="T"), _spec((3,), "T")).hex() == (
        "03000000" + "01000000" + "61" + "00000000" + "03000000" + "7a6e35"
    )


@pytest.mark.parametrize(
    ("data_type", "codec"),
    [("string", {"name": "bytes", "configuration": {"endian": "little"}}), ("int32", {"name": "vlen-utf8"})],
)
def test_codec_and_type_must_match(data_type: str, codec: dict[str, Any]) -> None:
    store = MemoryStore()
    zn5.create_array(store, format="zarr3", shape=(2,), dtype=data_type, chunks=(2,))
    document = json.loads(store.values["zarr.json"])
    document["codecs"] = [codec]
    store.values["zarr.json"] = json.dumps(document).encode()
    with pytest.raises(MetadataError) as caught:
        zn5.open_array(store)
    assert caught.value.requirement == "CORE-VLEN-002"


def test_zarr_python_2_zero_fill_reads_as_the_empty_string() -> None:
    store = MemoryStore()
    zn5.create_array(store, format="zarr2", shape=(3,), dtype="string", chunks=(2,))
    document = json.loads(store.values[".zarray"])
    document["fill_value"] = 0
    store.values[".zarray"] = json.dumps(document).encode()
    with pytest.warns(ObjectZeroFillWarning, match="ZARR2-FILL-009"):
        assert zn5.open_array(store)[...].tolist() == ["", "", ""]


class _RunsCode:
    """Unpickling this calls ``os.mkdir(path)``: a stand-in for any code a hostile store could run."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return os.mkdir, (str(self.path),)


def _pickled_store(tmp_path: Path, format_name: str) -> tuple[MemoryStore, Path]:
    marker = tmp_path / "unpickled"
    payload = pickle.dumps(_objects([_RunsCode(marker), "b"], (2,)), protocol=5)
    store = MemoryStore()
    zn5.create_array(store, format=format_name, shape=(2,), dtype="string", chunks=(2,))
    key = ".zarray" if format_name == "zarr2" else "zarr.json"
    document = json.loads(store.values[key])
    if format_name == "zarr2":
        document["filters"] = [numcodecs.Pickle(protocol=5).get_config()]
        store.values["0"] = payload
    else:
        document["codecs"] = [{"name": "numcodecs.pickle", "configuration": {"protocol": 5}}]
        store.values["c/0"] = payload
    store.values[key] = json.dumps(document).encode()
    return store, marker


def _never(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the unpickler was called")


@pytest.mark.req("CORE-VLEN-005")
@pytest.mark.parametrize("format_name", ["zarr2", "zarr3"])
def test_pickle_is_refused_without_unpickling(
    tmp_path: Path, format_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, marker = _pickled_store(tmp_path, format_name)
    pickle.loads(store.values["0" if format_name == "zarr2" else "c/0"])
    assert marker.is_dir(), "the payload is live: unpickling it runs os.mkdir"
    marker.rmdir()
    monkeypatch.setattr(numcodecs.pickles, "ALLOW_UNSAFE_PICKLE_DECODE", True)  # numcodecs would decode
    for name in ("loads", "load", "Unpickler"):
        monkeypatch.setattr(pickle, name, _never)
    with pytest.raises(UnsupportedError) as caught:
        zn5.open_array(store)[...]
    assert caught.value.requirement == "CORE-VLEN-005"
    assert caught.value.key in (".zarray", "zarr.json")
    assert "filters[0]" in str(caught.value) or "codecs[0]" in str(caught.value)
    assert not marker.exists()

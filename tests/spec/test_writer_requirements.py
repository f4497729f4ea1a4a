"""Project tests of writer requirements that a write case cannot observe (spec/core/arrays.md,
spec/core/metadata.md, spec/formats/n5.md): a write case writes a whole array into an empty store and
the runner reads the result back, so which keys a partial write touches, the text of the documents and
the mode of N5 blocks are checked here, against the reference implementation's writer.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np
import pytest

from zn5.reference import Array, create_array, create_group, open_array
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.errors import UnsupportedError
from zn5.reference.store.memory import MemoryStore

FORMATS = ("zarr2", "zarr3", "n5")
KEY = {"zarr2": "array/{}.{}", "zarr3": "array/c/{}/{}", "n5": "array/{}/{}"}
GZIP_2X2: dict[str, Any] = {"chunks": (2, 2), "compressor": Gzip(1)}
"""The chunking and compressor of the arrays whose chunks or documents a test inspects."""


class RecordingStore(MemoryStore):
    """A memory store that remembers every key it was asked to set or delete."""

    def __init__(self) -> None:
        super().__init__()
        self.touched: list[str] = []

    def set(self, key: str, value: bytes) -> None:
        self.touched.append(key)
        super().set(key, value)

    def delete(self, key: str) -> None:
        self.touched.append(key)
        super().delete(key)


def _fill(format_name: str) -> int:
    return 0 if format_name == "n5" else 7


def _recorded(format_name: str, **layout: Any) -> tuple[RecordingStore, Array]:
    """A recording store and its array at ``array`` (``layout``: ``create_array``'s other arguments),
    whose fill value is :func:`_fill`'s."""
    store = RecordingStore()
    return store, create_array(
        store, format=format_name, path="array", fill_value=_fill(format_name), **layout
    )


@pytest.mark.req("CORE-ARRAY-004")
@pytest.mark.parametrize("format_name", FORMATS)
def test_writing_a_selection_sets_only_the_chunks_it_meets(format_name: str) -> None:
    store, array = _recorded(format_name, shape=(6, 6), dtype="int32", **GZIP_2X2)
    values = np.arange(36, dtype="int32").reshape(6, 6)
    array[...] = values
    before = dict(store.values)
    store.touched.clear()
    array[1:3, 4:5] = -1
    met = {KEY[format_name].format(0, 2), KEY[format_name].format(1, 2)}
    assert set(store.touched) == met
    assert {key: value for key, value in store.values.items() if key not in met} == {
        key: value for key, value in before.items() if key not in met
    }
    values[1:3, 4:5] = -1
    assert np.array_equal(open_array(store, path="array", format=format_name)[...], values)


@pytest.mark.req("CORE-ARRAY-004")
@pytest.mark.parametrize("format_name", FORMATS)
def test_a_partly_written_missing_chunk_keeps_the_fill_value_elsewhere(format_name: str) -> None:
    store, array = _recorded(format_name, shape=(5, 5), dtype="int16", chunks=(3, 3))
    fill = _fill(format_name)
    store.touched.clear()
    array[1:2, 2:4] = 5
    assert sorted(store.touched) == sorted(KEY[format_name].format(0, j) for j in (0, 1))
    expected = np.full((5, 5), fill, dtype="int16")
    expected[1:2, 2:4] = 5
    assert np.array_equal(open_array(store, path="array", format=format_name)[...], expected)


@pytest.mark.req("CORE-ARRAY-004")
def test_writing_into_a_shard_sets_only_that_shard() -> None:
    store = RecordingStore()
    array = create_array(
        store,
        format="zarr3",
        path="array",
        shape=(8, 8),
        dtype="uint16",
        chunks=(4, 4),
        codecs=[Sharding((2, 2), (BytesCodec("little"),))],
        fill_value=3,
    )
    values = np.arange(64, dtype="uint16").reshape(8, 8)
    array[...] = values
    before = dict(store.values)
    store.touched.clear()
    array[5:6, 1:2] = 999
    assert store.touched == ["array/c/1/0"]
    assert {key: value for key, value in store.values.items() if key != "array/c/1/0"} == {
        key: value for key, value in before.items() if key != "array/c/1/0"
    }
    values[5, 1] = 999
    assert np.array_equal(open_array(store, path="array")[...], values)


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _value in pairs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"duplicate members {duplicates}")
    return dict(pairs)


def _documents(store: MemoryStore) -> dict[str, bytes]:
    names = (".zarray", ".zgroup", ".zattrs", "zarr.json", "attributes.json")
    return {key: value for key, value in store.values.items() if key.rsplit("/", 1)[-1] in names}


def test_the_duplicate_check_finds_a_duplicate() -> None:
    with pytest.raises(ValueError, match="duplicate members"):
        json.loads('{"a": {"b": 1, "b": 2}}', object_pairs_hook=_unique_members)


@pytest.mark.req("CORE-META-005")
@pytest.mark.parametrize("format_name", FORMATS)
def test_written_documents_have_no_duplicate_members(format_name: str) -> None:
    """Attributes that spell a format's own member names stay apart from them (in N5 they share one
    object with the reserved keys; Zarr v3 nests them; Zarr v2 keeps them in .zattrs)."""
    lookalikes: dict[str, Any] = {"shape": [1], "zarr_format": 9, "node_type": "x", "chunks": 1, "dtype": "x"}
    store = MemoryStore()
    create_group(store, format=format_name, path="group", attributes={"codecs": [], **lookalikes})
    array = create_array(
        store,
        format=format_name,
        path="group/array",
        shape=(4, 4),
        dtype="float32",
        attributes={"fill_value": 1, "attributes": {"nested": True}, **lookalikes},
        **GZIP_2X2,
    )
    array.attrs["added later"] = [1, 2]
    documents = _documents(store)
    assert len(documents) >= 3
    for key, raw in documents.items():
        parsed = json.loads(raw, object_pairs_hook=_unique_members)
        assert isinstance(parsed, dict), key
    assert open_array(store, path="group/array", format=format_name).model.attributes["dtype"] == "x"


@pytest.mark.req("CORE-META-005")
@pytest.mark.parametrize("name", ["dimensions", "blockSize", "dataType", "compression", "n5"])
def test_an_n5_attribute_that_would_repeat_a_reserved_key_is_refused(name: str) -> None:
    store = MemoryStore()
    with pytest.raises(UnsupportedError) as caught:
        create_array(
            store, format="n5", path="array", shape=(2,), dtype="uint8", chunks=(2,), attributes={name: 1}
        )
    assert caught.value.requirement == "N5-META-005"


@pytest.mark.req("N5-BLOCK-008")
@pytest.mark.parametrize("dtype", ["uint8", "int16", "uint32", "int64", "float32", "float64"])
@pytest.mark.parametrize("compressor", [None, Gzip(1)])
def test_an_n5_writer_writes_default_mode_blocks(dtype: str, compressor: Gzip | None) -> None:
    store = MemoryStore()
    array = create_array(
        store, format="n5", path="array", shape=(5, 3), dtype=dtype, chunks=(2, 2), compressor=compressor
    )
    array[...] = np.arange(15).reshape(5, 3).astype(dtype)
    blocks = {key: value for key, value in store.values.items() if key[len("array/") :][0].isdigit()}
    assert len(blocks) == 6
    for key, value in blocks.items():
        mode, rank = struct.unpack_from(">HH", value)
        assert (mode, rank) == (0, 2), key

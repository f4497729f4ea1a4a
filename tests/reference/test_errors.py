"""Bad input raises the documented error, naming key and requirement; nothing else escapes."""

from __future__ import annotations

import contextlib
import json
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import zn5.reference as zn5
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.store.memory import MemoryStore

DOCUMENT = {"zarr2": ".zarray", "zarr3": "zarr.json", "n5": "attributes.json"}


def valid_store(format_name: str, compressor: Any = None) -> MemoryStore:
    store = MemoryStore()
    array = zn5.create_array(
        store, format=format_name, shape=(6, 5), dtype="int32", chunks=(4, 4), compressor=compressor, path="x"
    )
    array[...] = np.arange(30, dtype="int32").reshape(6, 5)
    return store


def edit(format_name: str, change: Callable[[dict[str, Any]], None]) -> MemoryStore:
    store = valid_store(format_name)
    key = f"x/{DOCUMENT[format_name]}"
    document = json.loads(store.values[key])
    change(document)
    store.values[key] = json.dumps(document).encode()
    return store


def put(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target = document
        *parents, last = key.split(".")
        for parent in parents:
            target = target[int(parent)] if parent.isdigit() else target[parent]  # type: ignore[index]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value

    return change


DELETE = object()
METADATA_FAULTS = [
    ("zarr2", "shape-negative", put("shape", [-1, 5]), zn5.MetadataError, "ZARR2-META-002"),
    ("zarr2", "chunks-wrong-rank", put("chunks", [4]), zn5.MetadataError, "ZARR2-META-003"),
    ("zarr2", "dtype-without-byte-order", put("dtype", "i4"), zn5.MetadataError, "ZARR2-DTYPE-001"),
    ("zarr2", "dtype-pipe-for-multibyte", put("dtype", "|i4"), zn5.MetadataError, "ZARR2-DTYPE-002"),
    ("zarr2", "fill-value-out-of-range", put("fill_value", 2**31), zn5.MetadataError, "ZARR2-FILL-003"),
    ("zarr2", "order-unknown", put("order", "X"), zn5.MetadataError, "ZARR2-META-005"),
    (
        "zarr2",
        "compressor-unknown",
        put("compressor", {"id": "nope"}),
        zn5.UnsupportedError,
        "ZARR2-CODEC-002",
    ),
    ("zarr2", "fill-value-missing", put("fill_value", DELETE), zn5.MetadataError, "ZARR2-META-001"),
    ("zarr2", "shape-overflows", put("shape", [2**40, 2**40]), zn5.MetadataError, "CORE-GRID-005"),
    ("zarr3", "codecs-missing", put("codecs", DELETE), zn5.MetadataError, "ZARR3-META-002"),
    ("zarr3", "codec-unknown", put("codecs", [{"name": "nope"}]), zn5.UnsupportedError, "CORE-CODEC-003"),
    (
        "zarr3",
        "codecs-no-serialiser",
        put("codecs", [{"name": "gzip", "configuration": {"level": 1}}]),
        zn5.MetadataError,
        "CORE-CODEC-001",
    ),
    (
        "zarr3",
        "bytes-without-endian",
        put("codecs", [{"name": "bytes"}]),
        zn5.MetadataError,
        "CODEC-BYTES-002",
    ),
    (
        "zarr3",
        "transpose-wrong-rank",
        put(
            "codecs",
            [
                {"name": "transpose", "configuration": {"order": [0]}},
                {"name": "bytes", "configuration": {"endian": "little"}},
            ],
        ),
        zn5.MetadataError,
        "CODEC-TRANSPOSE-001",
    ),
    ("zarr3", "unknown-member", put("future", {"x": 1}), zn5.UnsupportedError, "ZARR3-EXT-001"),
    (
        "zarr3",
        "grid-unknown",
        put("chunk_grid", {"name": "rectilinear"}),
        zn5.UnsupportedError,
        "ZARR3-GRID-002",
    ),
    ("zarr3", "fill-value-string-for-int", put("fill_value", "0"), zn5.MetadataError, "ZARR3-FILL-003"),
    ("zarr3", "node-type-unknown", put("node_type", "table"), zn5.MetadataError, "ZARR3-META-001"),
    ("n5", "dimensions-missing", put("dimensions", DELETE), zn5.MetadataError, "N5-META-002"),
    ("n5", "block-size-zero", put("blockSize", [0, 4]), zn5.MetadataError, "N5-META-004"),
    ("n5", "data-type-bool", put("dataType", "bool"), zn5.MetadataError, "N5-DTYPE-001"),
    ("n5", "compression-unknown", put("compression", {"type": "jpeg"}), zn5.UnsupportedError, "N5-CODEC-002"),
]


@pytest.mark.parametrize(
    ("format_name", "change", "error", "requirement"),
    [(f, c, e, r) for f, _, c, e, r in METADATA_FAULTS],
    ids=[f"{f}-{n}" for f, n, *_ in METADATA_FAULTS],
)
def test_metadata_fault(format_name: str, change: Any, error: type[Exception], requirement: str) -> None:
    store = edit(format_name, change)
    with pytest.raises(error) as caught:
        zn5.open_array(store, path="x")
    assert requirement in {problem.requirement for problem in caught.value.problems}  # type: ignore[attr-defined]
    assert caught.value.key == f"x/{DOCUMENT[format_name]}"  # type: ignore[attr-defined]


def test_every_problem_is_reported_at_once() -> None:
    store = edit("zarr2", lambda doc: doc.update(shape=[-1, 5], order="X", dtype="i4"))
    with pytest.raises(zn5.MetadataError) as caught:
        zn5.open_array(store, path="x")
    assert {p.requirement for p in caught.value.problems} == {
        "ZARR2-META-002",
        "ZARR2-META-005",
        "ZARR2-DTYPE-001",
    }


def test_must_understand_false_member_is_ignored() -> None:
    store = edit("zarr3", put("future", {"must_understand": False}))
    assert zn5.open_array(store, path="x").shape == (6, 5)


def test_bare_nan_is_read_with_a_warning() -> None:
    store = valid_store("zarr2")
    store.values["x/.zarray"] = store.values["x/.zarray"].replace(b'"dtype": "<i4"', b'"dtype": "<f4"')
    store.values["x/.zarray"] = store.values["x/.zarray"].replace(b'"fill_value": 0', b'"fill_value": NaN')
    with pytest.warns(UserWarning, match="CORE-META-001"):
        array = zn5.open_array(store, path="x")
    assert np.isnan(array.fill_value)


CHUNK_FAULTS = [
    ("zarr2", None, "x/0.0", b"\x00" * 10, "CODEC-BYTES-003"),
    ("zarr2", Gzip(1), "x/0.0", b"\x1f\x8b garbage", "CORE-CODEC-005"),
    ("zarr2", Zlib(1), "x/0.0", zlib.compress(bytes(10**6)), "CORE-CODEC-004"),
    ("zarr3", Crc32c(), "x/c/0/0", bytes(68), "CODEC-CRC32C-002"),
    ("n5", None, "x/0/0", bytes.fromhex("0000 0001 00000004"), "N5-BLOCK-003"),
    ("n5", None, "x/0/0", bytes.fromhex("0000 0002 00000005 00000004") + bytes(80), "N5-BLOCK-004"),
    ("n5", None, "x/0/0", bytes.fromhex("0000 0002 00000004 00000004") + bytes(10), "N5-BLOCK-006"),
    ("n5", None, "x/0/0", bytes.fromhex("0000 0002 00000004"), "N5-BLOCK-003"),
]


@pytest.mark.parametrize(
    ("format_name", "compressor", "key", "stored", "requirement"),
    CHUNK_FAULTS,
    ids=[f"{c[0]}-{c[4]}" for c in CHUNK_FAULTS],
)
def test_chunk_fault(format_name: str, compressor: Any, key: str, stored: bytes, requirement: str) -> None:
    store = valid_store(format_name, compressor)
    store.values[key] = stored
    array = zn5.open_array(store, path="x")
    with pytest.raises(zn5.ChunkError) as caught:
        array[...]
    assert caught.value.requirement == requirement
    assert caught.value.key == key


@pytest.mark.parametrize("path", ["../escape", "a/../../b", "a/./b", "a\\b"])
def test_unsafe_node_paths_are_refused(tmp_path: Any, path: str) -> None:
    with pytest.raises(zn5.StoreError) as caught:
        zn5.create_array(tmp_path, format="zarr3", shape=(1,), dtype="int8", chunks=(1,), path=path)
    assert caught.value.requirement == "CORE-NODE-002"
    assert not any(tmp_path.parent.glob("escape*"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@given(st.sampled_from(["zarr2", "zarr3", "n5"]), st.data())
def test_mutated_metadata_never_crashes(format_name: str, data: st.DataObject) -> None:
    store = valid_store(format_name)
    key = f"x/{DOCUMENT[format_name]}"
    document = json.loads(store.values[key])
    member = data.draw(st.sampled_from(sorted(document)))
    document[member] = data.draw(json_values)
    store.values[key] = json.dumps(document).encode()
    with contextlib.suppress(zn5.ZN5Error):
        zn5.open_array(store, path="x")[...]


@given(st.sampled_from(["zarr2", "zarr3", "n5"]), st.sampled_from([None, Gzip(1), Crc32c()]), st.data())
def test_mutated_chunks_never_crash(format_name: str, compressor: Any, data: st.DataObject) -> None:
    if format_name == "n5" and isinstance(compressor, Crc32c):
        compressor = None
    store = valid_store(format_name, compressor)
    key = data.draw(
        st.sampled_from(sorted(k for k in store.values if not k.endswith("json") and "/." not in k))
    )
    original = store.values[key]
    cut = data.draw(st.integers(0, len(original)))
    flips = data.draw(st.binary(max_size=8))
    store.values[key] = bytes(b ^ f for b, f in zip(original[:cut], flips.ljust(cut, b"\x00"), strict=False))
    with contextlib.suppress(zn5.ZN5Error):
        zn5.open_array(store, path="x")[...]

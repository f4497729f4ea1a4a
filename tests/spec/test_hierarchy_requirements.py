"""Project tests of hierarchy requirements the conformance corpus cannot reach (spec/core/hierarchy.md,
spec/formats/): format detection (a corpus case always names its format), listing a group's members
(the corpus has no listing operation) and what a writer does when it creates nodes (a write case starts
from an empty store and is checked node by node).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from zn5.reference import create_array, create_group, open, open_array, open_group
from zn5.reference.errors import MetadataError, StoreError
from zn5.reference.formats.documents import dump_json
from zn5.reference.group import Group
from zn5.reference.store.memory import MemoryStore

FORMATS = ("zarr2", "zarr3", "n5")


def _array(store: MemoryStore, format_name: str, path: str, **options: Any) -> None:
    array = create_array(
        store, format=format_name, path=path, shape=(4, 4), dtype="int16", chunks=(2, 2), **options
    )
    array[...] = np.arange(16, dtype="int16").reshape(4, 4)


@pytest.mark.req("CORE-NODE-005")
def test_documents_of_two_formats_at_one_prefix_are_refused_unless_the_format_is_named() -> None:
    store = MemoryStore()
    _array(store, "zarr2", "array")
    _array(store, "zarr3", "array")
    with pytest.raises(MetadataError) as caught:
        open(store, path="array")
    assert caught.value.requirement == "CORE-NODE-005"
    assert open_array(store, path="array", format="zarr2").format == "zarr2"
    assert open_array(store, path="array", format="zarr3").format == "zarr3"


@pytest.mark.req("CORE-NODE-005")
def test_detection_from_an_ancestor_with_two_formats_is_refused() -> None:
    store = MemoryStore()
    _array(store, "zarr3", "a/array")
    store.values[".zgroup"] = dump_json({"zarr_format": 2})
    for key in [key for key in store.values if key.startswith("a/array/")]:
        store.values[key.replace("a/array/", "a/copy/", 1)] = store.values[key]
    del store.values["a/copy/zarr.json"]
    del store.values["a/zarr.json"]
    with pytest.raises(MetadataError) as caught:
        open(store, path="a/copy")
    assert caught.value.requirement == "CORE-NODE-005"


@pytest.mark.req("CORE-NODE-006")
@pytest.mark.parametrize("format_name", FORMATS)
def test_members_are_listed_once_each_and_only_valid_names(format_name: str) -> None:
    store = MemoryStore()
    create_group(store, format=format_name, path="g", attributes={"title": "g"})
    _array(store, format_name, "g/array", attributes={"units": "m"})
    create_group(store, format=format_name, path="g/sub/inner")
    store.values["g/chunks-only/0"] = b"\x00"  # a prefix holding only a chunk-like key
    store.values["g/bad\\name/x"] = b"\x00"  # a name a listing may meet but never reports
    group = open_group(store, path="g", format=format_name)
    names = [name for name, _node in group.members()]
    expected = ["array", "sub"] + (["chunks-only"] if format_name == "n5" else [])
    assert names == sorted(expected)
    assert len(names) == len(set(names))


@pytest.mark.req("CORE-NODE-007")
@pytest.mark.parametrize("format_name", FORMATS)
def test_creating_a_node_where_one_exists_is_refused_without_overwrite(format_name: str) -> None:
    store = MemoryStore()
    _array(store, format_name, "array")
    before = dict(store.values)
    with pytest.raises(StoreError) as caught:
        create_group(store, format=format_name, path="array")
    assert caught.value.requirement == "CORE-NODE-007"
    with pytest.raises(StoreError):
        create_array(store, format=format_name, path="array", shape=(2,), dtype="uint8", chunks=(1,))
    assert store.values == before


@pytest.mark.req("CORE-NODE-007")
@pytest.mark.parametrize("format_name", FORMATS)
def test_overwriting_a_node_first_removes_every_key_below_it(format_name: str) -> None:
    store = MemoryStore()
    _array(store, format_name, "array")
    store.values["array/stray/key"] = b"left by another writer"
    store.values["array-sibling/key"] = b"not below the node"
    create_array(
        store, format=format_name, path="array", shape=(3,), dtype="uint8", chunks=(3,), overwrite=True
    )
    document = {"zarr2": ".zarray", "zarr3": "zarr.json", "n5": "attributes.json"}[format_name]
    assert sorted(key for key in store.values if key.startswith("array/")) == [f"array/{document}"]
    assert store.values["array-sibling/key"] == b"not below the node"
    reopened = open_array(store, path="array", format=format_name)
    assert reopened.model.shape == (3,)
    assert np.array_equal(reopened[...], np.zeros(3, dtype="uint8"))


@pytest.mark.req("ZARR2-NODE-001")
def test_a_zarr2_writer_creates_a_zgroup_at_every_missing_ancestor() -> None:
    store = MemoryStore()
    _array(store, "zarr2", "a/b/c/array")
    for ancestor in ("", "a/", "a/b/", "a/b/c/"):
        assert json.loads(store.values[f"{ancestor}.zgroup"]) == {"zarr_format": 2}
    for path in ("", "a", "a/b", "a/b/c"):
        assert isinstance(open(store, path=path, format="zarr2"), Group)


@pytest.mark.req("ZARR2-NODE-001")
def test_a_zarr2_writer_keeps_the_ancestors_that_exist() -> None:
    store = MemoryStore()
    create_group(store, format="zarr2", path="a", attributes={"kept": True})
    _array(store, "zarr2", "a/b/array")
    assert json.loads(store.values["a/.zattrs"]) == {"kept": True}
    assert json.loads(store.values["a/b/.zgroup"]) == {"zarr_format": 2}


@pytest.mark.req("ZARR3-NODE-001")
@pytest.mark.parametrize("path", ["...", "__private", "a/__b", "zarr.json", "a/zarr.json/b", "a/...."])
def test_a_zarr3_writer_refuses_reserved_names(path: str) -> None:
    store = MemoryStore()
    with pytest.raises(StoreError) as caught:
        create_group(store, format="zarr3", path=path)
    assert caught.value.requirement == "ZARR3-NODE-001"
    with pytest.raises(StoreError):
        create_array(store, format="zarr3", path=path, shape=(2,), dtype="uint8", chunks=(2,))
    assert store.values == {}


@pytest.mark.req("ZARR3-NODE-001")
def test_names_that_only_look_reserved_are_created() -> None:
    store = MemoryStore()
    for path in ("a.b", "_single", "x__y", "zarr.json2", ".hidden-ish"):
        create_group(store, format="zarr3", path=path)
        assert isinstance(open(store, path=path, format="zarr3"), Group)
    create_group(store, format="zarr2", path="__zarr2-allows-it")

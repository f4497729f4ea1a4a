"""Groups: members, and nodes further down reached by a relative path (CORE-NODE-002, CORE-NODE-004)."""

from __future__ import annotations

import numpy as np
import pytest

import zn5.reference as zn5
from zn5.reference.formats.deviations import MissingGroupDocumentWarning
from zn5.reference.store.memory import MemoryStore

FORMATS = ["zarr2", "zarr3", "n5"]


def nested_store(format_name: str) -> MemoryStore:
    """A root group holding obs/inner/temperature, with group documents only at the root."""
    store = MemoryStore()
    zn5.create_group(store, format=format_name)
    array = zn5.create_array(
        store, format=format_name, path="obs/inner/temperature", shape=(3,), dtype="int16", chunks=(2,)
    )
    array[...] = [4, 5, 6]
    return store


@pytest.mark.parametrize("format_name", FORMATS)
def test_a_relative_path_reaches_a_nested_node(format_name: str) -> None:
    root = zn5.open(nested_store(format_name))
    assert isinstance(root, zn5.Group)
    array = root["obs/inner/temperature"]
    assert isinstance(array, zn5.Array)
    assert array.path == "obs/inner/temperature"
    np.testing.assert_array_equal(array[...], np.array([4, 5, 6], dtype="int16"))
    assert "obs/inner/temperature" in root
    assert "obs/inner/pressure" not in root


@pytest.mark.parametrize("format_name", FORMATS)
def test_open_with_a_path_and_a_relative_member_agree(format_name: str) -> None:
    store = nested_store(format_name)
    by_path = zn5.open(store, path="obs/inner/temperature")
    through_group = zn5.open(store)["obs"]
    assert isinstance(through_group, zn5.Group)
    nested = through_group["inner/temperature"]
    assert isinstance(by_path, zn5.Array) and isinstance(nested, zn5.Array)
    np.testing.assert_array_equal(by_path[...], nested[...])


@pytest.mark.parametrize("relative", ["obs/../obs", "obs//inner", "../obs", "obs/inner/", "/obs"])
@pytest.mark.parametrize("format_name", FORMATS)
def test_relative_paths_with_dot_dot_or_empty_names_are_refused(format_name: str, relative: str) -> None:
    root = zn5.open(nested_store(format_name))
    assert isinstance(root, zn5.Group)
    with pytest.raises(zn5.StoreError) as caught:
        root[relative]
    assert caught.value.requirement == "CORE-NODE-002"
    assert relative not in root


@pytest.mark.parametrize("format_name", FORMATS)
def test_a_missing_nested_node_is_not_found(format_name: str) -> None:
    root = zn5.open(nested_store(format_name))
    assert isinstance(root, zn5.Group)
    with pytest.raises(zn5.NodeNotFoundError) as caught:
        root["obs/missing/temperature"]
    assert caught.value.requirement == "CORE-NODE-004"


@pytest.mark.req("CORE-NODE-009")
@pytest.mark.parametrize("format_name", ["zarr2", "zarr3"])
def test_a_path_without_a_group_document_opens_with_a_warning(format_name: str) -> None:
    store = MemoryStore()
    zn5.create_array(store, format=format_name, path="obs/temperature", shape=(2,), dtype="int8", chunks=(2,))
    for key in ("obs/.zgroup", "obs/zarr.json"):
        store.values.pop(key, None)
    with pytest.warns(MissingGroupDocumentWarning, match="CORE-NODE-009"):
        group = zn5.open(store, path="obs")
    assert isinstance(group, zn5.Group)
    assert list(group) == ["temperature"]


@pytest.mark.req("CORE-META-001")
@pytest.mark.parametrize("format_name", ["zarr2", "zarr3", "n5"])
def test_a_group_refused_on_its_documents_leaves_the_store_as_it_was(format_name: str) -> None:
    """A group whose attributes JSON cannot hold (NaN) is refused before its missing ancestors are
    written, as an array is: nothing of it reaches the store."""
    store = MemoryStore()
    with pytest.raises(zn5.MetadataError) as caught:
        zn5.create_group(store, format=format_name, path="a/b/c", attributes={"x": float("nan")})
    assert caught.value.requirement == "CORE-META-001"
    assert store.values == {}

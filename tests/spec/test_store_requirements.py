"""Project tests of the store requirements that the conformance corpus cannot reach (spec/core/stores.md).

An implementation's adapter uses its own stores, so the store interface of STORE-API-001 to STORE-API-004
is checked here, against the stores of the reference implementation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from zn5.reference.errors import StoreError
from zn5.reference.store.base import Store
from zn5.reference.store.local import TEMPORARY_PREFIX, LocalStore
from zn5.reference.store.memory import MemoryStore
from zn5.reference.store.zip import ZipStore

StoreFactory = Callable[[Path], Store]
FACTORIES: dict[str, StoreFactory] = {
    "memory": lambda tmp: MemoryStore(),
    "local": lambda tmp: LocalStore(tmp / "store"),
    "zip": lambda tmp: ZipStore(tmp / "store.zip", "w"),
}


@pytest.fixture(params=sorted(FACTORIES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    factory: StoreFactory = FACTORIES[request.param]
    return factory(tmp_path)


@pytest.mark.req("STORE-API-001")
def test_get_returns_the_bytes_set_and_absent_is_not_empty(store: Store) -> None:
    store.set("a/value", b"\x00\x01\xff")
    store.set("a/empty", b"")
    assert store.get("a/value") == b"\x00\x01\xff"
    assert store.get("a/empty") == b""
    assert store.get("a/missing") is None


@pytest.mark.req("STORE-API-001")
@pytest.mark.parametrize("kind", ["memory", "local"])
def test_delete_makes_a_key_absent_and_deleting_twice_is_no_error(tmp_path: Path, kind: str) -> None:
    store = FACTORIES[kind](tmp_path)
    store.set("a/b", b"x")
    store.delete("a/b")
    store.delete("a/b")
    assert store.get("a/b") is None


@pytest.mark.req("STORE-API-001")
def test_a_read_failure_is_a_store_error_not_absence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LocalStore(tmp_path)
    store.set("chunk", b"data")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(StoreError) as caught:
        store.get("chunk")
    assert caught.value.requirement == "STORE-API-001"
    assert caught.value.key == "chunk"


@pytest.mark.req("STORE-API-002")
def test_ranges_from_the_start_the_end_and_past_the_end(store: Store) -> None:
    store.set("k", b"0123456789")
    assert store.get_range("k", 0, 3) == b"012"
    assert store.get_range("k", 7, None) == b"789"
    assert store.get_range("k", -4, None) == b"6789"
    assert store.get_range("k", -4, 2) == b"67"
    assert store.get_range("k", -20, None) == b"0123456789"
    assert store.get_range("k", 8, 10) == b"89"
    assert store.get_range("k", 10, 5) == b""
    assert store.get_range("k", 15, None) == b""
    assert store.get_range("missing", 0, 1) is None


@pytest.mark.req("STORE-API-003")
def test_listing_gives_each_key_once_and_list_dir_sorted(store: Store) -> None:
    for key in ("g/zarr.json", "g/b/zarr.json", "g/a/c/0", "g/a/zarr.json", "g/.zattrs", "other"):
        store.set(key, b"{}")
    listed = list(store.list_prefix("g/"))
    assert sorted(listed) == ["g/.zattrs", "g/a/c/0", "g/a/zarr.json", "g/b/zarr.json", "g/zarr.json"]
    assert len(listed) == len(set(listed))
    assert store.list_dir("g/") == ([".zattrs", "zarr.json"], ["a", "b"])
    assert store.list_dir("") == (["other"], ["g"])


@pytest.mark.req("STORE-API-003")
def test_a_temporary_file_of_a_write_in_progress_is_not_listed(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.set("a/0", b"done")
    (tmp_path / "a" / f"{TEMPORARY_PREFIX}1234").write_bytes(b"half")
    assert list(store.list_prefix("a/")) == ["a/0"]
    assert store.list_dir("a/") == (["0"], [])


@pytest.mark.req("STORE-API-004")
def test_a_read_only_store_refuses_set_and_delete(tmp_path: Path) -> None:
    LocalStore(tmp_path).set("k", b"old")
    read_only = LocalStore(tmp_path, writable=False)
    with pytest.raises(StoreError) as refused_set:
        read_only.set("k", b"new")
    with pytest.raises(StoreError) as refused_delete:
        read_only.delete("k")
    assert refused_set.value.requirement == refused_delete.value.requirement == "STORE-API-004"
    assert read_only.get("k") == b"old"


@pytest.mark.req("STORE-API-004")
def test_a_zip_store_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    with ZipStore(tmp_path / "store.zip", "w") as store:
        store.set("k", b"first")
        with pytest.raises(StoreError) as refused_replace:
            store.set("k", b"second")
        with pytest.raises(StoreError) as refused_delete:
            store.delete("k")
        assert refused_replace.value.requirement == refused_delete.value.requirement == "STORE-API-004"
        assert store.get("k") == b"first"
    with ZipStore(tmp_path / "store.zip", "r") as read_only, pytest.raises(StoreError) as caught:
        read_only.set("other", b"x")
    assert caught.value.requirement == "STORE-API-004"


UNSAFE_KEYS = ["", "/abs", "a//b", "a/", "a/./b", "a/../b", "..", ".", "a\\b", "a\x00b", "C:x", "c:/x/y"]


@pytest.mark.req("STORE-KEY-001")
@pytest.mark.parametrize("key", UNSAFE_KEYS)
def test_an_unsafe_key_is_refused_by_every_operation(store: Store, key: str) -> None:
    operations: list[Callable[[], object]] = [
        lambda: store.get(key),
        lambda: store.get_range(key, 0, 1),
        lambda: store.set(key, b"x"),
    ]
    if not isinstance(store, ZipStore):  # the zip store refuses every delete (STORE-API-004)
        operations.append(lambda: store.delete(key))
    for operation in operations:
        with pytest.raises(StoreError) as caught:
            operation()
        assert caught.value.requirement == "STORE-KEY-001"
    assert list(store.list_prefix("")) == []


@pytest.mark.req("STORE-KEY-001")
def test_a_local_store_refuses_before_touching_the_file_system(tmp_path: Path) -> None:
    outside = tmp_path / "secret"
    outside.write_bytes(b"outside the store")
    root = tmp_path / "store"
    root.mkdir()
    store = LocalStore(root)
    for key in ("../secret", "a/../../secret", str(outside), "..\\secret"):
        with pytest.raises(StoreError):
            store.get(key)
        with pytest.raises(StoreError):
            store.set(key, b"overwritten")
        with pytest.raises(StoreError):
            store.delete(key)
    assert outside.read_bytes() == b"outside the store"
    assert list(root.iterdir()) == []

"""The store contract as a test suite: subclass it once per store and provide ``make_store``."""

from __future__ import annotations

from typing import Any

import pytest

from zn5.reference.errors import StoreError
from zn5.reference.store.base import Store


class StoreContract:
    """Checks every store must pass (spec/core/stores.md)."""

    def make_store(self, tmp_path: Any) -> Store:
        """A new, empty, writable store."""
        raise NotImplementedError

    def test_get_of_a_missing_key_is_none(self, tmp_path: Any) -> None:
        store = self.make_store(tmp_path)
        assert store.get("a/b") is None
        assert store.get_range("a/b", 0, 1) is None

    def test_set_then_get(self, tmp_path: Any) -> None:
        store = self.make_store(tmp_path)
        store.set("a/b/c", b"value")
        assert store.get("a/b/c") == b"value"

    def test_ranges(self, tmp_path: Any) -> None:
        store = self.make_store(tmp_path)
        store.set("k", b"0123456789")
        assert store.get_range("k", 2, 3) == b"234"
        assert store.get_range("k", -4, None) == b"6789"
        assert store.get_range("k", 8, 10) == b"89"

    def test_list_dir(self, tmp_path: Any) -> None:
        store = self.make_store(tmp_path)
        for key in ("g/.zgroup", "g/a/.zarray", "g/a/0.0", "g/b/c/zarr.json", "top"):
            store.set(key, b"{}")
        assert store.list_dir("g/") == ([".zgroup"], ["a", "b"])
        assert sorted(store.list_prefix("g/a/")) == ["g/a/.zarray", "g/a/0.0"]

    @pytest.mark.parametrize("key", ["", "/abs", "a//b", "a/../b", "..", "a/./b", "a\\b", "C:/x"])
    def test_unsafe_keys_are_refused(self, tmp_path: Any, key: str) -> None:
        store = self.make_store(tmp_path)
        with pytest.raises(StoreError) as caught:
            store.set(key, b"x")
        assert caught.value.requirement == "STORE-KEY-001"

"""Every store keeps the store contract; local writes are atomic and safe for disjoint parallel writers."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import zn5.reference as zn5
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.store.base import Store
from zn5.reference.store.local import TEMPORARY_PREFIX, LocalStore
from zn5.reference.store.memory import MemoryStore
from zn5.reference.store.zip import ZipStore
from zn5.reference.testing.store_contract import StoreContract


class TestMemoryStore(StoreContract):
    def make_store(self, tmp_path: Any) -> Store:
        return MemoryStore()


class TestLocalStore(StoreContract):
    def make_store(self, tmp_path: Any) -> Store:
        return LocalStore(tmp_path / "store")


class TestZipStore(StoreContract):
    def make_store(self, tmp_path: Any) -> Store:
        return ZipStore(tmp_path / "store.zip", "w")


@pytest.mark.req("STORE-WRITE-001")
def test_failed_local_write_leaves_the_old_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LocalStore(tmp_path)
    store.set("a/chunk", b"old")
    written = []

    def crash_before_rename(self: Path, target: Path) -> None:
        written.append(self.read_bytes())
        raise OSError("the machine stopped here")

    monkeypatch.setattr(Path, "replace", crash_before_rename)
    with pytest.raises(OSError, match="stopped"):
        store.set("a/chunk", b"new value")
    monkeypatch.undo()
    assert written == [b"new value"]  # the new bytes were complete, in a temporary file
    assert store.get("a/chunk") == b"old"
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(TEMPORARY_PREFIX)]


def _write_rows(root: str, start: int, stop: int) -> None:
    array = zn5.open_array(root, mode="r+", path="volume")
    rows = np.arange(start * 64, stop * 64, dtype="float32").reshape(stop - start, 64)
    for _ in range(3):  # write the same chunks several times, as a busy writer would
        array[start:stop] = rows


@pytest.mark.req("STORE-WRITE-002")
@pytest.mark.parametrize("format_name", ["zarr2", "zarr3", "n5"])
def test_processes_writing_disjoint_chunks(tmp_path: Path, format_name: str) -> None:
    root = str(tmp_path / "store")
    zn5.create_array(
        root,
        format=format_name,
        path="volume",
        shape=(64, 64),
        dtype="float32",
        chunks=(8, 16),
        compressor=Gzip(1),
    )
    bands = [(i, i + 8) for i in range(0, 64, 8)]
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_write_rows, args=(root, a, b)) for a, b in bands]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [process.exitcode for process in processes] == [0] * len(processes)
    expected = np.arange(64 * 64, dtype="float32").reshape(64, 64)
    np.testing.assert_array_equal(zn5.open_array(root, path="volume")[...], expected)
    leftovers = [name for _, _, files in os.walk(root) for name in files if name.startswith(TEMPORARY_PREFIX)]
    assert leftovers == []

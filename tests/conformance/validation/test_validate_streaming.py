"""Tests of how ``zn5 validate`` walks a store: one pass over a lazy listing, one chunk at a time."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

from zn5.conformance.validation.walk import Validation
from zn5.reference.formats.documents import dump_json
from zn5.reference.store.base import Store, check_key


class OneShot(Iterator[str]):
    """A key listing that may be iterated once only: a second iteration fails instead of yielding nothing."""

    def __init__(self, keys: Iterator[str]) -> None:
        self.keys = keys
        self.started = False

    def __iter__(self) -> OneShot:
        if self.started:
            raise AssertionError("the listing was iterated twice")
        self.started = True
        return self

    def __next__(self) -> str:
        return next(self.keys)


class LazyStore(Store):
    """A Zarr v3 array of ``count`` one-element uint8 chunks whose keys are made as they are listed."""

    writable = False

    def __init__(self, count: int) -> None:
        self.count = count
        self.listings = 0
        self.listed = -1
        self.document = dump_json(
            {
                "zarr_format": 3,
                "node_type": "array",
                "shape": [count],
                "data_type": "uint8",
                "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [1]}},
                "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
                "fill_value": 0,
                "codecs": [{"name": "bytes"}],
            }
        )

    def _keys(self) -> Iterator[str]:
        yield "zarr.json"
        for index in range(self.count):
            self.listed = index
            yield f"c/{index}"

    def list_prefix(self, prefix: str) -> Iterator[str]:
        assert prefix == "", "validate lists the whole store, once per pass"
        self.listings += 1
        self.listed = -1
        return OneShot(key for key in self._keys() if key.startswith(prefix))

    def get(self, key: str) -> bytes | None:
        check_key(key)
        if key == "zarr.json":
            return self.document
        if key.startswith("c/"):
            index = int(key[2:])
            assert index == self.listed, f"chunk {index} was read while key {self.listed} was being listed"
            return bytes([index % 256])
        return None

    def set(self, key: str, value: bytes) -> None:
        raise AssertionError("validate never writes")

    def delete(self, key: str) -> None:
        raise AssertionError("validate never deletes")


def test_validate_reads_each_chunk_while_it_is_listed() -> None:
    store = LazyStore(500)
    validation = Validation(store, chunks=True)
    assert list(validation.problems()) == []
    assert store.listings == 2
    assert validation.counts.chunks == validation.counts.decoded == 500


def test_validate_memory_does_not_grow_with_the_number_of_keys() -> None:
    small, large = LazyStore(1_000), LazyStore(15_000)
    peaks = []
    for store in (small, large):
        tracemalloc.start()
        validation = Validation(store)
        assert next(validation.problems(), None) is None
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert validation.counts.keys == store.count + 1
    # The 14 000 more keys, held in a list, would take about 900 kB; the walk keeps no key it has checked.
    assert peaks[1] < peaks[0] + 300_000, peaks

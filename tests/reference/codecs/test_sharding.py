"""Sharding: partial reads fetch the index and only the inner chunks needed (CODEC-SHARDING-005)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import zn5.reference as zn5
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.errors import ChunkError
from zn5.reference.store.memory import MemoryStore


class RecordingStore(MemoryStore):
    """A memory store that records every read it serves."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[tuple[str, int | None, int | None]] = []

    def get(self, key: str) -> bytes | None:
        self.reads.append((key, None, None))
        return super().get(key)

    def get_range(self, key: str, start: int, length: int | None) -> bytes | None:
        self.reads.append((key, start, length))
        return super().get_range(key, start, length)


@pytest.mark.parametrize("location", ["start", "end"])
def test_partial_read_fetches_only_needed_inner_chunks(location: Any) -> None:
    store = RecordingStore()
    sharding = Sharding((4, 4), (BytesCodec("little"), Gzip(1)), (BytesCodec("little"), Crc32c()), location)
    array = zn5.create_array(
        store, format="zarr3", shape=(16, 16), dtype="int32", chunks=(16, 16), codecs=[sharding]
    )
    values = np.arange(256, dtype="int32").reshape(16, 16)
    array[...] = values
    shard = store.values["c/0/0"]
    store.reads.clear()
    np.testing.assert_array_equal(array[5:7, 9:11], values[5:7, 9:11])
    shard_reads = [read for read in store.reads if read[0] == "c/0/0"]
    index_size = 16 * 16 + 4
    index_read = ("c/0/0", 0, index_size) if location == "start" else ("c/0/0", -index_size, None)
    assert shard_reads[0] == index_read
    assert len(shard_reads) == 2  # the index, then the one inner chunk (1, 2)
    _, start, length = shard_reads[1]
    assert start is not None and length is not None and length < len(shard) // 8


UNCHECKED_INDEX_READS = [
    # location, inner chunks read, the index bytes read: from the first entry needed to the last at the
    # start; from the first entry needed to the end of the index at the end
    ("start", (slice(5, 7), slice(9, 11)), (16 * 6, 16)),
    ("start", (slice(1, 6), slice(0, 16)), (0, 16 * 8)),
    ("end", (slice(5, 7), slice(9, 11)), (-16 * (16 - 6), None)),
    ("end", (slice(12, 16), slice(12, 16)), (-16, None)),
]


@pytest.mark.req("CODEC-SHARDING-005")
@pytest.mark.parametrize(("location", "region", "index_read"), UNCHECKED_INDEX_READS)
def test_an_index_without_checksum_is_read_only_as_far_as_the_entries_needed(
    location: Any, region: tuple[slice, ...], index_read: tuple[int, int | None]
) -> None:
    store = RecordingStore()
    sharding = Sharding((4, 4), (BytesCodec("little"), Gzip(1)), (BytesCodec("big"),), location)
    array = zn5.create_array(
        store, format="zarr3", shape=(16, 16), dtype="int32", chunks=(16, 16), codecs=[sharding]
    )
    values = np.arange(256, dtype="int32").reshape(16, 16)
    array[...] = values
    store.reads.clear()
    np.testing.assert_array_equal(array[region], values[region])
    shard_reads = [read for read in store.reads if read[0] == "c/0/0"]
    assert shard_reads[0] == ("c/0/0", *index_read)
    inner = {(i // 4, j // 4) for i in range(16)[region[0]] for j in range(16)[region[1]]}
    assert len(shard_reads) == 1 + len(inner)


@pytest.mark.req("CODEC-SHARDING-004")
@pytest.mark.parametrize("location", ["start", "end"])
def test_a_shard_too_short_for_the_entries_needed_is_refused(location: Any) -> None:
    store = MemoryStore()
    sharding = Sharding((4, 4), (BytesCodec("little"),), (BytesCodec("little"),), location)
    array = zn5.create_array(
        store, format="zarr3", shape=(16, 16), dtype="int32", chunks=(16, 16), codecs=[sharding]
    )
    array[...] = 1
    store.values["c/0/0"] = store.values["c/0/0"][:40] if location == "start" else b"\0" * 40
    with pytest.raises(ChunkError, match="shorter than its 256-byte index") as caught:
        array[8:12, 8:12]
    assert caught.value.problems[0].requirement == "CODEC-SHARDING-004"


def test_missing_shard_reads_fill_without_fetching_chunks() -> None:
    store = RecordingStore()
    array = zn5.create_array(
        store,
        format="zarr3",
        shape=(8, 8),
        dtype="uint8",
        chunks=(8, 8),
        fill_value=9,
        codecs=[Sharding((2, 2), (BytesCodec(None),))],
    )
    store.reads.clear()
    np.testing.assert_array_equal(array[1:3, 1:3], np.full((2, 2), 9, dtype="uint8"))
    assert [read[0] for read in store.reads] == ["c/0/0"]


HUGE_ENTRIES = [
    ("offset-beyond-int64", 2**64 - 2, 16),
    ("offset-beyond-any-shard", 2**40, 16),
    ("byte-count-beyond-any-inner-chunk", 0, 2**62),
    ("absent-offset-with-a-byte-count", 2**64 - 1, 16),
]


@pytest.mark.parametrize(("name", "offset", "nbytes"), HUGE_ENTRIES, ids=[entry[0] for entry in HUGE_ENTRIES])
def test_an_index_entry_no_shard_can_hold_is_refused_before_any_read(
    tmp_path: Any, name: str, offset: int, nbytes: int
) -> None:
    sharding = Sharding((2,), (BytesCodec("little"),), (BytesCodec("little"),), "end")
    array = zn5.create_array(
        tmp_path, format="zarr3", path="x", shape=(4,), dtype="int32", chunks=(4,), codecs=[sharding]
    )
    array[...] = np.arange(4, dtype="int32")
    shard = tmp_path / "x" / "c" / "0"
    stored = bytearray(shard.read_bytes())
    index_start = len(stored) - 2 * 16
    stored[index_start : index_start + 16] = np.array([offset, nbytes], dtype="<u8").tobytes()
    shard.write_bytes(bytes(stored))
    with pytest.raises(zn5.ChunkError) as caught:
        zn5.open_array(tmp_path, path="x")[...]
    assert caught.value.requirement == "CODEC-SHARDING-004"
    assert caught.value.key == "x/c/0"

"""Bytes that other libraries wrote, pinned field by field (figures from research/spec-digest.md, where
each was observed by hex-dumping the output of zarr-python, z5py and tensorstore)."""

from __future__ import annotations

import struct

import numcodecs
import numpy as np
import pytest

import zn5.reference as zn5
from zn5.reference.codecs.base import ChunkSpec
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.crc32 import Crc32
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.sharding import ABSENT, Sharding
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.store.memory import MemoryStore


def test_crc32c_appends_little_endian_castagnoli_checksum() -> None:
    array = zn5.create_array(
        MemoryStore(),
        format="zarr3",
        shape=(4,),
        dtype="uint16",
        chunks=(4,),
        codecs=[BytesCodec("little"), Crc32c()],
    )
    array[...] = [1, 2, 3, 258]
    stored = array.store.get("c/0")
    assert stored == bytes.fromhex(
        "0100 0200 0300 0201"  # four uint16, little endian
        "ba5594a9"  # CRC-32C of the eight bytes before it, little endian (zarr-python 3.1.6)
    )


def test_transpose_then_big_endian_bytes_is_fortran_order() -> None:
    array = zn5.create_array(
        MemoryStore(),
        format="zarr3",
        shape=(2, 2),
        dtype="int32",
        chunks=(2, 2),
        codecs=[Transpose((1, 0)), BytesCodec("big")],
    )
    array[...] = [[0, 1], [4, 5]]
    assert array.store.get("c/0/0") == bytes.fromhex(
        "00000000"  # element (0, 0)
        "00000004"  # element (1, 0): the first axis varies fastest after the transpose
        "00000001"  # element (0, 1)
        "00000005"  # element (1, 1)
    )


def _n5_dataset_like_z5py() -> zn5.Array:
    """The uint16 dataset z5py 3.0.2 wrote: dimensions [5, 3, 2], blockSize [4, 2, 2], raw."""
    array = zn5.create_array(MemoryStore(), format="n5", shape=(5, 3, 2), dtype="uint16", chunks=(4, 2, 2))
    x, y, z = np.indices((5, 3, 2))
    array[...] = z * 15 + y * 5 + x  # numpy arange(30).reshape(2, 3, 5) seen in N5's declared axis order
    return array


def test_n5_full_block() -> None:
    stored = _n5_dataset_like_z5py().store.get("0/0/0")
    assert stored is not None
    assert stored[:16] == bytes.fromhex(
        "0000"  # mode 0: default
        "0003"  # three dimensions
        "00000004 00000002 00000002"  # block size in declared order
    )
    assert stored[16:26] == bytes.fromhex("0000 0001 0002 0003 0005")  # big endian, first axis fastest
    assert len(stored) == 16 + 4 * 2 * 2 * 2


def test_n5_edge_blocks_are_truncated() -> None:
    array = _n5_dataset_like_z5py()
    assert array.store.get("1/0/0") == bytes.fromhex(
        "0000 0003 00000001 00000002 00000002"  # x-edge block: 1 × 2 × 2
        "0004 0009 0013 0018"
    )
    assert array.store.get("1/1/0") == bytes.fromhex(
        "0000 0003 00000001 00000001 00000002"  # corner block: 1 × 1 × 2
        "000e 001d"
    )


def test_n5_padded_edge_block_reads_like_a_truncated_one() -> None:
    array = _n5_dataset_like_z5py()
    expected = array[...]
    padded = bytes.fromhex("0000 0003 00000004 00000002 00000002") + np.arange(16, dtype=">u2").tobytes()
    corner = np.arange(16, dtype="uint16").reshape((4, 2, 2), order="F")[:1, :1, :]
    array.store.set("1/1/0", padded)  # tensorstore and zarr-python 2 write edge blocks padded like this
    expected[4:, 2:, :] = corner
    np.testing.assert_array_equal(array[...], expected)


def test_shard_with_two_of_four_inner_chunks() -> None:
    sharding = Sharding((2, 2), (BytesCodec("little"),))
    array = zn5.create_array(
        MemoryStore(), format="zarr3", shape=(4, 4), dtype="uint16", chunks=(4, 4), codecs=[sharding]
    )
    values = np.zeros((4, 4), dtype="uint16")
    values[:2, :2] = [[1, 2], [3, 4]]
    values[2:, 2:] = [[5, 6], [7, 8]]
    array[...] = values
    shard = array.store.get("c/0/0")
    assert shard is not None and len(shard) == 84  # zarr-python 3.1.6 wrote the same size
    assert shard[:16] == np.array([1, 2, 3, 4, 5, 6, 7, 8], dtype="<u2").tobytes()  # inner chunks, C order
    index = struct.unpack("<8Q", shard[16:80])
    assert index == (0, 8, ABSENT, ABSENT, ABSENT, ABSENT, 8, 8)  # (offset, nbytes) per inner chunk
    import google_crc32c

    assert shard[80:] == struct.pack("<I", google_crc32c.value(shard[16:80]))  # CRC-32C of the index
    np.testing.assert_array_equal(array[1:3, 1:3], values[1:3, 1:3])


@pytest.mark.parametrize("location", ["start", "end"])
def test_crc32_writes_what_numcodecs_writes_at_either_location(location: str) -> None:
    """CODEC-CRC32-001: the checksum before the input by default, after it with location "end"."""
    codec = Crc32.from_configuration({} if location == "start" else {"location": location})
    spec = ChunkSpec((3,), np.dtype("uint8"), b"\0", (3,), "0")
    expected = bytes(numcodecs.CRC32(location=location).encode(b"abc"))
    assert codec.encode(b"abc", spec) == expected
    assert expected == (
        bytes.fromhex("c2412435") + b"abc" if location == "start" else b"abc" + bytes.fromhex("c2412435")
    )
    assert codec.decode(expected, spec, 3) == b"abc"
    assert codec.configuration() == ({} if location == "start" else {"location": "end"})

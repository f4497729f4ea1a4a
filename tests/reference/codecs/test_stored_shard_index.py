"""The stored-bytes checks of a shard's index: it sits where ``index_location`` says and passes its
own codecs, and every entry is the absent pair or one inner chunk's range inside the value, clear of the
index and of the other inner chunks (CODEC-SHARDING-004, CODEC-SHARDING-006).

The bad shards are laid out by hand: inner chunks as raw little-endian bytes, then an index packed with
``struct`` and its CRC-32C from ``google_crc32c``; the codec's own shards pass.
"""

from __future__ import annotations

import struct
from typing import Literal

import google_crc32c
import numpy as np
import pytest

from zn5.reference.codecs.base import ChunkSpec, Codec, StoredProblem
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.sharding import ABSENT, Sharding

SHARD = (4, 4)
INNER = (2, 2)
INNER_BYTES = 2 * 2 * 2
"""An inner chunk of four uint16 elements."""
Location = Literal["start", "end"]


def _codec(location: Location = "end", inner: tuple[Codec, ...] = ()) -> Sharding:
    return Sharding(INNER, (BytesCodec("little"), *inner), (BytesCodec("little"), Crc32c()), location)


def _spec(valid: tuple[int, ...] = SHARD) -> ChunkSpec:
    return ChunkSpec(SHARD, np.dtype("uint16"), b"\0\0", valid, "array/c/0/0")


def _index(entries: list[tuple[int, int]]) -> bytes:
    packed = b"".join(struct.pack("<QQ", offset, nbytes) for offset, nbytes in entries)
    return packed + struct.pack("<I", google_crc32c.value(packed))


INDEX_BYTES = len(_index([(ABSENT, ABSENT)] * 4))


def _shard(entries: list[tuple[int, int]], body: bytes, location: Location = "end") -> bytes:
    return _index(entries) + body if location == "start" else body + _index(entries)


def _body(count: int) -> bytes:
    return np.arange(count * 4, dtype="<u2").tobytes()


def _errors(problems: list[StoredProblem]) -> list[str]:
    return [problem.requirement for problem in problems if problem.level == "error"]


@pytest.mark.parametrize("location", ["start", "end"])
@pytest.mark.parametrize("valid", [SHARD, (3, 1)], ids=["whole", "edge"])
@pytest.mark.parametrize("inner", [(), (Gzip(1),)], ids=["bytes", "gzip"])
def test_the_codec_finds_no_fault_in_its_own_shards(
    location: Location, valid: tuple[int, ...], inner: tuple[Codec, ...]
) -> None:
    codec, spec = _codec(location, inner), _spec(valid)
    chunk = np.arange(16, dtype="uint16").reshape(SHARD)
    chunk[0:2, 2:4] = 0  # one inner chunk of fill values, left out
    assert codec.stored_problems(codec.encode(chunk, spec), spec) == []


def test_a_hand_made_shard_with_gaps_and_any_order_passes() -> None:
    """Inner chunks may appear in any order with gaps between them (the chapter's layout)."""
    body = _body(1) + b"\0" * 3 + _body(1)
    entries = [(INNER_BYTES + 3, INNER_BYTES), (0, INNER_BYTES), (ABSENT, ABSENT), (ABSENT, ABSENT)]
    assert _codec().stored_problems(_shard(entries, body), _spec()) == []


@pytest.mark.req("CODEC-SHARDING-004")
@pytest.mark.parametrize(("declared", "written"), [("end", "start"), ("start", "end")])
def test_an_index_at_the_other_end_breaks_codec_sharding_004(declared: Location, written: Location) -> None:
    offset = INDEX_BYTES if written == "start" else 0
    entries = [(offset, INNER_BYTES), (ABSENT, ABSENT), (ABSENT, ABSENT), (ABSENT, ABSENT)]
    problems = _codec(declared).stored_problems(_shard(entries, _body(1), written), _spec())
    assert _errors(problems) == ["CODEC-SHARDING-004"]
    assert f"a valid index sits at the {written}" in problems[0].message


@pytest.mark.req("CODEC-SHARDING-004")
def test_an_index_that_fails_its_checksum_breaks_codec_sharding_004() -> None:
    shard = bytearray(_shard([(0, INNER_BYTES)] + [(ABSENT, ABSENT)] * 3, _body(1)))
    shard[-1] ^= 0xFF
    problems = _codec().stored_problems(bytes(shard), _spec())
    assert _errors(problems) == ["CODEC-SHARDING-004"]
    assert "valid index sits" not in problems[0].message


@pytest.mark.req("CODEC-SHARDING-004")
def test_a_shard_shorter_than_its_index_breaks_codec_sharding_004() -> None:
    assert _errors(_codec().stored_problems(b"\0" * (INDEX_BYTES - 1), _spec())) == ["CODEC-SHARDING-004"]


@pytest.mark.req("CODEC-SHARDING-004")
def test_a_range_beyond_the_shard_breaks_codec_sharding_004() -> None:
    entries = [(0, INNER_BYTES), (INNER_BYTES, 1000), (ABSENT, ABSENT), (ABSENT, ABSENT)]
    assert _errors(_codec().stored_problems(_shard(entries, _body(2)), _spec())) == ["CODEC-SHARDING-004"]


@pytest.mark.req("CODEC-SHARDING-006")
@pytest.mark.parametrize(("entry"), [(ABSENT, INNER_BYTES), (0, ABSENT)])
def test_half_an_absent_pair_breaks_codec_sharding_006(entry: tuple[int, int]) -> None:
    entries = [(0, INNER_BYTES), entry, (ABSENT, ABSENT), (ABSENT, ABSENT)]
    assert _errors(_codec().stored_problems(_shard(entries, _body(1)), _spec())) == ["CODEC-SHARDING-006"]


@pytest.mark.req("CODEC-SHARDING-006")
@pytest.mark.parametrize("location", ["start", "end"])
def test_a_range_over_the_index_breaks_codec_sharding_006(location: Location) -> None:
    """The range lies inside the value, but over the index's bytes, which no inner chunk encodes to."""
    body = _body(2)
    over_index = len(body) if location == "end" else 0
    first = INDEX_BYTES if location == "start" else 0
    entries = [(first, INNER_BYTES), (over_index, INNER_BYTES), (ABSENT, ABSENT), (ABSENT, ABSENT)]
    shard = _shard(entries, body, location)
    assert _errors(_codec(location).stored_problems(shard, _spec())) == ["CODEC-SHARDING-006"]


@pytest.mark.req("CODEC-SHARDING-006")
def test_overlapping_inner_chunks_break_codec_sharding_006() -> None:
    entries = [(0, INNER_BYTES), (INNER_BYTES // 2, INNER_BYTES), (ABSENT, ABSENT), (ABSENT, ABSENT)]
    problems = _codec().stored_problems(_shard(entries, _body(2)), _spec())
    assert _errors(problems) == ["CODEC-SHARDING-006"]
    assert "overlap" in problems[0].message


def test_equal_inner_chunks_may_share_one_range() -> None:
    entries = [(0, INNER_BYTES), (0, INNER_BYTES), (ABSENT, ABSENT), (ABSENT, ABSENT)]
    assert _codec().stored_problems(_shard(entries, _body(1)), _spec()) == []

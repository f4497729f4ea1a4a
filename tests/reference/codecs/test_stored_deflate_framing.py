"""The stored-bytes checks of ``gzip`` and ``zlib``: a writer's value is one gzip member, or exactly one
zlib stream, as the metadata says (CODEC-GZIP-001, CODEC-GZIP-003, CODEC-ZLIB-001).

Each bad value is made by hand from the standard library's own framings; the codec's own output passes.
"""

from __future__ import annotations

import gzip
import struct
import zlib

import numpy as np
import pytest

from zn5.reference.codecs.base import ChunkSpec, StoredProblem
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.zlib import Zlib

PAYLOAD = bytes(range(256)) * 8
SPEC = ChunkSpec((len(PAYLOAD),), np.dtype("uint8"), b"\0", (len(PAYLOAD),), "x/0")


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _with_file_name(member: bytes) -> bytes:
    """A gzip member whose header also carries a file name (FNAME)."""
    return member[:3] + bytes([member[3] | 0x08]) + member[4:10] + b"x.bin\0" + member[10:]


def _requirements(problems: list[StoredProblem], level: str = "error") -> list[str]:
    return [problem.requirement for problem in problems if problem.level == level]


@pytest.mark.parametrize("level", [0, 1, 9])
def test_the_gzip_codec_finds_no_fault_in_its_own_member(level: int) -> None:
    codec = Gzip(level)
    assert codec.stored_problems(codec.encode(PAYLOAD, SPEC), SPEC) == []


@pytest.mark.parametrize("level", [0, 1, 9])
def test_the_zlib_codec_finds_no_fault_in_its_own_stream(level: int) -> None:
    codec = Zlib(level)
    assert codec.stored_problems(codec.encode(PAYLOAD, SPEC), SPEC) == []


@pytest.mark.req("CODEC-GZIP-001")
@pytest.mark.parametrize(
    ("what", "value"),
    [
        ("a zlib stream", zlib.compress(PAYLOAD)),
        ("raw DEFLATE", _raw_deflate(PAYLOAD)),
        ("the uncompressed bytes", PAYLOAD),
        ("nothing", b""),
        ("a gzip magic with another method", b"\x1f\x8b\x07" + gzip.compress(PAYLOAD, mtime=0)[3:]),
    ],
)
def test_a_gzip_value_that_is_no_gzip_member_breaks_codec_gzip_001(what: str, value: bytes) -> None:
    problems = Gzip(5).stored_problems(value, SPEC)
    assert _requirements(problems) == ["CODEC-GZIP-001"], what


@pytest.mark.req("CODEC-GZIP-001")
def test_a_gzip_value_of_two_members_breaks_codec_gzip_001() -> None:
    """Readers accept several members (CODEC-GZIP-002), but a writer writes one."""
    half = len(PAYLOAD) // 2
    value = gzip.compress(PAYLOAD[:half], mtime=0) + gzip.compress(PAYLOAD[half:], mtime=0)
    assert gzip.decompress(value) == PAYLOAD
    problems = Gzip(5).stored_problems(value, SPEC)
    assert _requirements(problems) == ["CODEC-GZIP-001"]
    assert "2 gzip members" in problems[0].message


@pytest.mark.req("CODEC-GZIP-003")
def test_a_gzip_member_with_a_time_stamp_breaks_the_should_of_codec_gzip_003() -> None:
    value = gzip.compress(PAYLOAD, mtime=1_700_000_000)
    problems = Gzip(5).stored_problems(value, SPEC)
    assert _requirements(problems) == []
    assert _requirements(problems, "warning") == ["CODEC-GZIP-003"]


@pytest.mark.req("CODEC-GZIP-003")
def test_a_gzip_member_with_a_file_name_breaks_the_should_of_codec_gzip_003() -> None:
    flagged = _with_file_name(gzip.compress(PAYLOAD, mtime=0))
    assert gzip.decompress(flagged) == PAYLOAD
    assert _requirements(Gzip(5).stored_problems(flagged, SPEC), "warning") == ["CODEC-GZIP-003"]


@pytest.mark.req("CODEC-ZLIB-001")
@pytest.mark.parametrize(
    ("what", "value"),
    [
        ("a gzip member", gzip.compress(PAYLOAD, mtime=0)),
        ("raw DEFLATE", _raw_deflate(PAYLOAD)),
        ("nothing", b""),
        ("a stream and trailing bytes", zlib.compress(PAYLOAD) + b"\0\0\0\0"),
        ("two streams", zlib.compress(PAYLOAD[:100]) + zlib.compress(PAYLOAD[100:])),
    ],
)
def test_a_zlib_value_that_is_not_exactly_one_stream_breaks_codec_zlib_001(what: str, value: bytes) -> None:
    assert _requirements(Zlib(5).stored_problems(value, SPEC)) == ["CODEC-ZLIB-001"], what


def test_a_damaged_stream_is_left_to_decoding() -> None:
    """A damaged member is not a framing fault: decoding rejects it (CODEC-GZIP-001), and the check
    does not report it twice."""
    member = bytearray(gzip.compress(PAYLOAD, mtime=0))
    member[12] ^= 0xFF
    assert _requirements(Gzip(5).stored_problems(bytes(member), SPEC)) == []
    assert struct.unpack_from("<I", member, 4) == (0,)


DECODABLE = [
    ("gzip", Gzip(5), Gzip(5).encode(PAYLOAD, SPEC)),
    ("gzip-two-members", Gzip(5), gzip.compress(PAYLOAD[:9], mtime=0) + gzip.compress(PAYLOAD[9:], mtime=0)),
    ("gzip-time-stamp", Gzip(5), gzip.compress(PAYLOAD, mtime=1_700_000_000)),
    ("gzip-file-name", Gzip(5), _with_file_name(gzip.compress(PAYLOAD, mtime=0))),
    ("zlib", Zlib(5), Zlib(5).encode(PAYLOAD, SPEC)),
]


@pytest.mark.req("CODEC-GZIP-001")
@pytest.mark.req("CODEC-ZLIB-001")
@pytest.mark.parametrize(("name", "codec", "value"), DECODABLE, ids=[row[0] for row in DECODABLE])
def test_decoding_and_checking_in_one_pass_is_decoding_then_checking(
    name: str, codec: Gzip | Zlib, value: bytes
) -> None:
    """``checked_decode``, which ``zn5 validate --chunks`` uses to inflate each value once, gives what
    ``decode`` and ``stored_problems`` give apart."""
    decoded, problems = codec.checked_decode(value, SPEC, len(PAYLOAD))
    assert decoded == codec.decode(value, SPEC, len(PAYLOAD)) == PAYLOAD
    assert problems == codec.stored_problems(value, SPEC)
    assert bool(problems) == (name not in ("gzip", "zlib"))

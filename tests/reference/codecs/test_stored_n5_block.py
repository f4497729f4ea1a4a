"""The stored-bytes checks of N5 blocks: a writer's block header has the default mode, the dataset's
number of dimensions and sizes that fit the grid, and a payload of exactly those elements (N5-BLOCK-003,
N5-BLOCK-004, N5-BLOCK-005, N5-BLOCK-006, N5-BLOCK-008, N5-EDGE-003).

The bad blocks are packed by hand with ``struct``; the codec's own blocks, whole and truncated, pass.
"""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from zn5.reference.codecs.base import ChunkSpec, StoredProblem
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.n5_block import N5Block

BLOCK = (4, 3)
EDGE = (2, 3)
DTYPE = np.dtype("uint16")


def _spec(valid: tuple[int, ...] = BLOCK) -> ChunkSpec:
    return ChunkSpec(BLOCK, DTYPE, b"\0\0", valid, "array/0/0")


def _block(sizes: tuple[int, ...], *, mode: int = 0, count: int | None = None, extra: int = 0) -> bytes:
    """A raw block of ``sizes`` with big-endian elements (and ``extra`` elements too many)."""
    header = struct.pack(f">HH{len(sizes)}I", mode, len(sizes), *sizes)
    if mode == 1:
        header += struct.pack(">I", int(np.prod(sizes)) if count is None else count)
    return header + np.arange(int(np.prod(sizes)) + extra, dtype=">u2").tobytes()


def _errors(problems: list[StoredProblem]) -> list[str]:
    return [problem.requirement for problem in problems if problem.level == "error"]


@pytest.mark.parametrize("valid", [BLOCK, EDGE])
@pytest.mark.parametrize("codec", [N5Block(), N5Block((Gzip(6),))], ids=["raw", "gzip"])
def test_the_codec_finds_no_fault_in_its_own_blocks(codec: N5Block, valid: tuple[int, ...]) -> None:
    spec = _spec(valid)
    chunk = np.arange(12, dtype=DTYPE).reshape(BLOCK)
    assert codec.stored_problems(codec.encode(chunk, spec), spec) == []


@pytest.mark.req("N5-BLOCK-008")
@pytest.mark.parametrize(
    ("mode", "block"), [(1, _block(BLOCK, mode=1)), (2, struct.pack(">HI", 2, 2) + b"ab")]
)
def test_a_block_in_another_mode_breaks_n5_block_008(mode: int, block: bytes) -> None:
    assert _errors(N5Block().stored_problems(block, _spec())) == ["N5-BLOCK-008"], mode


@pytest.mark.req("N5-BLOCK-003")
@pytest.mark.parametrize(
    ("fault", "block"),
    [
        ("three bytes", b"\0\0\0"),
        ("mode 3", _block(BLOCK, mode=3)),
        ("three dimensions", _block((4, 3, 1))),
        ("a header cut short", _block(BLOCK)[:8]),
    ],
)
def test_a_header_that_cannot_describe_the_block_breaks_n5_block_003(fault: str, block: bytes) -> None:
    assert _errors(N5Block().stored_problems(block, _spec())) == ["N5-BLOCK-003"], fault


@pytest.mark.req("N5-BLOCK-004")
def test_sizes_beyond_the_block_size_break_n5_block_004() -> None:
    assert _errors(N5Block().stored_problems(_block((5, 3)), _spec())) == ["N5-BLOCK-004"]


@pytest.mark.req("N5-BLOCK-005")
def test_a_varlength_count_that_is_not_the_product_breaks_n5_block_005() -> None:
    problems = N5Block().stored_problems(_block(BLOCK, mode=1, count=7), _spec())
    assert _errors(problems) == ["N5-BLOCK-008", "N5-BLOCK-005"]


@pytest.mark.req("N5-BLOCK-006")
@pytest.mark.parametrize("extra", [-1, 1])
def test_a_payload_of_the_wrong_length_breaks_n5_block_006(extra: int) -> None:
    assert _errors(N5Block().stored_problems(_block(BLOCK, extra=extra), _spec())) == ["N5-BLOCK-006"]


@pytest.mark.req("N5-BLOCK-006")
def test_a_compressed_payload_of_the_wrong_length_breaks_n5_block_006() -> None:
    header = struct.pack(">HH2I", 0, 2, *BLOCK)
    block = header + gzip.compress(np.arange(11, dtype=">u2").tobytes(), mtime=0)
    assert _errors(N5Block((Gzip(6),)).stored_problems(block, _spec())) == ["N5-BLOCK-006"]


@pytest.mark.req("N5-EDGE-003")
@pytest.mark.parametrize(("what", "sizes"), [("padded to blockSize", BLOCK), ("cut short", (1, 3))])
def test_an_edge_block_not_truncated_to_the_dataset_breaks_the_should_of_n5_edge_003(
    what: str, sizes: tuple[int, ...]
) -> None:
    problems = N5Block().stored_problems(_block(sizes), _spec(EDGE))
    assert _errors(problems) == [], what
    assert [problem.requirement for problem in problems] == ["N5-EDGE-003"], what

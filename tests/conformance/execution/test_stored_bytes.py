"""Write checks and ``zn5 validate --chunks`` read the headers of stored chunks: a writer whose bytes
contradict its metadata fails with the requirement it breaks, though the reference reads the values.

Each row writes a corpus write case with the reference, then changes the chunk bytes the way a faulty
writer would; both the runner's write check and the validator use ``Array.stored_chunk_problems``.
"""

from __future__ import annotations

import gzip
import math
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from zn5.conformance.adapters.reference import create_arguments
from zn5.conformance.execution.scoring import verify_write
from zn5.conformance.suite.canonical import decode_values, read_array_document
from zn5.conformance.suite.case import Case, Corpus
from zn5.conformance.validation.walk import Validation
from zn5.reference import create_array
from zn5.reference.codecs.base import BytesBytesCodec
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.store.local import LocalStore

Tamper = Callable[[bytes], bytes]
STORE = "store"


def _case(case_id: str) -> Case:
    return next(case for case in Corpus.load().cases if case.id == case_id)


def _write(case: Case, output: Path) -> Path:
    """The store the reference writes for ``case``, under ``output``."""
    target = case.operation["target"]
    document, raw = read_array_document(case.folder / case.input["array"])
    store = output / STORE
    arguments = create_arguments(target["metadata"], target["format"])
    create_array(store, path=target["node"], **arguments)[...] = decode_values(document, raw)
    return store


def _blosc_flags(data: bytes, flags: int) -> bytes:
    return data[:2] + bytes([(data[2] & ~0x5) | flags]) + data[3:]


def _blosc_typesize(data: bytes, typesize: int) -> bytes:
    return data[:3] + bytes([typesize]) + data[4:]


def _gzip_as_zlib(data: bytes) -> bytes:
    return zlib.compress(gzip.decompress(data))


def _gzip_in_two_members(data: bytes) -> bytes:
    """The same content as two gzip members: readers take it (CODEC-GZIP-002), a writer writes one."""
    content = gzip.decompress(data)
    half = len(content) // 2
    return gzip.compress(content[:half], mtime=0) + gzip.compress(content[half:], mtime=0)


def _zlib_as_gzip(data: bytes) -> bytes:
    return gzip.compress(zlib.decompress(data), mtime=0)


def _n5_varlength(data: bytes) -> bytes:
    """The same block in mode 1 (varlength), with its element count: readable, but no writer's choice."""
    (ndim,) = struct.unpack_from(">H", data, 2)
    sizes = struct.unpack_from(f">{ndim}I", data, 4)
    count = math.prod(sizes)
    return struct.pack(f">HH{ndim}II", 1, ndim, *sizes, count) + data[4 + 4 * ndim :]


def _shard_index_first(data: bytes) -> bytes:
    """A shard with its index moved to the start, while the metadata says the end: the bytes read as the
    index then fail its crc32c."""
    index_size = 4 * 2 * 8 + 4  # 4 inner chunks, each (offset, length) of 8 bytes, then the crc32c
    return data[-index_size:] + data[:-index_size]


CONTRADICTIONS: list[tuple[str, str, Tamper, str]] = [
    (
        "blosc flags without shuffle",
        "zarr3/write/uint16-blosc",
        lambda d: _blosc_flags(d, 0x0),
        "CODEC-BLOSC-004",
    ),
    (
        "blosc byte shuffle for bitshuffle",
        "zarr3/write/uint16-blosc",
        lambda d: _blosc_flags(d, 0x1),
        "CODEC-BLOSC-004",
    ),
    (
        "blosc type size 4 for uint16",
        "zarr3/write/uint16-blosc",
        lambda d: _blosc_typesize(d, 4),
        "CODEC-BLOSC-004",
    ),
    ("zlib framing under gzip", "zarr3/write/float32-gzip", _gzip_as_zlib, "CODEC-GZIP-001"),
    ("gzip in two members", "zarr3/write/float32-gzip", _gzip_in_two_members, "CODEC-GZIP-001"),
    ("N5 block in varlength mode", "n5/write/float32-gzip", _n5_varlength, "N5-BLOCK-008"),
    (
        "shard index at the start, metadata says end",
        "zarr3/write/int32-sharded",
        _shard_index_first,
        "CODEC-CRC32C-002",
    ),
]


def _tamper_chunks(store: Path, tamper: Tamper) -> None:
    chunks = [
        path
        for path in store.rglob("*")
        if path.is_file() and not path.name.startswith((".", "zarr.json", "attributes.json"))
    ]
    assert chunks
    for path in chunks:
        path.write_bytes(tamper(path.read_bytes()))


def _validation_requirements(store: Path) -> set[str]:
    validation = Validation(LocalStore(store, writable=False), chunks=True)
    return {problem.requirement for problem in validation.problems() if problem.level == "error"}


@pytest.mark.parametrize("case_id", sorted({row[1] for row in CONTRADICTIONS}))
def test_an_honest_write_verifies_and_validates(case_id: str, tmp_path: Path) -> None:
    case = _case(case_id)
    store = _write(case, tmp_path)
    assert verify_write(case, STORE, tmp_path).outcome == "pass"
    assert _validation_requirements(store) == set()


@pytest.mark.req("CODEC-BLOSC-004")
@pytest.mark.req("N5-BLOCK-008")
@pytest.mark.parametrize(
    ("fault", "case_id", "tamper", "requirement"), CONTRADICTIONS, ids=[r[0] for r in CONTRADICTIONS]
)
def test_bytes_that_contradict_the_metadata_fail_with_the_requirement(
    fault: str, case_id: str, tamper: Tamper, requirement: str, tmp_path: Path
) -> None:
    case = _case(case_id)
    store = _write(case, tmp_path)
    _tamper_chunks(store, tamper)
    verdict = verify_write(case, STORE, tmp_path)
    assert verdict.outcome == "fail", fault
    assert requirement in verdict.message + verdict.detail
    assert requirement in _validation_requirements(store)


FRAMINGS: list[tuple[BytesBytesCodec, Tamper, str]] = [
    (Gzip(5), _gzip_as_zlib, "CODEC-GZIP-001"),
    (Zlib(5), _zlib_as_gzip, "CODEC-ZLIB-001"),
]


@pytest.mark.parametrize(("codec", "tamper", "requirement"), FRAMINGS, ids=[row[0].name for row in FRAMINGS])
def test_the_validator_names_the_framing_a_chunk_lacks(
    codec: BytesBytesCodec, tamper: Tamper, requirement: str, tmp_path: Path
) -> None:
    store = tmp_path / STORE
    array = create_array(store, format="zarr2", shape=(4,), dtype="int32", chunks=(4,), compressor=codec)
    array[...] = np.arange(4, dtype="int32")
    _tamper_chunks(store, tamper)
    assert requirement in _validation_requirements(store)


def test_the_committed_zarrita_js_blosc_store_contradicts_its_metadata() -> None:
    """zarrita.js 0.7.5 writes noshuffle and type size 4 under metadata saying bitshuffle, type size 2."""
    store = Path(__file__).parents[3] / "conformance/gold/zarrita.js-0.7.5/zarr3--uint16-blosc/store"
    validation = Validation(LocalStore(store, writable=False), chunks=True)
    messages = [str(problem) for problem in validation.problems() if problem.requirement == "CODEC-BLOSC-004"]
    assert any("records noshuffle, the configuration says bitshuffle" in message for message in messages)
    assert any("type size 4, the configuration means 2" in message for message in messages)


@pytest.mark.req("ZARR2-NODE-001")
@pytest.mark.parametrize("ancestor", ["", "a", "a/b/c"])
def test_a_zarr2_write_without_an_ancestor_group_fails(ancestor: str, tmp_path: Path) -> None:
    case = _case("zarr2/write/int32-group-chain")
    store = _write(case, tmp_path)
    assert verify_write(case, STORE, tmp_path).outcome == "pass"
    store.joinpath(*ancestor.split("/"), ".zgroup").unlink()
    verdict = verify_write(case, STORE, tmp_path)
    assert verdict.outcome == "fail"
    assert "ZARR2-NODE-001" in verdict.message
    assert f"/{ancestor}" in verdict.message


def test_only_a_case_citing_zarr2_node_001_checks_the_ancestors(tmp_path: Path) -> None:
    """Writers that store arrays alone (CORE-DEVIATION-005) fail the cases of ZARR2-NODE-001, not all."""
    case = _case("zarr2/write/int16-edge-chunks")
    store = _write(case, tmp_path)
    (store / ".zgroup").unlink()
    assert verify_write(case, STORE, tmp_path).outcome == "pass"

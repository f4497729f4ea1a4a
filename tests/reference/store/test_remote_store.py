"""The remote store against real servers: moto's S3 server and a static HTTP server that cannot list."""

from __future__ import annotations

import multiprocessing
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import zn5.reference as zn5
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.errors import StoreError
from zn5.reference.store.remote import RemoteStore
from zn5.reference.testing.servers import GcsServer, S3Server
from zn5.reference.testing.static_http import StaticServer


def _write_local(root: Path, **options: Any) -> np.ndarray[Any, Any]:
    """A small Zarr v3 array at ``root/a``, 4 × 4 chunks of 8 × 8; its data."""
    data = np.arange(32 * 32, dtype="int32").reshape(32, 32)
    array = zn5.create_array(
        root, path="a", format="zarr3", shape=(32, 32), dtype="int32", chunks=(8, 8), **options
    )
    array[:] = data
    return data


@pytest.mark.req("STORE-REMOTE-001")
def test_an_array_round_trips_through_s3(s3_server: S3Server, s3_bucket: str) -> None:
    url = f"{s3_bucket}/store.zarr"
    data = np.arange(100, dtype="float64").reshape(10, 10)
    array = zn5.create_array(
        url,
        format="zarr3",
        shape=(10, 10),
        dtype="float64",
        chunks=(4, 4),
        storage_options=s3_server.options(),
    )
    array[:] = data
    again = zn5.open(url, storage_options=s3_server.options())
    assert isinstance(again, zn5.Array)
    np.testing.assert_array_equal(again[:], data)
    store = RemoteStore(url, storage_options=s3_server.options())
    assert sorted(store.list_prefix("")) == sorted(
        ["zarr.json", *(f"c/{i}/{j}" for i in range(3) for j in range(3))]
    )


def _write_rows(url: str, options: dict[str, Any], rows: range) -> None:
    """One writer process: the chunk rows ``rows`` (whole chunks, disjoint from the other writers')."""
    array = zn5.open_array(url, "r+", storage_options=options)
    for row in rows:
        array[row * 4 : (row + 1) * 4, :] = _parallel_values()[row * 4 : (row + 1) * 4, :]


def _parallel_values() -> np.ndarray[Any, np.dtype[np.int32]]:
    return np.arange(32 * 30, dtype="int32").reshape(32, 30) * 7


@pytest.mark.req("STORE-REMOTE-001")
@pytest.mark.parametrize("format_name", ["zarr2", "zarr3", "n5"])
def test_processes_writing_disjoint_chunks_to_s3_give_the_exact_array(
    s3_server: S3Server, s3_bucket: str, format_name: str
) -> None:
    """Four processes write two rows of chunks each into one S3 store, as a parallel writer would."""
    url = f"{s3_bucket}/parallel-{format_name}"
    options = s3_server.options()
    zn5.create_array(
        url, format=format_name, shape=(32, 30), dtype="int32", chunks=(4, 6), storage_options=options
    )
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        pool.starmap(_write_rows, [(url, options, range(k * 2, k * 2 + 2)) for k in range(4)])
    np.testing.assert_array_equal(zn5.open_array(url, storage_options=options)[:], _parallel_values())


@pytest.mark.req("STORE-REMOTE-004")
def test_a_missing_s3_object_is_the_fill_value(s3_server: S3Server, s3_bucket: str) -> None:
    url = f"{s3_bucket}/sparse.zarr"
    array = zn5.create_array(
        url,
        format="zarr2",
        shape=(8,),
        dtype="uint8",
        chunks=(4,),
        fill_value=7,
        storage_options=s3_server.options(),
    )
    array[:4] = 1
    np.testing.assert_array_equal(
        zn5.open_array(url, storage_options=s3_server.options())[:], [1] * 4 + [7] * 4
    )
    assert RemoteStore(url, storage_options=s3_server.options()).get("0/0") is None


@pytest.mark.req("STORE-API-002")
def test_s3_ranges_follow_the_store_contract(s3_server: S3Server, s3_bucket: str) -> None:
    store = RemoteStore(f"{s3_bucket}/ranges", storage_options=s3_server.options(), writable=True)
    store.set("k", b"0123456789")
    assert store.get_range("k", 2, 3) == b"234"
    assert store.get_range("k", -4, None) == b"6789"
    assert store.get_range("k", -20, None) == b"0123456789"
    assert store.get_range("k", 8, 10) == b"89"
    assert store.get_range("k", 10, 2) == b""
    assert store.get_range("absent", 0, 2) is None
    store.delete("k")
    assert store.get("k") is None


@pytest.mark.req("STORE-REMOTE-001")
def test_an_http_store_reads_without_listing(http_store_server: StaticServer) -> None:
    data = _write_local(http_store_server.root)
    array = zn5.open_array(http_store_server.url, path="a")
    np.testing.assert_array_equal(array[:], data)
    store = RemoteStore(http_store_server.url)
    with pytest.raises(StoreError) as raised:
        list(store.list_prefix(""))
    assert raised.value.requirement == "STORE-REMOTE-001"
    with pytest.raises(StoreError) as refused:
        RemoteStore(http_store_server.url, writable=True)
    assert refused.value.requirement == "STORE-API-004"


@pytest.mark.req("STORE-API-002")
def test_http_ranges_follow_the_store_contract(http_store_server: StaticServer) -> None:
    (http_store_server.root / "k").write_bytes(b"0123456789")
    store = RemoteStore(http_store_server.url)
    assert store.get_range("k", 2, 3) == b"234"
    assert store.get_range("k", -4, None) == b"6789"
    assert store.get_range("k", -4, 2) == b"67"
    assert store.get_range("k", 10, 2) == b""
    assert store.get_range("absent", 0, 2) is None
    assert store.contains("k") and not store.contains("absent")


def test_the_static_server_reads_a_range_unit_in_any_case(http_store_server: StaticServer) -> None:
    """RFC 9110 section 14.1: range unit names are case-insensitive (zarr-java's HttpStore sends "Bytes=")."""
    (http_store_server.root / "k").write_bytes(b"0123456789")
    spellings = (("Bytes", "-4", b"6789"), ("BYTES", "2-4", b"234"), ("bytes", "8-", b"89"))
    for unit, wanted, expected in spellings:
        request = urllib.request.Request(f"{http_store_server.url}/k", headers={"Range": f"{unit}={wanted}"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert (answer.status, answer.read()) == (206, expected)


SHARD_INDEXES = [
    # index codecs, location, the shard's size, the index bytes fetched for one inner chunk: the whole
    # checksummed index, or the chunk's own 16-byte entry of an index without checksum (CODEC-SHARDING-007)
    ((BytesCodec("little"), Crc32c()), "end", 525_316, 64 * 16 + 4),
    ((BytesCodec("little"),), "start", 525_312, 16),
]


@pytest.mark.req("STORE-REMOTE-003")
@pytest.mark.req("CODEC-SHARDING-007")
@pytest.mark.parametrize(("index_codecs", "location", "shard_size", "index_bytes"), SHARD_INDEXES)
def test_one_inner_chunk_of_a_shard_costs_its_bytes_and_the_index(
    http_store_server: StaticServer,
    index_codecs: tuple[Codec, ...],
    location: Any,
    shard_size: int,
    index_bytes: int,
) -> None:
    """A 256 × 256 float64 shard of 64 inner chunks (525,316 bytes): reading one inner chunk fetches the
    index (or its entry) and that chunk by byte range, 1,028 (or 16) + 8,192 bytes, not the shard."""
    sharding = Sharding((32, 32), (BytesCodec("little"),), index_codecs, location)
    array = zn5.create_array(
        http_store_server.root,
        format="zarr3",
        shape=(256, 256),
        dtype="float64",
        chunks=(256, 256),
        codecs=[sharding],
    )
    array[:] = np.random.default_rng(1).random((256, 256))
    shard = http_store_server.root / "c" / "0" / "0"
    metadata = (http_store_server.root / "zarr.json").stat().st_size
    remote = zn5.open(http_store_server.url)
    assert isinstance(remote, zn5.Array)
    http_store_server.log.reset()
    np.testing.assert_array_equal(remote[40:50, 70:80], array[40:50, 70:80])
    ranges = [wanted for _method, path, wanted in http_store_server.log.requests if path == "/c/0/0"]
    assert http_store_server.log.body_bytes == index_bytes + 32 * 32 * 8
    assert shard.stat().st_size == shard_size and metadata > 0
    assert ranges and all(wanted.startswith("bytes=") for wanted in ranges)


@pytest.mark.req("STORE-REMOTE-006")
def test_chunk_requests_overlap(http_store_server: StaticServer) -> None:
    """16 chunks behind a server that waits before each answer: the server sees them all at once."""
    data = np.arange(64, dtype="uint16").reshape(8, 8)
    zn5.create_array(http_store_server.root, format="zarr3", shape=(8, 8), dtype="uint16", chunks=(2, 2))[
        :
    ] = data
    remote = zn5.open(http_store_server.url)
    assert isinstance(remote, zn5.Array)
    http_store_server.delay = 0.2
    http_store_server.log.reset()
    np.testing.assert_array_equal(remote[:], data)
    assert len(http_store_server.log.requests) == 16
    assert http_store_server.log.max_in_flight >= 8


@pytest.mark.req("STORE-REMOTE-004")
@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_chunk_is_an_error_not_the_fill_value(http_store_server: StaticServer, status: int) -> None:
    _write_local(http_store_server.root)
    http_store_server.statuses["a/c/1/2"] = status
    array = zn5.open_array(http_store_server.url, path="a")
    with pytest.raises(StoreError) as raised:
        array[:]
    assert raised.value.requirement == "STORE-REMOTE-004"
    assert raised.value.key == "a/c/1/2" and f"HTTP {status}" in str(raised.value)
    refused = [path for _m, path, _r in http_store_server.log.requests if path == "/a/c/1/2"]
    assert len(refused) == 1  # a refusal is not tried again


@pytest.mark.req("STORE-REMOTE-005")
def test_a_failing_chunk_is_tried_again_then_an_error(http_store_server: StaticServer) -> None:
    _write_local(http_store_server.root)
    http_store_server.statuses["a/c/0/0"] = 500
    array = zn5.open_array(http_store_server.url, path="a")
    with pytest.raises(StoreError) as raised:
        array[0, 0]
    assert raised.value.requirement == "STORE-REMOTE-004" and "after 4 attempts" in str(raised.value)
    tries = [path for _m, path, _r in http_store_server.log.requests if path == "/a/c/0/0"]
    assert len(tries) == 4  # the first request and RETRIES (3) more
    del http_store_server.statuses["a/c/0/0"]
    assert array[0, 0] == 0


@pytest.mark.req("STORE-REMOTE-005")
def test_a_read_that_hangs_times_out(http_store_server: StaticServer) -> None:
    import aiohttp

    (http_store_server.root / "slow").write_bytes(b"x")
    http_store_server.delay = 1.0
    options = {"client_kwargs": {"timeout": aiohttp.ClientTimeout(total=0.2)}}
    store = RemoteStore(http_store_server.url, storage_options=options, retries=1)
    started = time.monotonic()
    with pytest.raises(StoreError) as raised:
        store.get("slow")
    assert raised.value.requirement == "STORE-REMOTE-004" and "TimeoutError" in str(raised.value)
    assert time.monotonic() - started < 1.0 * 2  # each try stopped at its time-out, not the server's delay


@pytest.mark.req("STORE-REMOTE-005")
@pytest.mark.parametrize("ranged", [False, True])
def test_a_cut_short_answer_is_tried_again_then_an_error(
    http_store_server: StaticServer, ranged: bool
) -> None:
    """A server that drops the connection half-way through a value (or a range of it) gives an error
    naming the key after the bounded retries, never short bytes."""
    (http_store_server.root / "big").write_bytes(bytes(range(256)) * 64)
    http_store_server.truncated.add("big")
    store = RemoteStore(http_store_server.url, retries=2)
    started = time.monotonic()
    with pytest.raises(StoreError) as raised:
        store.get_range("big", 100, 8000) if ranged else store.get("big")
    assert raised.value.key == "big" and raised.value.requirement == "STORE-REMOTE-004"
    tries = [path for _m, path, _r in http_store_server.log.requests if path == "/big"]
    assert 1 < len(tries) <= 3  # the first request and at most two more
    assert time.monotonic() - started < 30
    http_store_server.truncated.clear()
    assert store.get_range("big", 100, 8) == (bytes(range(256)) * 64)[100:108]


@pytest.mark.req("STORE-REMOTE-001")
def test_a_zip_over_http_and_a_file_url(http_store_server: StaticServer, tmp_path: Path) -> None:
    data = _write_local(tmp_path / "local.zarr")
    with zipfile.ZipFile(http_store_server.root / "store.zip", "w") as archive:
        for file in sorted((tmp_path / "local.zarr").rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(tmp_path / "local.zarr").as_posix())
    np.testing.assert_array_equal(zn5.open_array(f"{http_store_server.url}/store.zip", path="a")[:], data)
    np.testing.assert_array_equal(zn5.open_array(f"file://{tmp_path / 'local.zarr'}", path="a")[:], data)
    with pytest.raises(StoreError) as raised:
        zn5.open("ftp://example.invalid/x")
    assert raised.value.requirement == "STORE-REMOTE-001"


@pytest.mark.req("STORE-REMOTE-001")
def test_an_array_round_trips_through_a_gcs_emulator(gcs_server: GcsServer) -> None:
    """gcsfs against gcp-storage-emulator (not Google's service: its fidelity is the emulator's)."""
    import gcsfs

    gcsfs.GCSFileSystem(**gcs_server.options(), skip_instance_cache=True).mkdir("zn5-test")
    url, options = "gs://zn5-test/store.zarr", gcs_server.options()
    data = np.arange(30, dtype="int16").reshape(5, 6)
    zn5.create_array(
        url, format="zarr2", shape=(5, 6), dtype="int16", chunks=(2, 4), storage_options=options
    )[:] = data
    np.testing.assert_array_equal(zn5.open_array(url, storage_options=options)[:], data)
    store = RemoteStore(url, storage_options=options)
    assert sorted(store.list_prefix("")) == [".zarray", *(f"{i}.{j}" for i in range(3) for j in range(2))]
    assert store.get_range(".zarray", -2, None) == (store.get(".zarray") or b"")[-2:]
    assert store.get("absent") is None


def _s3_requests(store: RemoteStore) -> list[tuple[str, str]]:
    """The S3 operations ``store``'s client sends from now on, with their keys, as botocore builds them."""
    sent: list[tuple[str, str]] = []
    store.fs.connect()

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        sent.append((model.name, params.get("Key", "")))

    store.fs.s3.meta.events.register("before-parameter-build.s3", record)
    return sent


@pytest.mark.req("STORE-REMOTE-003")
def test_an_s3_chunk_costs_one_get(s3_server: S3Server, s3_bucket: str) -> None:
    """Without a listing cached, a chunk is one GetObject: no HeadObject for its size first (s3fs asks
    for it to split a large object into concurrent ranges)."""
    url = f"{s3_bucket}/one.zarr"
    options = s3_server.options()
    zn5.create_array(
        url, format="zarr3", shape=(6, 6), dtype="uint8", chunks=(2, 2), storage_options=options
    )[:] = 5
    store = RemoteStore(url, storage_options={**options, "skip_instance_cache": True})
    sent = _s3_requests(store)
    np.testing.assert_array_equal(zn5.open_array(store)[:], np.full((6, 6), 5, "uint8"))
    chunks = sorted(key for _, key in sent if "/c/" in key)
    assert chunks == sorted(f"one.zarr/c/{i}/{j}" for i in range(3) for j in range(3))
    assert {operation for operation, key in sent if "/c/" in key} == {"GetObject"}


@pytest.mark.req("STORE-REMOTE-003")
@pytest.mark.req("STORE-REMOTE-004")
def test_many_keys_are_fetched_at_once_and_read_as_get_reads_them(http_store_server: StaticServer) -> None:
    for index in range(20):
        (http_store_server.root / str(index)).write_bytes(bytes([index]) * 3)
    store = RemoteStore(http_store_server.url)
    http_store_server.delay = 0.2
    assert store.get_many([*map(str, range(20)), "absent"]) == [bytes([i]) * 3 for i in range(20)] + [None]
    assert http_store_server.log.max_in_flight == store.concurrency
    assert sorted(path for _m, path, _r in http_store_server.log.requests) == sorted(
        f"/{key}" for key in [*map(str, range(20)), "absent"]
    )
    http_store_server.delay = 0
    http_store_server.log.reset()
    http_store_server.statuses["7"] = 403
    with pytest.raises(StoreError) as raised:
        store.get_many(["6", "7"])
    assert (raised.value.key, raised.value.requirement) == ("7", "STORE-REMOTE-004")
    assert [path for _m, path, _r in http_store_server.log.requests].count("/7") == 1  # not tried again
    http_store_server.statuses["8"] = 500
    with pytest.raises(StoreError) as failed:
        store.get_many(["8"])
    assert "after 4 attempts" in str(failed.value)
    assert [path for _m, path, _r in http_store_server.log.requests].count("/8") == 5  # the batch's, get's 4

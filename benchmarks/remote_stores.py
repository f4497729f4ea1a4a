"""fsspec against obstore, and zn5's remote reads, over a local moto S3 server and a local HTTP server.

Run: ``.venv/bin/python benchmarks/remote_stores.py`` after ``pip install -c constraints.txt -e '.[test]'
obstore`` (obstore is in no extra: it is measured, not used). Both libraries fetch the same objects from
the same servers in one run, so the ratios compare like with like; absolute times depend on the machine.

Measured:
- whole objects: 64 objects of 64 KiB, all requested at once (fsspec ``cat``, obstore ``get_async``);
- ranges: 64 ranges of 8 KiB of one 512 KiB object, one request each (fsspec ``cat_ranges``, obstore
  ``get_range_async``; obstore's ``get_ranges`` would merge these adjacent ranges into one request);
- latency hiding: zn5 reading 16 chunks from an HTTP server that waits 0.3 s before each answer;
- ``zn5 validate --chunks`` on a Zarr v2 store with root ``.zmetadata``, from local disk, from the S3
  server (listed) and from the HTTP server (listed through ``.zmetadata``), in chunks per second and as a
  ratio to local disk, for two chunk sizes: 1 600 gzip chunks of 100 bytes, where each request's cost
  is all there is, and 64 chunks of 1 MB, the size recommended for object stores, where decoding is;
- the servers' floor: the same chunk objects fetched by the validating store's own fsspec client,
  16 at a time, with nothing of zn5 in between, in GETs per second; validation can go no faster than one
  GET per chunk at this rate (moto and the HTTP server run in this process, in threads, and share its
  GIL with the client);
- one inner chunk of a shard read over HTTP: body bytes fetched against the shard's size and against
  the inner chunk plus its index entry, for the recommended index (``bytes`` and ``crc32c`` at the
  end: the index is read whole, the only way to verify its checksum) and for an index of ``bytes``
  alone at the start (only the entry is read), each followed by the chunk's own range.

Ratios are fsspec time / obstore time (above 1: obstore is faster). The best of five runs counts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np

import zn5.reference as zn5
from zn5.conformance.validation.walk import Validation
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.store.base import Store
from zn5.reference.store.local import LocalStore
from zn5.reference.store.remote import CONCURRENCY, RemoteStore
from zn5.reference.testing.servers import S3Server, moto_server
from zn5.reference.testing.static_http import static_server

OBJECTS = 64
OBJECT_SIZE = 64 * 1024
RANGES = 64
RANGE_SIZE = 8 * 1024
REPEATS = 5
BUCKET = "bench"
VALIDATE_LAYOUTS = {"100 B": ((200, 200), (5, 5)), "1 MB": ((4096, 4096), (512, 512))}
"""The validated array's shape and chunk shape (float32): 1 600 chunks of 100 bytes, 64 of 1 MB."""


def best(function: Callable[[], Any], repeats: int = REPEATS) -> float:
    """The shortest of ``repeats`` runs, in seconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def write_objects(put: Callable[[str, bytes], None]) -> None:
    """The whole objects and the one big object the ranges come from."""
    payload = np.random.default_rng(0).bytes(OBJECT_SIZE)
    for index in range(OBJECTS):
        put(f"o/{index}", payload)
    put("big", np.random.default_rng(1).bytes(RANGES * RANGE_SIZE))


def fsspec_timings(fs: Any, base: str) -> tuple[float, float]:
    paths = [f"{base}/o/{index}" for index in range(OBJECTS)]
    starts = [index * RANGE_SIZE for index in range(RANGES)]
    ends = [start + RANGE_SIZE for start in starts]
    whole = best(lambda: fs.cat(paths))
    ranged = best(lambda: fs.cat_ranges([f"{base}/big"] * RANGES, starts, ends))
    return whole, ranged


def obstore_timings(store: Any) -> tuple[float, float]:
    import obstore

    async def one(path: str) -> bytes:
        result = await obstore.get_async(store, path)
        return bytes(await result.bytes_async())

    async def all_objects() -> None:
        await asyncio.gather(*(one(f"o/{index}") for index in range(OBJECTS)))

    starts = [index * RANGE_SIZE for index in range(RANGES)]
    ends = [start + RANGE_SIZE for start in starts]

    async def all_ranges() -> None:
        pairs = zip(starts, ends, strict=True)
        await asyncio.gather(*(obstore.get_range_async(store, "big", start=a, end=z) for a, z in pairs))

    whole = best(lambda: asyncio.run(all_objects()))
    ranged = best(lambda: asyncio.run(all_ranges()))
    return whole, ranged


def s3(server: S3Server) -> tuple[tuple[float, float], tuple[float, float]]:
    import s3fs
    from obstore.store import S3Store

    fs = s3fs.S3FileSystem(**server.options(), skip_instance_cache=True)
    fs.mkdir(BUCKET)
    write_objects(lambda key, value: fs.pipe_file(f"{BUCKET}/{key}", value))
    store = S3Store(
        BUCKET,
        endpoint=server.endpoint,
        access_key_id="testing",
        secret_access_key="testing",
        region="us-east-1",
        client_options={"allow_http": True},
    )
    return fsspec_timings(fs, BUCKET), obstore_timings(store)


def http(root: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    import fsspec
    from obstore.store import HTTPStore

    write_objects(lambda key, value: _write(root / key, value))
    with static_server(root) as server:
        fs = fsspec.filesystem("http")
        store = HTTPStore.from_url(server.url, client_options={"allow_http": True})
        return fsspec_timings(fs, server.url), obstore_timings(store)


def _write(path: Path, value: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(value)


def latency(root: Path) -> tuple[float, int]:
    """zn5 reading 16 chunks, each answered after 0.3 s: seconds, and the most requests in flight."""
    zn5.create_array(root, format="zarr3", shape=(8, 8), dtype="uint16", chunks=(2, 2))[:] = 1
    with static_server(root) as server:
        array = zn5.open_array(server.url)
        server.delay = 0.3
        server.log.reset()
        started = time.perf_counter()
        array[:]
        return time.perf_counter() - started, server.log.max_in_flight


def consolidated_store(root: Path, shape: tuple[int, int], chunks: tuple[int, int]) -> Path:
    """A Zarr v2 group with one float32 array of gzip chunks, and the root's ``.zmetadata``."""
    zn5.create_group(root, format="zarr2")
    array = zn5.create_array(
        root, path="a", format="zarr2", shape=shape, dtype="<f4", chunks=chunks, compressor=Gzip(1)
    )
    array[...] = np.random.default_rng(2).standard_normal(shape).astype("<f4")
    documents = {name: json.loads((root / name).read_text()) for name in (".zgroup", "a/.zarray")}
    (root / ".zmetadata").write_text(json.dumps({"metadata": documents, "zarr_consolidated_format": 1}))
    return root


def chunks_per_second(store: Store, count: int) -> float:
    """The best of three ``zn5 validate --chunks`` runs on ``store`` of ``count`` chunks, in decoded
    chunks per second."""

    def run() -> None:
        validation = Validation(store, chunks=True)
        problems = list(validation.problems())
        assert not problems and validation.counts.decoded == count, problems[:3]

    return count / best(run, 3)


def gets_per_second(store: RemoteStore, keys: list[str]) -> float:
    """The best of three fetches of ``keys`` by ``store``'s fsspec client alone, CONCURRENCY at a time."""
    base = store.url if store.scheme in ("http", "https") else store.root
    paths = [f"{base}/{key}" for key in keys]
    return len(keys) / best(lambda: store.fs.cat_ranges(paths, None, None, batch_size=CONCURRENCY), 3)


def validate_rates(
    root: Path, s3_server: S3Server, shape: tuple[int, int], chunk_shape: tuple[int, int]
) -> tuple[dict[str, float], dict[str, float]]:
    """Chunks per second of ``zn5 validate --chunks`` on one store from disk, S3 and HTTP; GETs per
    second of the chunk objects from S3 and HTTP."""
    local = consolidated_store(root / "v.zarr", shape, chunk_shape)
    count = (shape[0] // chunk_shape[0]) * (shape[1] // chunk_shape[1])
    s3_url = f"s3://{BUCKET}/{root.name}/v.zarr"
    s3_store = RemoteStore(s3_url, storage_options=s3_server.options(), writable=True)
    keys = sorted(path.relative_to(local).as_posix() for path in local.rglob("*") if path.is_file())
    for key in keys:
        s3_store.set(key, (local / key).read_bytes())
    chunks = [key for key in keys if not key.rpartition("/")[2].startswith(".")]
    rates = {"local": chunks_per_second(LocalStore(local), count), "s3": chunks_per_second(s3_store, count)}
    floors = {"s3": gets_per_second(s3_store, chunks)}
    with static_server(root) as server:
        http_store = RemoteStore(f"{server.url}/v.zarr")
        rates["http"] = chunks_per_second(http_store, count)
        floors["http"] = gets_per_second(http_store, chunks)
    return rates, floors


INDEX_LAYOUTS: dict[str, tuple[tuple[Codec, ...], Literal["start", "end"]]] = {
    "bytes+crc32c at the end": ((BytesCodec("little"), Crc32c()), "end"),
    "bytes at the start": ((BytesCodec("little"),), "start"),
}


def inner_chunk_read(root: Path, layout: str) -> tuple[int, int, int]:
    """Bytes fetched to read one inner chunk of a remote shard, the shard's size, and the inner chunk's
    size plus its index entry (16 bytes)."""
    index_codecs, location = INDEX_LAYOUTS[layout]
    sharding = Sharding((16, 16), (BytesCodec("little"),), index_codecs, location)
    array = zn5.create_array(
        root, format="zarr3", shape=(256, 256), dtype="<u4", chunks=(256, 256), codecs=(sharding,)
    )
    array[...] = np.arange(256 * 256, dtype="<u4").reshape(256, 256)
    shard = (root / "c" / "0" / "0").stat().st_size
    with static_server(root) as server:
        remote = zn5.open_array(server.url)
        server.log.reset()
        remote[16:32, 16:32]
        return server.log.body_bytes, shard, 16 * 16 * 4 + 16


def print_rates(size: str, rates: dict[str, float], floors: dict[str, float]) -> None:
    for name, rate in rates.items():
        ratio = rates["local"] / rate
        print(f"validate --chunks {size:>5} chunks {name:5} {rate:8.0f} chunks/s; local/{name} {ratio:6.2f}")
    for name, floor in floors.items():
        share = rates[name] / floor
        print(f"server floor {size:>5} chunks {name:5} {floor:8.0f} GETs/s; validate at {share:.2f} of it")


def report(name: str, fsspec_times: tuple[float, float], obstore_times: tuple[float, float]) -> None:
    for label, mine, theirs in zip(("whole", "ranges"), fsspec_times, obstore_times, strict=True):
        print(
            f"{name:5} {label:7} fsspec {mine * 1000:8.1f} ms  obstore {theirs * 1000:8.1f} ms  "
            f"ratio fsspec/obstore {mine / theirs:5.2f}"
        )


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "http").mkdir()
        (root / "slow").mkdir()
        report("http", *http(root / "http"))
        with moto_server() as server:
            report("s3", *s3(server))
            for size, (shape, chunk_shape) in VALIDATE_LAYOUTS.items():
                (root / size).mkdir()
                print_rates(size, *validate_rates(root / size, server, shape, chunk_shape))
        for layout in INDEX_LAYOUTS:
            fetched, shard, needed = inner_chunk_read(root / layout.replace(" ", "-"), layout)
            print(
                f"one inner chunk of a {shard}-byte shard, index {layout}, over HTTP: {fetched} bytes "
                f"({fetched / shard:.3f} of the shard, {fetched / needed:.2f}x the chunk and its entry)"
            )
        seconds, in_flight = latency(root / "slow")
        print(
            f"latency: 16 chunks at 0.3 s each read in {seconds:.2f} s (serially {16 * 0.3:.1f} s); "
            f"at most {in_flight} requests in flight"
        )


if __name__ == "__main__":
    main()

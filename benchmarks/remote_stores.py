"""fsspec against obstore, and zn5's remote reads, over a local moto S3 server and a local HTTP server.

Run: ``.venv/bin/python benchmarks/remote_stores.py`` after ``pip install -c constraints.txt -e '.[test]'
obstore`` (obstore is in no extra: it is measured, not used). Both libraries fetch the same objects from
the same servers in one run, so the ratios compare like with like; absolute times depend on the machine.

Measured:
- whole objects: 64 objects of 64 KiB, all requested at once (fsspec ``cat``, obstore ``get_async``);
- ranges: 64 ranges of 8 KiB of one 512 KiB object, one request each (fsspec ``cat_ranges``, obstore
  ``get_range_async``; obstore's ``get_ranges`` would merge these adjacent ranges into one request);
- latency hiding: zn5 reading 16 chunks from an HTTP server that waits 0.3 s before each answer.

Ratios are fsspec time / obstore time (above 1: obstore is faster). The best of five runs counts.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import zn5.reference as zn5
from zn5.reference.testing.servers import S3Server, moto_server, static_server

OBJECTS = 64
OBJECT_SIZE = 64 * 1024
RANGES = 64
RANGE_SIZE = 8 * 1024
REPEATS = 5
BUCKET = "bench"


def best(function: Callable[[], Any]) -> float:
    """The shortest of REPEATS runs, in seconds."""
    times = []
    for _ in range(REPEATS):
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
        seconds, in_flight = latency(root / "slow")
        print(
            f"latency: 16 chunks at 0.3 s each read in {seconds:.2f} s (serially {16 * 0.3:.1f} s); "
            f"at most {in_flight} requests in flight"
        )


if __name__ == "__main__":
    main()

"""Memory and speed at 10 000, 40 000 (and, with ``--sizes``, 250 000 or 1 000 000) chunks: the
reference's writes, and ``zn5 validate --chunks`` serially and on a dask LocalCluster.

The array: 1000 × 1000 float64 (8 MB) in chunks of 10 × 10 (10 000 chunks) or 5 × 5 (40 000 chunks),
gzip level 1, Zarr v3, in a temporary directory; with ``--sizes 400`` or ``1600``, 5120 × 5120 or
10240 × 10240 float64 (200 MB, 800 MB) in chunks of 256 × 256, where decoding rather than listing is the
work, which is what a cluster speeds up. Three chunks are then broken (two bytes strings that
are no gzip, one cut short) and one stray key added, so that the validations report four problems.

- ``write``: ``array[...] = data`` through the reference. ``before`` swaps in the thread-pool helper the
  reference used until memory was made flat (every chunk selection in a list, every chunk submitted at
  once with ``pool.map``), reproduced below; ``after`` is the reference as it is.
- ``validate serial`` and ``validate dask local:2``: ``Validation(store, chunks=True)`` with the serial
  checker and with ``DaskChecker`` on a LocalCluster of two worker processes (its start-up, and the
  workers' first import of zn5, are not timed);
  the memory is the client's, where the listing and the report live.

Each measurement runs in a fresh process (this script calls itself; a validation's store is written by
another process before it, see :func:`in_child`), twice: once timed, with its peak
resident set size (``ru_maxrss``, which includes the interpreter, numpy and, for dask, distributed), and
once under ``tracemalloc`` for the peak of Python's own allocations, which is what grows with the number
of chunks when something per chunk is kept. The table prints both, chunks per second, and the ratio of
each larger count's figures to the smallest's: flat memory shows a ratio near 1, memory that grows
with the chunks a ratio near the ratio of the counts (4 for 40k/10k, 25 for 250k/10k).

Run it with ``.venv/bin/python benchmarks/validate_scale.py`` (the dask extra installed; about four
minutes on two cores). The machine's load moves the times by tens of percent; the memory figures are
steady.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final

import numpy as np

import zn5.reference as zn5
import zn5.reference.array as reference_array
from zn5.conformance.validation.chunks import Checker, check_serially
from zn5.conformance.validation.scale import DaskChecker, cluster_client
from zn5.conformance.validation.walk import Validation
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.indexing import ChunkSelection
from zn5.reference.store.base import Store
from zn5.reference.store.local import LocalStore

SHAPE: Final = (1000, 1000)
LARGE: Final = (5120, 5120)
LARGER: Final = (10240, 10240)
LAYOUTS: Final = {
    400: (LARGE, (256, 256)),
    1600: (LARGER, (256, 256)),
    10_000: (SHAPE, (10, 10)),
    40_000: (SHAPE, (5, 5)),
    250_000: (SHAPE, (2, 2)),
    1_000_000: (SHAPE, (1, 1)),
}
"""Chunk counts and the array and chunk shapes that make them; ``--sizes`` picks which run (default:
10 000 and 40 000). 400 and 1 600 are the large arrays (200 MB and 800 MB), whose 512 kB chunks make
decoding the work."""
VARIANTS: Final = (
    ("write", "before"),
    ("write", "after"),
    ("validate", "serial"),
    ("validate", "dask local:2"),
)


def _unbounded(
    function: Callable[[ChunkSelection], None], items: Iterable[ChunkSelection], store: Store | None = None
) -> None:
    """The reference's thread-pool helper before memory was made flat (for ``write before``); a local
    store, so ``store`` changes nothing."""
    work = list(items)
    if len(work) < 2 or reference_array.WORKERS == 1:
        for item in work:
            function(item)
        return
    with ThreadPoolExecutor(reference_array.WORKERS) as pool:
        list(pool.map(function, work))


def create(root: Path, chunks: int) -> zn5.Array:
    shape, chunk_shape = LAYOUTS[chunks]
    return zn5.create_array(
        root, format="zarr3", shape=shape, dtype="float64", chunks=chunk_shape, compressor=Gzip(1)
    )


def data(chunks: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.random.default_rng(20261207).standard_normal(LAYOUTS[chunks][0])


def write(root: Path, chunks: int, variant: str, measured: Callable[[Callable[[], None]], None]) -> None:
    array, values = create(root, chunks), data(chunks)
    if variant == "before":
        reference_array._parallel = _unbounded  # the old helper, for comparison

    def run() -> None:
        array[...] = values

    measured(run)


def prepare(root: Path, chunks: int) -> None:
    """The store the validations read: written, then three chunks broken and a stray key added."""
    array = create(root, chunks)
    array[...] = data(chunks)
    shape, chunk_shape = LAYOUTS[chunks]
    last = shape[0] // chunk_shape[0] - 1
    broken = (("c/0/1", b"not gzip"), (f"c/{last}/{last}", b"\x1f\x8b broken"), ("c/1/0", b"\x1f\x8b"))
    for key, value in broken:
        (root / key).write_bytes(value)
    (root / "c" / "notes.txt").write_bytes(b"x")


def validate(root: Path, variant: str, measured: Callable[[Callable[[], None]], None]) -> None:
    def run_with(checker: Checker) -> None:
        def run() -> None:
            found = list(
                Validation(LocalStore(root, writable=False), chunks=True, checker=checker).problems()
            )
            assert len(found) == 4, found

        measured(run)

    if variant == "serial":
        run_with(check_serially)
        return
    with cluster_client(variant.removeprefix("dask ")) as client:
        client.run(importlib.import_module, "zn5.conformance.validation.chunks")  # warm, like start-up
        run_with(DaskChecker(client))


def measure(task: str, variant: str, chunks: int, traced: bool, store: Path | None) -> dict[str, float]:
    """One measurement, in this process: seconds, peak RSS (MB) and, if ``traced``, tracemalloc's peak;
    a validation reads ``store``, which another process prepared."""
    result: dict[str, float] = {}

    def measured(run: Callable[[], None]) -> None:
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        run()
        result["seconds"] = time.perf_counter() - started
        if traced:
            result["traced"] = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()

    if store is not None:
        validate(store, variant, measured)
    else:
        with tempfile.TemporaryDirectory() as folder:
            write(Path(folder) / "store.zarr", chunks, variant, measured)
    result["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def in_child(task: str, variant: str, chunks: int, traced: bool) -> dict[str, float]:
    """The measurement in a fresh process. A validation's store is written by a process of its own
    first, and synced to disk, as ``zn5 validate`` meets a store someone else wrote: the writer's freed
    memory and its pages still being flushed would otherwise change the validation's speed."""
    command = [sys.executable, __file__, "--one", task, variant, str(chunks)] + (
        ["--traced"] if traced else []
    )
    if task == "write":
        return _measured(command)
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store.zarr"
        subprocess.run([sys.executable, __file__, "--prepare", str(chunks), str(store)], check=True)
        os.sync()
        return _measured([*command, "--store", str(store)])


def _measured(command: list[str]) -> dict[str, float]:
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=1800).stdout
    return dict(json.loads(output.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--one", nargs=3, metavar=("TASK", "VARIANT", "CHUNKS"), help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", nargs=2, metavar=("CHUNKS", "STORE"), help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--sizes", type=int, nargs="+", choices=sorted(LAYOUTS), default=[10_000, 40_000], help="chunk counts"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="TASK VARIANT",
        help='variants to run, e.g. "validate serial" "write after"',
    )
    arguments = parser.parse_args()
    if arguments.prepare:
        prepare(Path(arguments.prepare[1]), int(arguments.prepare[0]))
        return
    if arguments.one:
        task, variant, chunks = arguments.one
        print(json.dumps(measure(task, variant, int(chunks), arguments.traced, arguments.store)))
        return
    print(f"{'what':<24} {'chunks':>7} {'chunks/s':>9} {'peak RSS MB':>12} {'traced peak MB':>15}")
    for task, variant in VARIANTS:
        if arguments.only and f"{task} {variant}" not in arguments.only:
            continue
        rows = {}
        for chunks in sorted(arguments.sizes):
            timed = in_child(task, variant, chunks, traced=False)
            traced = in_child(task, variant, chunks, traced=True)
            rows[chunks] = (chunks / timed["seconds"], timed["rss"], traced["traced"])
            rate, rss, peak = rows[chunks]
            print(
                f"{task + ' ' + variant:<24} {chunks:>7} {rate:>9.0f} {rss:>12.1f} {peak:>15.2f}", flush=True
            )
        smallest, *larger = sorted(rows)
        for chunks in larger:
            ratios = (
                f"{rows[chunks][1] / rows[smallest][1]:>11.2f}× {rows[chunks][2] / rows[smallest][2]:>14.2f}×"
            )
            print(f"{'':<24} {f'{chunks // 1000}k/{smallest // 1000}k':>7} {'':>9} {ratios}")


if __name__ == "__main__":
    main()

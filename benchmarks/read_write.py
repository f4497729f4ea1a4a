"""Write and read one array with the reference, zarr-python 3 and tensorstore, in the same run.

The array: 256 × 256 × 256 float32, a smooth field plus 1 % noise from a fixed seed, in 64 × 64 × 64 chunks
compressed with blosc-lz4 (clevel 5, byte shuffle). Each implementation writes it into a fresh temporary
directory and reads it back, once to warm up and then ``--runs`` times, the implementations taking turns
within each round; the table shows the medians, the store's size, and the ratios of the reference's medians
to zarr-python's and tensorstore's per format.

Needs the ``interop`` extra: ``.venv/bin/pip install -c constraints.txt -e '.[interop]'``, then
``.venv/bin/python benchmarks/read_write.py``. The machine's load moves the figures by tens of percent:
compare ratios from one run, not times from two.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Final, Literal

import numcodecs
import numpy as np
import tensorstore as ts
import zarr
import zarr.codecs

import zn5.reference as zn5
from zn5.reference.codecs.blosc import Blosc

Data = np.ndarray[Any, np.dtype[np.float32]]
SHAPE = (256, 256, 256)
CHUNKS = (64, 64, 64)
SEED = 20261125
CNAME: Final = "lz4"
CLEVEL: Final = 5
TARGETS = {"zarr-python": 1.0, "tensorstore": 1.5}
"""The largest acceptable ratio of the reference's median time to each library's."""


def make_data(shape: tuple[int, ...] = SHAPE, seed: int = SEED) -> Data:
    """A smooth field (a few long waves) plus noise of 1 % of its range."""
    axes = np.meshgrid(*(np.linspace(0.0, 1.0, n, dtype=np.float32) for n in shape), indexing="ij")
    field = np.zeros(shape, dtype=np.float32)
    for axis, (coordinate, frequency) in enumerate(zip(axes, (3.0, 5.0, 7.0), strict=False)):
        field += np.sin(2 * np.pi * frequency * coordinate + axis).astype(np.float32)
    span = float(field.max() - field.min())
    noise = np.random.default_rng(seed).standard_normal(shape, dtype=np.float32) * np.float32(0.01 * span)
    return field + noise


# --- one writer and one reader per implementation and format -----------------------------------------


def write_reference(format_name: str) -> Callable[[Path, Data], None]:
    def write(path: Path, data: Data) -> None:
        array = zn5.create_array(
            path,
            format=format_name,
            path="data",
            shape=data.shape,
            dtype=data.dtype,
            chunks=CHUNKS,
            compressor=Blosc(CNAME, CLEVEL, "shuffle"),
        )
        array[...] = data

    return write


def read_reference(path: Path) -> Data:
    result: Data = zn5.open_array(path, path="data")[...]
    return result


def write_zarr_python(zarr_format: Literal[2, 3]) -> Callable[[Path, Data], None]:
    def write(path: Path, data: Data) -> None:
        compressor: Any = (
            numcodecs.Blosc(CNAME, CLEVEL, numcodecs.Blosc.SHUFFLE)
            if zarr_format == 2
            else zarr.codecs.BloscCodec(cname=CNAME, clevel=CLEVEL, shuffle="shuffle", typesize=4)
        )
        array = zarr.create_array(
            zarr.storage.LocalStore(path),
            name="data",
            shape=data.shape,
            chunks=CHUNKS,
            dtype=data.dtype,
            compressors=compressor,
            fill_value=0,
            zarr_format=zarr_format,
        )
        array[...] = data

    return write


def read_zarr_python(path: Path) -> Data:
    array = zarr.open_array(zarr.storage.LocalStore(path, read_only=True), path="data", mode="r")
    return np.asarray(array[...])


def _tensorstore_metadata(driver: str) -> dict[str, Any]:
    if driver == "zarr":
        blosc = {"id": "blosc", "cname": CNAME, "clevel": CLEVEL, "shuffle": 1, "blocksize": 0}
        return {"shape": SHAPE, "chunks": CHUNKS, "dtype": "<f4", "compressor": blosc, "fill_value": 0}
    if driver == "zarr3":
        blosc3 = {"cname": CNAME, "clevel": CLEVEL, "shuffle": "shuffle", "typesize": 4, "blocksize": 0}
        return {
            "shape": SHAPE,
            "data_type": "float32",
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": CHUNKS}},
            "fill_value": 0,
            "codecs": [
                {"name": "bytes", "configuration": {"endian": "little"}},
                {"name": "blosc", "configuration": blosc3},
            ],
        }
    return {
        "dimensions": SHAPE,
        "blockSize": CHUNKS,
        "dataType": "float32",
        "compression": {"type": "blosc", "cname": CNAME, "clevel": CLEVEL, "shuffle": 1, "blocksize": 0},
    }


def _tensorstore_spec(driver: str, path: Path) -> dict[str, Any]:
    return {"driver": driver, "kvstore": {"driver": "file", "path": str(path / "data") + "/"}}


def write_tensorstore(driver: str) -> Callable[[Path, Data], None]:
    def write(path: Path, data: Data) -> None:
        spec = {**_tensorstore_spec(driver, path), "metadata": _tensorstore_metadata(driver)}
        array = ts.open(spec, create=True).result()
        array.write(data).result()

    return write


def read_tensorstore(driver: str) -> Callable[[Path], Data]:
    def read(path: Path) -> Data:
        array = ts.open(_tensorstore_spec(driver, path), open=True, read=True).result()
        return np.asarray(array.read().result())

    return read


@dataclass(frozen=True)
class Contender:
    """One implementation writing and reading one format."""

    implementation: str
    format: str
    write: Callable[[Path, Data], None]
    read: Callable[[Path], Data]


CONTENDERS = (
    Contender("reference", "zarr2", write_reference("zarr2"), read_reference),
    Contender("reference", "zarr3", write_reference("zarr3"), read_reference),
    Contender("reference", "n5", write_reference("n5"), read_reference),
    Contender("zarr-python", "zarr2", write_zarr_python(2), read_zarr_python),
    Contender("zarr-python", "zarr3", write_zarr_python(3), read_zarr_python),
    Contender("tensorstore", "zarr2", write_tensorstore("zarr"), read_tensorstore("zarr")),
    Contender("tensorstore", "zarr3", write_tensorstore("zarr3"), read_tensorstore("zarr3")),
    Contender("tensorstore", "n5", write_tensorstore("n5"), read_tensorstore("n5")),
)


# --- measuring ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """Median wall times of one contender, its median CPU times (all threads), and the size it wrote."""

    contender: Contender
    write: float
    read: float
    write_cpu: float
    read_cpu: float
    store_bytes: int


def _timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds (all threads) of one call, with no dirty pages from earlier runs to write back."""
    gc.collect()
    os.sync()
    start, start_cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - start, time.process_time() - start_cpu


def _size(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def measure(contenders: list[Contender], data: Data, runs: int) -> list[Result]:
    """Median write and read times of each contender over ``runs`` rounds after a warm-up round.

    Rounds visit the contenders in turn, so that a slow spell of the machine hits all of them alike;
    each write goes to a fresh directory, and the previous store is deleted first.
    """
    writes: dict[Contender, list[tuple[float, float]]] = {contender: [] for contender in contenders}
    reads: dict[Contender, list[tuple[float, float]]] = {contender: [] for contender in contenders}
    with tempfile.TemporaryDirectory(prefix="zn5-bench-") as scratch:
        stores = {contender: Path(scratch) / f"{index}-0" for index, contender in enumerate(contenders)}
        for run in range(runs + 1):
            for index, contender in enumerate(contenders):
                shutil.rmtree(stores[contender], ignore_errors=True)
                stores[contender] = Path(scratch) / f"{index}-{run}"
                writes[contender].append(_timed(partial(contender.write, stores[contender], data)))
        for contender in contenders:
            back = contender.read(stores[contender])
            if back.shape != data.shape or back.tobytes() != data.tobytes():
                raise SystemExit(f"{contender.implementation} {contender.format} read other values back")
        for _ in range(runs + 1):
            for contender in contenders:
                reads[contender].append(_timed(partial(contender.read, stores[contender])))
        return [
            Result(
                contender,
                statistics.median(wall for wall, _ in writes[contender][1:]),
                statistics.median(wall for wall, _ in reads[contender][1:]),
                statistics.median(cpu for _, cpu in writes[contender][1:]),
                statistics.median(cpu for _, cpu in reads[contender][1:]),
                _size(stores[contender]),
            )
            for contender in contenders
        ]


def versions() -> str:
    names = ("zn5", "numpy", "numcodecs", "zarr", "tensorstore")
    return ", ".join(f"{name} {importlib.metadata.version(name)}" for name in names)


def report(results: list[Result], runs: int) -> bool:
    """Print the tables; return whether every target was met."""
    print(f"256³ float32, 64³ chunks, blosc-lz4 clevel {CLEVEL} byte shuffle; median of {runs} runs")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{versions()}; {os.cpu_count()} CPUs, load average {load}")
    print()
    print(
        f"{'implementation':<14} {'format':<6} {'write (s)':>10} {'read (s)':>10} {'store (MB)':>11}"
        f"   {'write CPU (s)':>13} {'read CPU (s)':>12}"
    )
    for result in results:
        c = result.contender
        print(
            f"{c.implementation:<14} {c.format:<6} {result.write:>10.3f} {result.read:>10.3f} "
            f"{result.store_bytes / 1e6:>11.1f}   {result.write_cpu:>13.3f} {result.read_cpu:>12.3f}"
        )
    print()
    by_key = {(r.contender.implementation, r.contender.format): r for r in results}
    all_met = True
    print(f"{'format':<6} {'operation':<9} {'versus':<12} {'ratio':>6} {'target':>7}  met")
    for other, target in TARGETS.items():
        for format_name in ("zarr2", "zarr3", "n5"):
            mine, theirs = by_key.get(("reference", format_name)), by_key.get((other, format_name))
            if mine is None or theirs is None:
                continue
            for operation in ("write", "read"):
                ratio = getattr(mine, operation) / getattr(theirs, operation)
                met = ratio <= target
                all_met = all_met and met
                print(
                    f"{format_name:<6} {operation:<9} {other:<12} {ratio:>6.2f} {'≤ ' + str(target):>7}  "
                    f"{'yes' if met else 'NO'}"
                )
    print()
    print("all targets met" if all_met else "some targets missed")
    print("ratios are of wall times; on a loaded machine compare the CPU columns as well")
    return all_met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="measured runs after the warm-up (default 5)")
    parser.add_argument(
        "--only", nargs="*", default=None, help="implementations to run (reference, zarr-python, tensorstore)"
    )
    args = parser.parse_args(argv)
    data = make_data()
    chosen = [c for c in CONTENDERS if args.only is None or c.implementation in args.only]
    results = measure(chosen, data, args.runs)
    report(results, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

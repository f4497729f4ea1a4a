"""Reproduce the deviations in expectations.toml with netCDF-C alone, outside the adapter and the runner.

Run it with Debian's python3 from the repository root (``adapter`` standing for
``conformance/adapters/netcdf-c``)::

    /usr/bin/python3 adapter/netcdf_reproduce.py [CASE_ID ...]

For each corpus case named, it copies the case's Zarr v2 store into a temporary folder and shows what
libnetcdf makes of it twice: with ``ncdump`` (the C library and nothing else: its exit status, the signal
that killed it, the first values it prints) and with netCDF4-python (``netCDF4.Dataset(url)[node][...]``,
in a child process so that a crash is reported, not suffered), whose values it compares with the case's
expected values. Without case IDs it writes the small arrays of the write deviations (big-endian, each
compression, a NaN fill value, a zero-length axis, a scalar, attributes) and prints the Zarr documents
and chunk bytes libnetcdf wrote.
"""

from __future__ import annotations

import importlib
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

netcdf4: Any = importlib.import_module("netCDF4")

CASES = Path("conformance/corpus/cases")


def copy_store(case_id: str) -> tuple[Path, dict[str, Any]]:
    """A temporary copy of the case's Zarr v2 store (the corpus is never opened in place) and the case."""
    case = json.loads((CASES / case_id / "case.json").read_text(encoding="utf-8"))
    where = case["input"]
    store = where.get("store") or where["stores"]["zarr2"]
    copy = Path(tempfile.mkdtemp(prefix="netcdf-reproduce-")) / "store"
    shutil.copytree(CASES / case_id / store, copy)
    return copy, case


def exit_status(code: int) -> str:
    """A process's exit status in words."""
    return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit {code}"


def show_ncdump(store: Path, node: str) -> None:
    """What ncdump prints for the node (header, then its values)."""
    variable = node.split("/")[-1] if node else ""
    command = ["ncdump", *(["-v", variable] if variable else ["-h"]), f"file://{store}#mode=zarr,file"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    data = done.stdout.split("data:", 1)[-1].split()
    values, errors = " ".join(data[:14])[:160], done.stderr.strip()[:160]
    print(f"  ncdump: {exit_status(done.returncode)}; {values} {errors}")


def show_python(store: Path, case_id: str) -> None:
    """Read the node with netCDF4-python in a child process (see :func:`read_with_python`)."""
    command = [sys.executable, __file__, "--python", str(store), case_id]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    print(f"  netCDF4-python: {exit_status(done.returncode)}; {(done.stdout + done.stderr).strip()[-400:]}")


def read_with_python(store: Path, case_id: str) -> None:
    """netcdf4.Dataset(url)[node][selection], compared with the case's expected values."""
    case = json.loads((CASES / case_id / "case.json").read_text(encoding="utf-8"))
    node, selection = case["input"].get("node", ""), case["operation"].get("selection")
    dataset = netcdf4.Dataset(f"file://{store}#mode=zarr,file")
    found = dataset[node] if node else dataset
    if isinstance(found, netcdf4.Group):
        shown = {name: found.getncattr(name) for name in found.ncattrs()}
        print(f"group, attributes {shown}")
        return
    found.set_auto_maskandscale(False)
    key = ... if selection is None else tuple(i if isinstance(i, int) else slice(*i) for i in selection)
    values = np.asarray(found[key])
    print(f"read {found.dtype} {values.shape}: {values.ravel()[:6].tolist()}")
    expected = CASES / case_id / "expected" / "array.json"
    if expected.exists():
        document = json.loads(expected.read_text(encoding="utf-8"))
        raw = (expected.parent / document["file"]).read_bytes()
        wanted = np.frombuffer(raw, dtype=np.dtype(values.dtype.str[1:]).newbyteorder("<"))
        equal = values.ravel().tolist() == wanted.tolist()
        print(f"expected {document['data_type']}: {wanted[:6].tolist()}; equal: {equal}")


def show_case(case_id: str) -> None:
    """Print what ncdump and netCDF4-python make of a case's store."""
    store, case = copy_store(case_id)
    print(f"{case_id}:")
    show_ncdump(store, case["input"].get("node", ""))
    show_python(store, case_id)


def write(root: Path, name: str, build: Callable[[Any], None]) -> None:
    """Create one dataset with ``build`` in pure Zarr mode and print what libnetcdf wrote (or raised)."""
    store = root / name
    try:
        dataset = netcdf4.Dataset(f"file://{store}#mode=zarr,noxarray,file", "w")
        try:
            build(dataset)
        finally:
            dataset.close()
    except Exception as error:
        print(f"{name}: {type(error).__name__}: {error}")
        return
    for path in sorted(store.rglob("*")):
        if path.is_file() and path.name.startswith(".z") and path.parent != store:
            print(f"{name}/{path.relative_to(store)}: {path.read_text(encoding='utf-8')}")
        elif path.is_file() and path.name == "0":
            chunk = path.read_bytes()
            print(f"{name}/{path.relative_to(store)}: {len(chunk)} bytes {chunk[:16].hex()}")


def variable(dataset: Any, dtype: str, values: Any, **options: Any) -> Any:
    """A one-dimensional variable of ``values`` in one chunk."""
    dataset.createDimension("x", len(values))
    created = dataset.createVariable("v", dtype, ("x",), chunksizes=(len(values),), **options)
    created[:] = np.asarray(values, dtype=dtype)
    return created


def show_writes() -> None:
    """Write the arrays of the write deviations and print what libnetcdf wrote."""
    root = Path(tempfile.mkdtemp(prefix="netcdf-reproduce-"))
    cases: dict[str, Callable[[Any], Any]] = {
        "int16-big-endian": lambda d: variable(d, "i2", [1, 2], endian="big", fill_value=np.int16(0)),
        "int16-fill-0": lambda d: variable(d, "i2", [1, 2], fill_value=np.int16(0)),
        "float64-fill-nan": lambda d: variable(d, "f8", [1, 2], fill_value=np.nan),
        "zlib": lambda d: variable(d, "i4", list(range(64)), compression="zlib", complevel=5),
        "zstd": lambda d: variable(d, "i4", list(range(64)), compression="zstd", complevel=3),
        "bzip2": lambda d: variable(d, "i4", list(range(64)), compression="bzip2", complevel=9),
        "blosc_lz4": lambda d: variable(d, "i2", list(range(64)), compression="blosc_lz4", complevel=5),
        "zero-length-axis": lambda d: d.createDimension("x", None),
        "scalar": lambda d: d.createVariable("v", "f8", ()).assignValue(2.5),
        "attribute-object": lambda d: variable(d, "i2", [1, 2]).setncattr("o", {}),
    }
    for name, build in cases.items():
        write(root, name, build)


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    if sys.argv[1:2] == ["--python"]:
        read_with_python(Path(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) > 1:
        for case_id in sys.argv[1:]:
            show_case(case_id)
    else:
        show_writes()

"""A collection of stores as people really write them, read by the reference value for value (issue #13).

Each store of :data:`STORES` is written by a real library with its defaults and the options people
commonly use: zarr-python 2.18.7 (numcodecs 0.15.2, in the virtual environment of its adapter, all its
stores in one process, from the table ``real_data_zarr2.toml``), zarr-python 3.1.6 and xarray
(numcodecs 0.16.6, in this process). The writing library reads each store back; the reference must open
every node the library sees, with the same attributes, and read every array value for value (NaN
equals NaN, NaT equals NaT, object arrays element by element). ``zn5 validate --chunks --json`` (the
command's own entry point, in one process for all the stores) must find no error in any of them: what
real writers break is reported as deviations or warnings, never as errors.

Stores the reference refuses on purpose are listed in :data:`REFUSALS` with the requirement that says
so, and are checked to be refused, not silently read. Where the reference and a library disagree about a
valid store, the case is a strict xfail naming the library, its version and the difference
(:data:`DISAGREEMENTS`); a test counts the stores read and asserts at least 99% of them.

Issue #14: every store the reference reads from disk it reads bit for bit over HTTP, from a static
server that cannot list (each node opened by its path, STORE-REMOTE-002), and from a moto S3 server.

The stores' values are in real_data_values.py, the views compared in real_data_trees.py, the writers in
real_data_zarr2.py (zarr-python 2) and real_data_in_process.py (zarr-python 3, xarray).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest

import zn5.reference as zn5
from zn5.reference.testing.servers import S3Server
from zn5.reference.testing.static_http import static_server

from .real_data_in_process import (
    XARRAY_STORES,
    ZARR3_ARRAYS,
    ZARR3_LAYOUTS,
    InProcess,
    xarray_read,
    zarr3_read,
)
from .real_data_trees import Tree, difference, read_with_reference, reference_node, tree_differences
from .real_data_zarr2 import Zarr2, zarr2_read, zarr2_stores, zarr2_table

pytestmark = pytest.mark.interop

STORES: dict[str, Zarr2 | InProcess] = {
    **zarr2_table(),
    **ZARR3_ARRAYS,
    **ZARR3_LAYOUTS,
    **XARRAY_STORES,
}
REFUSALS: dict[str, tuple[str, str]] = {
    "zarr2-object-pickle": ("CORE-VLEN-005", "a pickle object codec would run code the store holds"),
    "zarr3-structured": (
        "ZARR3-DTYPE-002",
        "the reference reads no Zarr v3 structured data_type yet (RFC 0014)",
    ),
}
"""The stores the reference refuses on purpose: the requirement, and why."""
DISAGREEMENTS: dict[str, str] = {
    "zarr2-object-vlen-utf8-missing-chunks": "zarr-python 2.18.7 reads the missing chunks of a vlen-utf8 "
    "array with its default fill value 0 as the integer 0, where the reference reads the empty string "
    "(ZARR2-FILL-009, known deviation)",
}
"""The stores the reference reads otherwise than their library: what differs (each a strict xfail)."""


# --- The tests ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """A store of the collection, written: where it is, and what its writer reads back."""

    root: Path
    reader: Callable[[Path], Tree]

    def read_back(self) -> Tree:
        """What the store's library reads back from it."""
        return self.reader(self.root)


@pytest.fixture(scope="session")
def collection(zarr2_python: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Written]:
    """Every store of :data:`STORES`, written once for the session."""
    work = tmp_path_factory.mktemp("real-data")
    zarr2 = {name: case for name, case in STORES.items() if isinstance(case, Zarr2)}
    written = {
        name: Written(folder / f"store{STORES[name].suffix}", zarr2_read)
        for name, folder in zarr2_stores(work / "zarr-python-2", zarr2_python, zarr2).items()
    }
    for name, case in STORES.items():
        if isinstance(case, InProcess):
            root = work / case.library / f"{name}{case.suffix}"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                case.write(root)
            written[name] = Written(root, xarray_read if case.library == "xarray" else zarr3_read)
    return written


VALIDATOR = """
import contextlib, io, json, sys, traceback
from zn5.conformance.cli import main
for root in sys.argv[1:]:
    output, errors = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(errors):
            code = main(["validate", "--chunks", "--json", root])
    except Exception:
        code, errors = None, io.StringIO(traceback.format_exc())
    print(json.dumps({"root": root, "code": code, "stdout": output.getvalue(), "stderr": errors.getvalue()}))
"""
"""Runs ``zn5 validate --chunks --json ROOT`` (the ``zn5`` command's own entry point, argument parsing
and exit code) on each store given, in one process: a process per store would cost the interpreter's
start and zn5's imports a hundred times. Prints one JSON line per store: the exit code (None: the
command crashed), what it printed and its error output (or the traceback)."""


@pytest.fixture(scope="session")
def validations(collection: dict[str, Written]) -> dict[str, dict[str, Any]]:
    """Each store's ``zn5 validate --chunks --json``, as :data:`VALIDATOR` reports it."""
    names = sorted(collection)
    roots = [str(collection[name].root) for name in names]
    run = subprocess.run(
        [sys.executable, "-c", VALIDATOR, *roots], capture_output=True, text=True, check=True
    )
    reports = [json.loads(line) for line in run.stdout.splitlines()]
    assert [report["root"] for report in reports] == roots
    return dict(zip(names, reports, strict=True))


def validation(report: dict[str, Any]) -> tuple[int, list[dict[str, str]]]:
    """A store's exit code and problems; a crash, or a store it cannot open, fails the store's test."""
    assert report["code"] in (0, 1), (
        f"zn5 validate {report['root']}: exit {report['code']}\n{report['stderr']}"
    )
    return report["code"], json.loads(report["stdout"])["problems"]


def store_params(names: Iterator[str] | list[str]) -> list[Any]:
    """The stores as test parameters; a disagreement with its library is a strict xfail."""
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=DISAGREEMENTS[name]))
        if name in DISAGREEMENTS
        else name
        for name in sorted(names)
    ]


READ = [name for name in STORES if name not in REFUSALS]
"""The stores the reference must read: all but the ones it refuses on purpose."""


@pytest.mark.parametrize("name", store_params(READ))
def test_the_reference_reads_what_the_library_reads_back(name: str, collection: dict[str, Written]) -> None:
    """Every node the library sees, with its attributes, and every array value for value."""
    written = collection[name]
    assert tree_differences(read_with_reference(written.root), written.read_back()) == []


@pytest.mark.parametrize("name", sorted(READ))
def test_zn5_validate_finds_no_error(name: str, validations: dict[str, dict[str, Any]]) -> None:
    """What real writers break is a deviation or a warning, never an error: exit code 0."""
    code, problems = validation(validations[name])
    assert [p for p in problems if p["level"] == "error"] == []
    assert code == 0


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_the_reference_refuses_on_purpose(
    name: str, collection: dict[str, Written], validations: dict[str, dict[str, Any]]
) -> None:
    """A store refused on purpose raises the requirement's error, and zn5 validate reports it."""
    requirement, _reason = REFUSALS[name]
    assert collection[name].root.exists(), "the library wrote the store"
    with pytest.raises(zn5.ZN5Error) as raised:
        read_with_reference(collection[name].root)
    assert requirement in {problem.requirement for problem in raised.value.problems}
    code, problems = validation(validations[name])
    assert code == 1
    assert requirement in {p["requirement"] for p in problems if p["level"] == "error"}


def reads(written: Written) -> Literal["alike", "differently", "not read"]:
    """Whether the reference reads a store as its library does, reads it with a difference, or does not
    read it (refuses it, or fails)."""
    try:
        read = read_with_reference(written.root)
    except Exception:
        return "not read"
    return "differently" if tree_differences(read, written.read_back()) else "alike"


def test_at_least_99_percent_of_the_stores_read(collection: dict[str, Written]) -> None:
    """Issue #13: the reference reads at least 99% of the real stores it does not refuse on purpose
    (read: opened, every array read without an error), and each refusal on purpose is one."""
    outcomes = {name: reads(collection[name]) for name in STORES}
    read = [name for name in READ if outcomes[name] != "not read"]
    alike = [name for name in READ if outcomes[name] == "alike"]
    print(
        f"{len(STORES)} stores: {len(REFUSALS)} refused on purpose; of the other {len(READ)}, "
        f"{len(read)} read ({len(alike)} value for value, {len(read) - len(alike)} with a difference)"
    )
    assert [name for name in REFUSALS if outcomes[name] != "not read"] == []
    assert len(read) / len(READ) >= 0.99, sorted(set(READ) - set(read))


# --- The same stores over HTTP and from S3 -----------------------------------------------------------


@dataclass(frozen=True)
class Remote:
    """Where the collection's folder is served: its base URL, and the options that reach it."""

    folder: Path
    base: str
    storage_options: dict[str, Any]

    def url(self, written: Written) -> str:
        """The URL of a store of the collection."""
        return f"{self.base}/{written.root.relative_to(self.folder).as_posix()}"


@pytest.fixture(scope="session")
def remotes(collection: dict[str, Written], s3_server: S3Server) -> Iterator[dict[str, Remote]]:
    """The collection on a static HTTP server that cannot list, and copied into a bucket of the moto S3
    server (which can)."""
    import s3fs

    folder = Path(os.path.commonpath([written.root for written in collection.values()]))
    fs = s3fs.S3FileSystem(**s3_server.options(), skip_instance_cache=True)
    fs.mkdir("real-data")
    fs.put(f"{folder}/", "real-data/", recursive=True)
    s3_options = {**s3_server.options(), "skip_instance_cache": True}
    with static_server(folder) as server:
        yield {
            "http": Remote(folder, server.url, {}),
            "s3": Remote(folder, "s3://real-data", s3_options),
        }


def read_remote(url: str, paths: Iterable[str], storage_options: dict[str, Any]) -> Tree:
    """Each node at ``paths`` of the store at ``url``, opened by its path: a web server cannot list, so
    the nodes are named (STORE-REMOTE-002)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            path: reference_node(zn5.open(url, path=path, storage_options=storage_options)) for path in paths
        }


def bit_differences(read: Tree, local: Tree) -> list[str]:
    """Where a tree read remotely is not the local one bit for bit: node kinds, attributes, the types
    and bytes of fixed-size values, and object elements one by one."""
    problems = []
    for path, node in local.items():
        other = read[path]
        if (other.kind, other.attributes) != (node.kind, node.attributes):
            problems.append(f"/{path}: {other.kind} {other.attributes} != {node.kind} {node.attributes}")
        if node.values is None or other.values is None:
            continue
        if other.values.dtype != node.values.dtype or other.values.shape != node.values.shape:
            problems.append(f"/{path}: {other.values.dtype}{other.values.shape} != {node.values.dtype}")
        elif node.values.dtype.kind == "O" or node.values.dtype.kind == "T":
            problems.extend(f"/{path}: {text}" for text in [difference(other.values, node.values)] if text)
        elif other.values.tobytes() != node.values.tobytes():
            problems.append(f"/{path}: the values differ in their bytes")
    return problems


@pytest.mark.req("STORE-REMOTE-001")
@pytest.mark.parametrize("where", ["http", "s3"])
@pytest.mark.parametrize("name", sorted(READ))
def test_a_store_reads_bit_for_bit_over_http_and_from_s3(
    name: str, where: str, collection: dict[str, Written], remotes: dict[str, Remote]
) -> None:
    """Every node the reference reads from disk reads the same from the URL, opened by its path."""
    written, remote = collection[name], remotes[where]
    local = read_with_reference(written.root)
    read = read_remote(remote.url(written), local, remote.storage_options)
    assert bit_differences(read, local) == []

"""``zn5 validate --chunks --dask``: on a real dask.distributed cluster the report is the serial one.

Each store holds two arrays of 100 chunks with several deliberately broken chunks (bytes that are no
gzip, a chunk of the wrong size, a blosc header that contradicts the metadata) and stray keys between
them, so that batches of chunks and the keys judged while listing interleave.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import pickle
import pty
import shutil
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numcodecs
import numpy as np
import pytest
from distributed import Client, LocalCluster

import zn5.reference as zn5
from zn5.conformance.cli import main
from zn5.conformance.generate.case import write_store
from zn5.conformance.validation import scale
from zn5.conformance.validation.chunks import ChunkWork
from zn5.conformance.validation.scale import DaskChecker
from zn5.conformance.validation.walk import Validation
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.errors import Problem
from zn5.reference.store.memory import MemoryStore
from zn5.reference.store.remote import RemoteStore
from zn5.reference.store.zip import ZipStore
from zn5.reference.testing.servers import S3Server
from zn5.reference.testing.static_http import StaticServer

FORMATS = ("zarr2", "zarr3", "n5")
SHAPE, CHUNKS = (40, 30), (4, 3)
KEYS: dict[str, Callable[[str, int, int], str]] = {
    "zarr2": lambda path, i, j: f"{path}/{i}.{j}",
    "zarr3": lambda path, i, j: f"{path}/c/{i}/{j}",
    "n5": lambda path, i, j: f"{path}/{i}/{j}",
}
ZN5 = [sys.executable, "-m", "zn5.conformance.cli"]


def broken_store(format_name: str) -> tuple[MemoryStore, set[str]]:
    """Two arrays with broken chunks and stray keys, and the keys whose problems the report must name."""
    store = MemoryStore()
    zn5.create_group(store, format=format_name)
    data = np.arange(1200, dtype="int32").reshape(SHAPE)
    for path, compressor in (("gzip", Gzip(1)), ("group/blosc", Blosc("lz4", 5, "shuffle"))):
        array = zn5.create_array(
            store,
            format=format_name,
            path=path,
            shape=SHAPE,
            dtype="int32",
            chunks=CHUNKS,
            compressor=compressor,
        )
        array[...] = data
    key = KEYS[format_name]
    noshuffle = numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.NOSHUFFLE)
    broken = {
        key("gzip", 0, 1): b"not gzip at all",
        key("gzip", 3, 7): b"\x1f\x8b\x08 damaged",
        key("gzip", 9, 9): store.values[key("gzip", 0, 0)][:-3],
        key("group/blosc", 5, 2): bytes(noshuffle.encode(np.zeros(12, dtype="int32"))),
        key("group/blosc", 8, 4): b"short",
    }
    stray = {"gzip/notes.txt": b"x", key("gzip", 10, 0): b"x", "group/README": b"x"}
    store.values.update(broken)
    store.values.update(stray)
    return store, set(broken) | set(stray)


def serial(store: MemoryStore | ZipStore) -> tuple[list[Problem], Any]:
    validation = Validation(store, chunks=True)
    return list(validation.problems()), validation.counts


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """A real LocalCluster of two in-process workers, shared by the tests of this module."""
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address="127.0.0.1:0",  # no fixed port: other clusters may run here
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster, set_as_default=False) as connected,
    ):
        yield connected


# ----------------------------------------------------------------------------------------------- the report


@pytest.mark.req("CONF-VALIDATE-001")
@pytest.mark.parametrize("format_name", FORMATS)
@pytest.mark.parametrize("batch", [1, 7, 256])
def test_the_report_on_a_cluster_is_the_serial_one(format_name: str, batch: int, client: Client) -> None:
    store, named = broken_store(format_name)
    expected, expected_counts = serial(store)
    assert named <= {problem.key for problem in expected}
    assert sum(problem.level == "error" for problem in expected) >= 5
    validation = Validation(store, chunks=True, checker=DaskChecker(client, batch=batch, in_flight=3))
    assert list(validation.problems()) == expected
    assert validation.counts == expected_counts
    assert validation.counts.chunks == 200 and validation.counts.decoded <= 200 - 4


@pytest.mark.req("CONF-VALIDATE-001")
def test_large_chunks_are_spread_over_many_tasks(monkeypatch: pytest.MonkeyPatch, client: Client) -> None:
    chunk_bytes = CHUNKS[0] * CHUNKS[1] * 4
    monkeypatch.setattr(scale, "BATCH_BYTES", 5 * chunk_bytes)
    checker = DaskChecker(client)
    sizes: list[int] = []
    submit = checker._submit

    def recorded(batch: list[ChunkWork]) -> Any:
        sizes.append(len(batch))
        return submit(batch)

    monkeypatch.setattr(checker, "_submit", recorded)
    store, _ = broken_store("zarr3")
    expected, _ = serial(store)
    validation = Validation(store, chunks=True, checker=checker)
    assert list(validation.problems()) == expected
    assert max(sizes) == 5 and sum(sizes) == validation.counts.chunks == 200


@pytest.mark.req("STORE-REMOTE-006")
def test_a_chunk_of_a_store_that_cannot_list_is_fetched_once(
    client: Client, http_store_server: StaticServer
) -> None:
    """The walk finds an unlisted store's chunks by fetching them; their bytes go to the workers, which
    request nothing again."""
    root = http_store_server.root
    zn5.create_array(root, format="zarr3", shape=(12,), dtype="<i4", chunks=(3,))[:] = np.arange(12)
    http_store_server.log.reset()
    store = RemoteStore(http_store_server.url)
    validation = Validation(store, chunks=True, paths=[""], checker=DaskChecker(client))
    assert list(validation.problems()) == [] and validation.counts.decoded == 4
    chunks = [request for request in http_store_server.log.requests if request[1].startswith("/c/")]
    assert sorted(chunks) == [("GET", f"/c/{index}", "") for index in range(4)]


@pytest.mark.req("CONF-VALIDATE-001")
def test_a_zip_store_is_validated_on_worker_processes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = broken_store("zarr3")
    folder = write_store(store, tmp_path / "store")
    archive = Path(shutil.make_archive(str(tmp_path / "store"), "zip", folder))
    assert main(["validate", str(archive), "--chunks", "--json"]) == 1
    expected = json.loads(capsys.readouterr().out)
    assert main(["validate", str(archive), "--chunks", "--json", "--dask", "local:2"]) == 1
    found = capsys.readouterr()
    assert json.loads(found.out) == expected
    assert found.err == ""
    assert len(expected["problems"]) >= 8


@pytest.mark.req("CONF-VALIDATE-001")
@pytest.mark.req("STORE-REMOTE-002")
def test_an_s3_store_is_validated_on_worker_processes(
    s3_server: S3Server, s3_bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The workers open the S3 store themselves (a remote store pickles as its URL and options)."""
    store, _ = broken_store("zarr2")
    url = f"{s3_bucket}/broken.zarr"
    remote = RemoteStore(url, storage_options=s3_server.options(), writable=True)
    for key, value in store.values.items():
        remote.set(key, value)
    arguments = ["validate", url, "--chunks", "--json", "--storage-option", "key=testing"]
    arguments += ["--storage-option", "secret=testing"]
    arguments += ["--storage-option", f"client_kwargs.endpoint_url={s3_server.endpoint}"]
    assert main(arguments) == 1
    expected = json.loads(capsys.readouterr().out)
    assert main([*arguments, "--dask", "local:1"]) == 1
    assert json.loads(capsys.readouterr().out) == expected
    assert expected["listing"] == "listed" and len(expected["problems"]) >= 8


def test_a_zip_store_read_pickles_as_its_path(tmp_path: Path) -> None:
    with ZipStore(tmp_path / "a.zip", "w") as written:
        written.set("k", b"value")
        with pytest.raises(TypeError, match="being written"):
            pickle.dumps(written)
    copy = pickle.loads(pickle.dumps(ZipStore(tmp_path / "a.zip")))
    assert copy.get("k") == b"value" and not copy.writable


@pytest.mark.req("CONF-VALIDATE-001")
def test_the_text_report_through_a_running_scheduler_is_the_serial_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_store(broken_store("n5")[0], tmp_path / "store.n5")
    assert main(["validate", str(folder), "--chunks"]) == 1
    expected = capsys.readouterr().out
    with running_scheduler(tmp_path / "scheduler.json") as address:
        assert address.startswith("tcp://")
        assert main(["validate", str(folder), "--chunks", "--dask", address]) == 1
    found = capsys.readouterr()
    assert found.out == expected
    assert found.err == ""


def _wait_for(path: Path, process: subprocess.Popen[bytes]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size:
            return dict(json.loads(path.read_text()))
        assert process.poll() is None, "the dask scheduler exited"
        time.sleep(0.1)
    raise AssertionError("the dask scheduler wrote no scheduler file in 60 s")


class running_scheduler:  # noqa: N801 (used as a context manager, like a function)
    """A dask scheduler and one worker of two threads, each its own process, started by the dask CLI."""

    def __init__(self, scheduler_file: Path) -> None:
        self.scheduler_file = scheduler_file
        self.processes: list[subprocess.Popen[bytes]] = []

    def _start(self, *arguments: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "dask", *arguments, "--scheduler-file", str(self.scheduler_file)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def __enter__(self) -> str:
        local = ("--host", "127.0.0.1", "--port", "0", "--dashboard-address", "127.0.0.1:0")
        scheduler = self._start("scheduler", *local)
        address = str(_wait_for(self.scheduler_file, scheduler)["address"])
        self._start("worker", "--nworkers", "1", "--nthreads", "2", "--no-dashboard", "--no-nanny")
        with Client(address, timeout=30, set_as_default=False) as probe:
            probe.wait_for_workers(1, timeout=60)
        return address

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# ----------------------------------------------------------------------------------------------- the command


def test_dask_needs_the_chunks_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_store(broken_store("zarr2")[0], tmp_path / "store.zarr")
    assert main(["validate", str(folder), "--dask", "local:1"]) == 2
    assert "--dask needs --chunks" in capsys.readouterr().err


def test_a_cluster_spec_must_be_local_or_an_address(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "store.zarr", "--chunks", "--dask", "local:zero"])
    assert exit_info.value.code == 2
    assert "local:N" in capsys.readouterr().err


def test_an_unreachable_scheduler_exits_2_in_bounded_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scale, "CONNECT_TIMEOUT", 1)
    folder = write_store(broken_store("zarr2")[0], tmp_path / "store.zarr")
    started = time.monotonic()
    assert main(["validate", str(folder), "--chunks", "--dask", "tcp://127.0.0.1:9"]) == 2
    assert time.monotonic() - started < 30
    assert "cannot reach the dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------------- progress


def test_progress_is_quiet_when_stderr_is_no_terminal(tmp_path: Path) -> None:
    folder = write_store(broken_store("zarr3")[0], tmp_path / "store.zarr")
    result = subprocess.run(
        [*ZN5, "validate", str(folder), "--chunks"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1].startswith(str(folder))


def on_a_terminal(*arguments: str) -> str:
    """What a terminal of 120 columns shows while ``zn5`` runs with ``arguments``."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen([*ZN5, *arguments], stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closed: the program ended
            break
        if not data:
            break
        shown += data
    os.close(leader)
    assert process.wait(timeout=120) in (0, 1)
    return shown.decode("utf-8", "replace")


def test_progress_shows_on_a_terminal(tmp_path: Path) -> None:
    store = broken_store("zarr3")[0]
    folder = write_store(store, tmp_path / "store.zarr")
    shown = on_a_terminal("validate", str(folder), "--chunks")
    assert "validate (serial)" in shown and "key/s" in shown
    assert f"/{len(store.values)} " in shown  # the bar counts every key of the store
    assert "5 errors, 3 warnings, 0 deviations" in shown


def test_progress_is_quiet_with_json_on_a_terminal(tmp_path: Path) -> None:
    folder = write_store(broken_store("zarr3")[0], tmp_path / "store.zarr")
    shown = on_a_terminal("validate", str(folder), "--chunks", "--json")
    assert "validate (" not in shown and "key/s" not in shown
    assert json.loads(shown)["checked"]["chunks"] == 200

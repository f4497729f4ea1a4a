"""Large stores: ``zn5 validate --chunks --dask`` decodes the chunks on a dask.distributed cluster, and a
long validation shows its progress on a terminal.

``--dask local:N`` starts a ``LocalCluster`` of N worker processes (one thread each) for the run;
``--dask tcp://HOST:PORT`` uses a running scheduler, whose workers must have zn5 installed and reach the
store by the same path. The client keeps listing the store and judging keys itself; the chunks it meets
go to the workers in batches of consecutive chunks of one array (:func:`check_batch` over
:func:`check_chunk`, the serial path's own function), a bounded number of batches at a time. Each batch
returns only its problems and counts, and the results are taken back in listing order, so the report is
the serial one, problem for problem (CONF-VALIDATE-001), and memory stays flat in the number of chunks.

The progress bar (tqdm, on stderr) counts keys, chunks, their rate and the time left; it is shown only
when stderr is a terminal and the report is text, never with ``--json``.

dask and distributed come with the ``dask`` extra: ``pip install 'zn5[dask]'``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Final, Never

from tqdm import tqdm

from zn5.conformance.validation.chunks import (
    Checker,
    ChunkCheck,
    ChunkWork,
    Work,
    check_batch,
    check_serially,
)
from zn5.reference.array import Array

if TYPE_CHECKING:
    from distributed import Client, Future

BATCH: Final = 256
"""Chunks per task at most: large enough that the client's cost per task (about 3 ms) is small."""
BATCH_BYTES: Final = 16 * 2**20
"""Decoded bytes per task at most, so that large chunks spread over the workers in many tasks: 1 600
chunks of 512 kB make 50 tasks, not 7 of 256 chunks that leave a worker idle at the end. Each task costs
the client about 3 ms (measured: 4 MB tasks, four times as many, took 0.64 s of the client's CPU against
0.25 s), which is why a task is not smaller."""
CONNECT_TIMEOUT: Final = 10
"""Seconds to reach a running scheduler before giving up."""
UNSET_TRIM: Final = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
"""The nanny sets ``MALLOC_TRIM_THRESHOLD_`` in its workers, which turns off glibc's adaptive mmap
threshold: every chunk-sized buffer is then mapped and unmapped afresh, and decoding 512 kB chunks took
about 30% longer in a worker than in a plain process. A validation's memory is flat without it."""
LOCAL: Final = re.compile(r"^local:([1-9][0-9]{0,3})$")
ADDRESS: Final = re.compile(r"^(tcp|tls|inproc)://\S+$")


class ScaleError(RuntimeError):
    """The cluster cannot be had, or it failed while it checked chunks."""


# ----------------------------------------------------------------------------------------------- clusters


def check_cluster_spec(spec: str) -> str:
    """``spec`` when it names a cluster (``local:N`` or a scheduler address); the type of ``--dask``."""
    if LOCAL.match(spec) or ADDRESS.match(spec):
        return spec
    raise argparse.ArgumentTypeError(
        f"--dask takes local:N (N workers on this machine) or tcp://HOST:PORT, not {spec!r}"
    )


@contextlib.contextmanager
def cluster_client(spec: str) -> Iterator[Client]:
    """A client of the cluster ``spec`` names; a local cluster lives as long as the client."""
    try:
        import dask
        import distributed
    except ImportError:
        raise ScaleError("--dask needs dask and distributed: pip install 'zn5[dask]'") from None
    local = LOCAL.match(check_cluster_spec(spec))
    if local is None:
        try:
            client = distributed.Client(spec, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise ScaleError(f"cannot reach the dask scheduler at {spec}: {error}") from None
        with client:
            yield client
        return
    with (
        dask.config.set({UNSET_TRIM: None}),
        distributed.LocalCluster(
            n_workers=int(local.group(1)),
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",  # no fixed port: other clusters may run here
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        yield client


def describe(client: Client, spec: str) -> str:
    """Where chunks are checked, for the progress bar: the cluster and its worker count."""
    workers = len(client.scheduler_info().get("workers", {}))
    return f"dask {spec}, {workers} worker{'' if workers == 1 else 's'}"


@contextlib.contextmanager
def checker_for(spec: str | None) -> Iterator[tuple[Checker, str]]:
    """The checker of a validation and where it runs: serially, or on the cluster ``spec`` names."""
    if spec is None:
        yield check_serially, "serial"
        return
    with cluster_client(spec) as client:
        yield DaskChecker(client), describe(client, spec)


# ----------------------------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class _Batch:
    """A batch of chunks running on the cluster."""

    future: Future[ChunkCheck]
    array: str
    first: str


class _InOrder:
    """Finished checks and running batches in listing order; the front leaves as soon as it is done."""

    def __init__(self) -> None:
        self.entries: deque[ChunkCheck | _Batch] = deque()
        self.running = 0

    def add_check(self, check: ChunkCheck) -> None:
        """A key checked while listing; runs of keys without problems share one entry."""
        tail = self.entries[-1] if self.entries else None
        if isinstance(tail, ChunkCheck) and not check.problems:
            self.entries[-1] = tail.then(check)
        else:
            self.entries.append(check)

    def add_batch(self, batch: _Batch) -> None:
        """A batch just submitted."""
        self.entries.append(batch)
        self.running += 1

    def settle(self, limit: int) -> Iterator[ChunkCheck]:
        """Every check at the front that is done, waiting for batches until at most ``limit`` run."""
        while self.entries:
            head = self.entries[0]
            if isinstance(head, _Batch):
                if self.running <= limit and not head.future.done():
                    return
                check = _result(head)
                self.running -= 1
            else:
                check = head
            self.entries.popleft()
            yield check


def _result(batch: _Batch) -> ChunkCheck:
    """The check a batch returned; its result is released on the cluster at once."""
    try:
        return batch.future.result()
    except Exception as error:
        raise ScaleError(
            f"the cluster failed to check chunks of /{batch.array} (from {batch.first}): "
            f"{type(error).__name__}: {error}"
        ) from error
    finally:
        batch.future.release()


class DaskChecker:
    """Checks the stored chunks of a validation on a dask cluster, in batches, with at most
    ``in_flight`` batches submitted at once (twice the cluster's threads by default)."""

    def __init__(self, client: Client, *, batch: int = BATCH, in_flight: int | None = None) -> None:
        self.client = client
        self.batch = batch
        threads = sum(client.nthreads().values())
        self.in_flight = in_flight or 2 * max(1, threads)
        self._arrays: dict[int, tuple[Array, Future[Array]]] = {}

    def __call__(self, work: Iterable[Work]) -> Iterator[ChunkCheck]:
        """One check per run of work items, in the order of the items (CONF-VALIDATE-001)."""
        order = _InOrder()
        batch: list[ChunkWork] = []
        limit = self.batch
        for item in work:
            if isinstance(item, ChunkWork) and batch and item.array is batch[0].array and len(batch) < limit:
                batch.append(item)
                continue
            if batch:
                yield from order.settle(self.in_flight - 1)
                order.add_batch(self._submit(batch))
            if isinstance(item, ChunkWork):
                batch, limit = [item], self._batch_for(item.array)
            else:
                batch = []
                order.add_check(item)
            yield from order.settle(self.in_flight)
        if batch:
            yield from order.settle(self.in_flight - 1)
            order.add_batch(self._submit(batch))
        yield from order.settle(0)

    def _batch_for(self, array: Array) -> int:
        """Chunks per task for ``array``: :attr:`batch`, fewer where its chunks are large (BATCH_BYTES)."""
        chunk_bytes = max(1, math.prod(array.chunks) * array.dtype.itemsize)
        return max(1, min(self.batch, BATCH_BYTES // chunk_bytes))

    def _submit(self, batch: list[ChunkWork]) -> _Batch:
        """One task for ``batch`` (chunks of one array); the bytes the walk fetched travel with it."""
        array = batch[0].array
        positions = [item.coords for item in batch]
        fetched = [item.fetched for item in batch]
        future = self.client.submit(check_batch, self._scattered(array), positions, fetched, pure=False)
        return _Batch(future, array.path, array.chunk_key(positions[0]))

    def _scattered(self, array: Array) -> Future[Array]:
        """The array (its store, path and model) sent to the cluster once, shared by its batches."""
        known = self._arrays.get(id(array))
        if known is None:
            try:
                future = self.client.scatter(array, hash=False)
            except Exception as error:
                raise ScaleError(
                    f"cannot send /{array.path} and its store ({array.store!r}) to the cluster: "
                    f"{type(error).__name__}: {error}"
                ) from error
            known = self._arrays[id(array)] = (array, future)
        return known[1]


# ----------------------------------------------------------------------------------------------- progress


class TerminalProgress:
    """A tqdm bar on ``stream``: keys and chunks checked, their rate and the time left."""

    def __init__(self, where: str, stream: IO[str] | None = None) -> None:
        self.where = where
        self.stream = stream if stream is not None else sys.stderr
        self.chunks = 0
        self.bar: tqdm[Never] | None = None

    def start(self, total: int) -> None:
        """The key-by-key pass begins."""
        self.bar = tqdm(
            total=total,
            unit="key",
            desc=f"validate ({self.where})",
            file=self.stream,
            leave=False,
            dynamic_ncols=True,
            mininterval=0.5,
        )

    def advance(self, check: ChunkCheck) -> None:
        """``check``'s keys are done."""
        if self.bar is None:
            return
        self.chunks += check.chunks
        self.bar.set_postfix_str(f"{self.chunks} chunks", refresh=False)
        self.bar.update(check.keys)

    def write(self, line: str) -> None:
        """Print a line of the report to stdout without breaking the bar."""
        if self.bar is None:
            print(line)
        else:
            tqdm.write(line, file=sys.stdout)

    def close(self) -> None:
        """Take the bar off the terminal."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

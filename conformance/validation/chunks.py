"""The check of stored chunks that ``zn5 validate --chunks`` runs, serially or on a dask cluster.

:func:`check_chunk` is a plain function of an array and a chunk position: it decodes the chunk and
compares its headers with the metadata, and returns only the problems it found. The serial walk calls it
key by key; ``validation.scale`` calls it through :func:`check_batch` on dask workers. Both give the
same problems in the same order (CONF-VALIDATE-001).

The walk hands a checker a stream of work items in listing order, one per key: a :class:`ChunkWork` for
a stored chunk to decode, or a finished :class:`ChunkCheck` for a key that needs no decoding (its
problems, if any, were found while listing). A checker answers with :class:`ChunkCheck` values covering
every item, in the same order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from zn5.reference.array import Array
from zn5.reference.errors import Problem, ZN5Error

UNDECODABLE_CHUNK = "CORE-CODEC-005"
REMOTE_THREADS = 16
"""How many chunks of a network store the serial checker fetches at once."""


@dataclass(frozen=True)
class ChunkWork:
    """A stored chunk to decode and check: its array and its grid position."""

    array: Array
    coords: tuple[int, ...]


@dataclass(frozen=True)
class ChunkCheck:
    """What checking a run of consecutive keys found: only its problems and how many it covered."""

    problems: tuple[Problem, ...] = ()
    keys: int = 1
    chunks: int = 0
    decoded: int = 0

    def then(self, other: ChunkCheck) -> ChunkCheck:
        """This run followed by ``other``, as one run."""
        return ChunkCheck(
            self.problems + other.problems,
            self.keys + other.keys,
            self.chunks + other.chunks,
            self.decoded + other.decoded,
        )


Work = ChunkWork | ChunkCheck
Checker = Callable[[Iterable[Work]], Iterator[ChunkCheck]]
"""Turns the walk's work items into checks that cover them, in order (CONF-VALIDATE-001)."""


class Progress(Protocol):
    """Told how far the key-by-key pass of a validation has come."""

    def start(self, total: int) -> None:
        """The pass begins; it will cover ``total`` keys."""

    def advance(self, check: ChunkCheck) -> None:
        """``check`` is done: its keys and chunks were checked."""


def check_chunk(array: Array, coords: tuple[int, ...]) -> ChunkCheck:
    """Decode the chunk at ``coords`` and compare its stored headers with the metadata (CORE-CODEC-005,
    CODEC-BLOSC-004, N5-BLOCK-008); a reference bug becomes a problem, not a crash of the report."""
    try:
        problems = array.stored_chunk_problems(coords, decode=True)
    except ZN5Error as error:
        return ChunkCheck(tuple(error.problems), chunks=1)
    except Exception as error:  # a reference bug must not hide the rest of the report
        message = f"the reference failed unexpectedly ({type(error).__name__}: {error}); please report this"
        return ChunkCheck((Problem(array.chunk_key(coords), "", message, UNDECODABLE_CHUNK),), chunks=1)
    return ChunkCheck(tuple(problems), chunks=1, decoded=1)


def check_batch(array: Array, positions: Sequence[tuple[int, ...]]) -> ChunkCheck:
    """:func:`check_chunk` over several chunks of one array, as one check: what a dask task runs."""
    problems: list[Problem] = []
    decoded = 0
    for coords in positions:
        found = check_chunk(array, coords)
        problems.extend(found.problems)
        decoded += found.decoded
    return ChunkCheck(tuple(problems), len(positions), len(positions), decoded)


def check_serially(work: Iterable[Work]) -> Iterator[ChunkCheck]:
    """The checker that decodes each chunk in this process, answering in listing order. Chunks of a
    network store (``concurrency`` above 1) are fetched and decoded on a bounded thread pool, so that
    their requests overlap (STORE-REMOTE-003); the answers, and so the report, are the same."""
    pending: deque[Future[ChunkCheck] | ChunkCheck] = deque()
    with ThreadPoolExecutor(max_workers=REMOTE_THREADS) as pool:
        for item in work:
            if not isinstance(item, ChunkWork):
                pending.append(item)
            elif item.array.store.concurrency > 1:
                pending.append(pool.submit(check_chunk, item.array, item.coords))
            else:
                pending.append(check_chunk(item.array, item.coords))
            while pending and (len(pending) > 2 * REMOTE_THREADS or _finished(pending[0])):
                yield _answer(pending.popleft())
        while pending:
            yield _answer(pending.popleft())


def _finished(entry: Future[ChunkCheck] | ChunkCheck) -> bool:
    return not isinstance(entry, Future) or entry.done()


def _answer(entry: Future[ChunkCheck] | ChunkCheck) -> ChunkCheck:
    return entry.result() if isinstance(entry, Future) else entry

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
from itertools import repeat
from typing import Protocol

from zn5.reference.array import Array
from zn5.reference.errors import Problem, ZN5Error
from zn5.reference.store.base import Store

UNDECODABLE_CHUNK = "CORE-CODEC-005"
WINDOWS = 2
"""How many windows of a network store's chunks the serial checker has under way at once."""


@dataclass(frozen=True)
class ChunkWork:
    """A stored chunk to decode and check: its array and its grid position."""

    array: Array
    coords: tuple[int, ...]
    fetched: bytes | None = None
    """The chunk's stored bytes when the walk fetched them already (a store that cannot list finds its
    chunks by fetching them, STORE-REMOTE-006); None: the checker fetches them."""


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
    return _guarded(array, coords, lambda: array.stored_chunk_problems(coords, decode=True))


def check_fetched(array: Array, coords: tuple[int, ...], data: bytes | None) -> ChunkCheck:
    """:func:`check_chunk` of the chunk's stored bytes, already fetched (None: the chunk is gone)."""
    return _guarded(array, coords, lambda: array.stored_bytes_problems(coords, data, decode=True))


def _guarded(array: Array, coords: tuple[int, ...], problems: Callable[[], list[Problem]]) -> ChunkCheck:
    try:
        found = problems()
    except ZN5Error as error:
        return ChunkCheck(tuple(error.problems), chunks=1)
    except Exception as error:  # a reference bug must not hide the rest of the report
        message = f"the reference failed unexpectedly ({type(error).__name__}: {error}); please report this"
        return ChunkCheck((Problem(array.chunk_key(coords), "", message, UNDECODABLE_CHUNK),), chunks=1)
    return ChunkCheck(tuple(found), chunks=1, decoded=1)


def check_batch(
    array: Array, positions: Sequence[tuple[int, ...]], fetched: Sequence[bytes | None]
) -> ChunkCheck:
    """Several chunks of one array checked as one check: what a dask task runs. ``fetched`` holds each
    chunk's bytes where the walk fetched them already (:attr:`ChunkWork.fetched`; None: fetch them), so
    that no chunk of a store that cannot list is requested twice (STORE-REMOTE-006)."""
    problems: list[Problem] = []
    decoded = 0
    for item in map(ChunkWork, repeat(array), positions, fetched):
        found = _check_alone(item)
        problems.extend(found.problems)
        decoded += found.decoded
    return ChunkCheck(tuple(problems), len(positions), len(positions), decoded)


def check_serially(work: Iterable[Work]) -> Iterator[ChunkCheck]:
    """The checker that decodes each chunk in this process, answering in listing order. Chunks are
    checked a window at a time: one ``Store.get_many`` fetches the bytes of a window's chunks. A window of
    a network store holds ``concurrency`` chunks, whose requests run at once (STORE-REMOTE-003), and
    :data:`WINDOWS` windows are under way together, so that decoding one overlaps the next one's requests;
    a local store's window is one chunk, checked in this thread. The answers, and so the report, are the
    same either way."""
    pending: deque[Future[list[ChunkCheck]]] = deque()
    with ThreadPoolExecutor(max_workers=WINDOWS) as pool:
        for window in _windows(work):
            if _concurrency(window) > 1:
                pending.append(pool.submit(_check_window, window))
            else:
                while pending:
                    yield from pending.popleft().result()
                yield from _check_window(window)
            while pending and (len(pending) > WINDOWS or pending[0].done()):
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _concurrency(window: Sequence[Work]) -> int:
    """How many chunks of the window's store are fetched at once (1 without chunks)."""
    return next((item.array.store.concurrency for item in window if isinstance(item, ChunkWork)), 1)


def _windows(work: Iterable[Work]) -> Iterator[list[Work]]:
    """The work in order, cut every ``concurrency`` items of one store (every item without chunks)."""
    window: list[Work] = []
    for item in work:
        current = _store(window)
        if isinstance(item, ChunkWork) and current is not None and item.array.store is not current:
            yield window
            window = []
        window.append(item)
        if len(window) >= _concurrency(window):
            yield window
            window = []
    if window:
        yield window


def _store(window: Sequence[Work]) -> Store | None:
    return next((item.array.store for item in window if isinstance(item, ChunkWork)), None)


def _check_window(window: Sequence[Work]) -> list[ChunkCheck]:
    """The checks of a window's items in order, its chunks' bytes fetched together."""
    chunks = [item for item in window if isinstance(item, ChunkWork)]
    checked = iter(_check_chunks(chunks))
    return [next(checked) if isinstance(item, ChunkWork) else item for item in window]


def _check_chunks(chunks: Sequence[ChunkWork]) -> list[ChunkCheck]:
    stored = _stored_bytes(chunks)
    if stored is None:
        return [_check_alone(item) for item in chunks]
    return [check_fetched(item.array, item.coords, data) for item, data in zip(chunks, stored, strict=True)]


def _check_alone(item: ChunkWork) -> ChunkCheck:
    if item.fetched is None:
        return check_chunk(item.array, item.coords)
    return check_fetched(item.array, item.coords, item.fetched)


def _stored_bytes(chunks: Sequence[ChunkWork]) -> list[bytes | None] | None:
    """Each chunk's stored bytes, those the walk did not fetch in one ``get_many``; None when that failed,
    so that each chunk is read alone and an error is its own chunk's problem (STORE-REMOTE-004)."""
    wanted = [item for item in chunks if item.fetched is None]
    if not wanted:
        return [item.fetched for item in chunks]
    try:
        values = iter(wanted[0].array.store.get_many([item.array.chunk_key(item.coords) for item in wanted]))
    except ZN5Error:
        return None
    return [next(values) if item.fetched is None else item.fetched for item in chunks]

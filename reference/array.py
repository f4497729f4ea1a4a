"""Arrays: read and write selections through the grid, the key encoding, the codecs and the store.

Chunks are independent, so they are decoded and encoded on a thread pool (the compressors release the
GIL). The chunks a selection touches are handed to the pool as they are enumerated, a bounded number at
a time, so reading or writing holds a few chunks at once whatever their number. A missing chunk reads
as the fill value (CORE-CHUNK-001); a stored chunk that cannot be decoded is an error, never silently
the fill value (CORE-CODEC-005).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from functools import cached_property
from itertools import chain, islice
from typing import Any, Generic, TypeVar

import numpy as np

from zn5.reference.codecs.base import ChunkSpec
from zn5.reference.codecs.pipeline import CodecPipeline
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.errors import Problem
from zn5.reference.formats.dialect import write_node
from zn5.reference.indexing import ChunkSelection, chunk_selections, finish, normalize, selection_shape
from zn5.reference.model.node import ArrayModel, GroupModel, prefix
from zn5.reference.store.base import Store, StoreByteGetter

WORKERS = min(8, os.cpu_count() or 1)
"""At most this many chunks are queued on the pool at once: each holds its decoded and encoded bytes."""


def _parallel(
    function: Callable[[ChunkSelection], None], items: Iterable[ChunkSelection], store: Store | None = None
) -> None:
    """Run ``function`` on every item, on the thread pool when there are several; a network store asks
    for more threads than there are cores, so its requests overlap (STORE-REMOTE-003).

    Items are taken from ``items`` only as the pool frees up, and each finished one is dropped at once,
    so no list of the chunks, their futures or their results grows with their number. The first
    failure in the order of ``items`` is raised, and no item after it is started."""
    workers = max(WORKERS, store.concurrency if store is not None else 1)
    iterator = iter(items)
    head = list(islice(iterator, 2))
    if len(head) < 2 or workers == 1:
        for item in chain(head, iterator):
            function(item)
        return
    with ThreadPoolExecutor(workers) as pool:
        pending: deque[Future[None]] = deque()
        for item in chain(head, iterator):
            if len(pending) >= 2 * workers:
                pending.popleft().result()
            pending.append(pool.submit(function, item))
        while pending:
            pending.popleft().result()


class Attributes(MutableMapping[str, Any]):
    """A node's attributes; each change writes the node's metadata again."""

    def __init__(self, values: dict[str, Any], save: Callable[[dict[str, Any]], None]) -> None:
        self._values = values
        self._save = save

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self._values[name] = value
        self._save(self._values)

    def __delitem__(self, name: str) -> None:
        del self._values[name]
        self._save(self._values)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def update_all(self, values: dict[str, Any]) -> None:
        """Replace several attributes with one write."""
        self._values.update(values)
        self._save(self._values)

    def __repr__(self) -> str:
        return f"Attributes({self._values!r})"


ModelT = TypeVar("ModelT", bound=ArrayModel | GroupModel)


class StoredNode(Generic[ModelT]):
    """What an array and a group share: the store, the node's path, its model, the format, and the
    attributes, which a change writes back with the node's metadata (CORE-ATTR-001)."""

    def __init__(self, store: Store, path: str, model: ModelT, format_name: str) -> None:
        self.store = store
        self.path = path
        self.model: ModelT = model
        self.format = format_name

    @cached_property
    def attrs(self) -> Attributes:
        """The node's attributes."""
        return Attributes(dict(self.model.attributes), self._save_attributes)

    def _save_attributes(self, values: dict[str, Any]) -> None:
        self.model = replace(self.model, attributes=dict(values))
        write_node(self.store, self.path, self.model, self.format)


class Array(StoredNode[ArrayModel]):
    """An array node of a store."""

    def __init__(self, store: Store, path: str, model: ArrayModel, format_name: str) -> None:
        super().__init__(store, path, model, format_name)
        self.pipeline = CodecPipeline.of(model.codecs)

    def __repr__(self) -> str:
        return f"<zn5 Array {self.format} /{self.path} shape={self.shape} dtype={self.dtype}>"

    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape (for N5: ``dimensions`` as declared)."""
        return self.model.shape

    @property
    def dtype(self) -> np.dtype[Any]:
        """The element type, in native byte order."""
        return self.model.data_type.numpy_dtype

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self.model.ndim

    @property
    def size(self) -> int:
        """Number of elements."""
        return self.model.size

    @property
    def chunks(self) -> tuple[int, ...]:
        """The chunk shape."""
        return self.model.chunk_grid.chunk_shape

    @property
    def fill_value(self) -> Any:
        """The fill value as a NumPy scalar, or None when it is undefined (Zarr v2 ``null``)."""
        return None if self.model.fill_value is None else self.model.data_type.scalar(self.model.fill_value)

    def chunk_key(self, coords: tuple[int, ...]) -> str:
        """The store key of the chunk at ``coords``."""
        return prefix(self.path) + self.model.chunk_key_encoding.encode(coords)

    def chunk_spec(self, coords: tuple[int, ...]) -> ChunkSpec:
        """The decoded representation of the chunk at ``coords``."""
        grid = self.model.chunk_grid
        return ChunkSpec(
            shape=grid.chunk_shape,
            dtype=self.dtype,
            fill_value=self.model.fill_bytes,
            valid_shape=grid.valid_shape(coords, self.shape),
            key=self.chunk_key(coords),
        )

    def read_chunk(self, coords: tuple[int, ...]) -> np.ndarray[Any, Any]:
        """The whole chunk at ``coords``, the fill value where it is missing (CORE-CHUNK-001)."""
        spec = self.chunk_spec(coords)
        data = self.store.get(spec.key)
        return spec.fill_array() if data is None else self.pipeline.decode(data, spec)

    def stored_chunk_problems(self, coords: tuple[int, ...], *, decode: bool = False) -> list[Problem]:
        """Where the stored bytes of the chunk at ``coords`` contradict the metadata (a blosc header, gzip
        or zlib framing, an N5 block header, a shard index): a writer's fault that reading, led by the
        bytes, never sees. With ``decode`` the same bytes are decoded first, which raises what reading
        the chunk would: one store request instead of two."""
        return self.stored_bytes_problems(coords, self.store.get(self.chunk_key(coords)), decode=decode)

    def stored_bytes_problems(
        self, coords: tuple[int, ...], data: bytes | None, *, decode: bool = False
    ) -> list[Problem]:
        """:meth:`stored_chunk_problems` of bytes already fetched from the chunk's key (None: no chunk)."""
        spec = self.chunk_spec(coords)
        if data is None:
            return []
        stored = (
            self.pipeline.checked_decode(data, spec) if decode else self.pipeline.stored_problems(data, spec)
        )
        return [Problem(spec.key, "", found.message, found.requirement, found.level) for found in stored]

    def write_chunk(self, coords: tuple[int, ...], chunk: np.ndarray[Any, Any]) -> None:
        """Encode and store a whole chunk."""
        spec = self.chunk_spec(coords)
        self.store.set(spec.key, self.pipeline.encode(np.ascontiguousarray(chunk, dtype=self.dtype), spec))

    def _read_part(self, part: ChunkSelection) -> np.ndarray[Any, Any]:
        codec = self.pipeline.array_bytes
        if isinstance(codec, Sharding) and not self.pipeline.array_array and not self.pipeline.bytes_bytes:
            spec = self.chunk_spec(part.coords)
            bounds = tuple(slice(r.start, r.stop) for r in part.chunk_region)
            block = codec.decode_region(StoreByteGetter(self.store, spec.key), spec, bounds)
            return block[tuple(slice(None, None, r.step) for r in part.chunk_region)]
        return self.read_chunk(part.coords)[part.chunk_region]

    def __getitem__(self, selection: Any) -> Any:
        axes = normalize(selection, self.shape)
        out = np.empty(selection_shape(axes), dtype=self.dtype)

        def copy(part: ChunkSelection) -> None:
            out[part.out_region] = self._read_part(part)

        _parallel(copy, chunk_selections(axes, self.chunks), self.store)
        return finish(out, axes)

    def __setitem__(self, selection: Any, value: Any) -> None:
        axes = normalize(selection, self.shape)
        target_shape = tuple(axis.count for axis in axes if not axis.dropped)
        values = np.broadcast_to(np.asarray(value, dtype=self.dtype), target_shape)
        values = values[tuple(np.newaxis if axis.dropped else slice(None) for axis in axes)]
        values = values[tuple(slice(None, None, -1) if axis.reversed else slice(None) for axis in axes)]

        def store_part(part: ChunkSelection) -> None:
            spec = self.chunk_spec(part.coords)
            if self._covers_chunk(part, spec):
                chunk = spec.fill_array()
            else:
                chunk = self.read_chunk(part.coords).copy()
            chunk[part.chunk_region] = values[part.out_region]
            self.store.set(spec.key, self.pipeline.encode(chunk, spec))

        _parallel(store_part, chunk_selections(axes, self.chunks))

    @staticmethod
    def _covers_chunk(part: ChunkSelection, spec: ChunkSpec) -> bool:
        """Whether a write replaces every element of the chunk inside the array."""
        return all(
            region.start == 0 and region.stop >= valid and region.step == 1
            for region, valid in zip(part.chunk_region, spec.valid_shape, strict=True)
        )

"""The ``sharding_indexed`` codec: inner chunks in one stored value, with an index (spec/codecs/sharding.md).

The index is a uint64 array of shape ``chunks_per_shard + [2]`` holding ``(offset, nbytes)`` for each
inner chunk in C order; ``2**64 - 1`` in both marks an absent inner chunk, which reads as the fill value
(CODEC-SHARDING-003). The index sits at the start or the end of the shard and is encoded with
``index_codecs``, which must have a fixed encoded size (CODEC-SHARDING-002). Readers that need part of a
shard fetch the index and then only the inner chunks they need (CODEC-SHARDING-005). An index that is a
lone ``bytes`` codec, with no checksum over it, is read only as far as the entries needed: from the
first needed entry to the last at the start of the shard, from the first needed entry on at its end;
(CODEC-SHARDING-007); a checksummed index is read whole, since only the whole can be verified
(CODEC-SHARDING-004).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import pairwise, product
from typing import Any, Literal

import numpy as np

from zn5.reference.codecs.base import ArrayBytesCodec, ByteGetter, ChunkSpec, Codec, StoredProblem
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.pipeline import CodecPipeline
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.errors import ChunkError
from zn5.reference.store.base import slice_range

ABSENT = 2**64 - 1
FIXED_SIZE_INDEX_CODECS = (BytesCodec, Crc32c, Transpose)
Region = tuple[slice, ...]


def _parse_chain(configuration: Mapping[str, Any], member: str, default: Any = None) -> tuple[Codec, ...]:
    from zn5.reference.codecs.registry import BY_NAME

    items = configuration.get(member, default)
    if not isinstance(items, list) or not items:
        raise ValueError(f"configuration.{member} must be a non-empty list of codecs")
    chain = []
    for position, item in enumerate(items):
        name, inner = (
            (item, {}) if isinstance(item, str) else (item.get("name"), item.get("configuration", {}))
        )
        codec = BY_NAME.get(name) if isinstance(name, str) else None
        if codec is None:
            raise ValueError(f"configuration.{member}[{position}] names no known codec: {item!r}")
        chain.append(codec.from_configuration(inner))
    return tuple(chain)


@dataclass(frozen=True)
class Sharding(ArrayBytesCodec):
    """Shards of ``chunk_shape`` inner chunks (CODEC-SHARDING-001)."""

    name = "sharding_indexed"
    chunk_shape: tuple[int, ...]
    codecs: tuple[Codec, ...]
    index_codecs: tuple[Codec, ...] = (BytesCodec("little"), Crc32c())
    index_location: Literal["start", "end"] = "end"

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Sharding:
        from zn5.reference.codecs._config import check_members, choice

        check_members(configuration, {"chunk_shape", "codecs", "index_codecs", "index_location"})
        shape = configuration.get("chunk_shape")
        if not isinstance(shape, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in shape
        ):
            raise ValueError(f"configuration.chunk_shape must be a list of positive integers (got {shape!r})")
        index_codecs = _parse_chain(configuration, "index_codecs")
        if not all(isinstance(codec, FIXED_SIZE_INDEX_CODECS) for codec in index_codecs):
            raise ValueError(
                "configuration.index_codecs may hold only fixed-size codecs (bytes, transpose, crc32c)"
            )
        sharding = cls(
            chunk_shape=tuple(shape),
            codecs=_parse_chain(configuration, "codecs"),
            index_codecs=index_codecs,
            index_location=choice(configuration, "index_location", ("start", "end"), default="end"),
        )
        sharding.inner_pipeline  # noqa: B018 - validates the order of the inner chain
        sharding.index_pipeline  # noqa: B018
        return sharding

    def configuration(self) -> dict[str, Any]:
        def chain(codecs: tuple[Codec, ...]) -> list[dict[str, Any]]:
            return [{"name": codec.name, "configuration": codec.configuration()} for codec in codecs]

        return {
            "chunk_shape": list(self.chunk_shape),
            "codecs": chain(self.codecs),
            "index_codecs": chain(self.index_codecs),
            "index_location": self.index_location,
        }

    @cached_property
    def inner_pipeline(self) -> CodecPipeline:
        """The chain that encodes each inner chunk."""
        return CodecPipeline.of(self.codecs)

    @cached_property
    def index_pipeline(self) -> CodecPipeline:
        """The chain that encodes the index."""
        return CodecPipeline.of(self.index_codecs)

    def problems(self, spec: ChunkSpec) -> list[tuple[str, str]]:
        """The inner chunks must tile the shard exactly (CODEC-SHARDING-002); the inner chain must fit."""
        if len(spec.shape) != len(self.chunk_shape) or any(
            outer % inner for outer, inner in zip(spec.shape, self.chunk_shape, strict=True)
        ):
            message = (
                f"configuration.chunk_shape {list(self.chunk_shape)} does not divide the shard shape "
                f"{list(spec.shape)}"
            )
            return [(message, "CODEC-SHARDING-002")]
        inner = self.inner_pipeline.problems(self._inner_spec(spec, (0,) * len(spec.shape)))
        return [
            (f"configuration.codecs[{index}]: {message}", requirement)
            for index, message, requirement in inner
        ]

    def completed(self, spec: ChunkSpec) -> Sharding:
        """The inner chain with its array-dependent settings filled in."""
        inner = self.inner_pipeline.completed(self._inner_spec(spec, (0,) * len(spec.shape)))
        return replace(self, codecs=inner)

    def _chunks_per_shard(self, spec: ChunkSpec) -> tuple[int, ...]:
        return tuple(outer // inner for outer, inner in zip(spec.shape, self.chunk_shape, strict=True))

    def _index_spec(self, spec: ChunkSpec) -> ChunkSpec:
        shape = (*self._chunks_per_shard(spec), 2)
        fill = np.uint64(ABSENT).tobytes()
        return ChunkSpec(shape, np.dtype("uint64"), fill, shape, f"{spec.key} (shard index)")

    def index_size(self, spec: ChunkSpec) -> int:
        """The exact encoded size of the index."""
        index_spec = self._index_spec(spec)
        return len(self.index_pipeline.encode(index_spec.fill_array(), index_spec))

    def _inner_spec(self, spec: ChunkSpec, position: tuple[int, ...]) -> ChunkSpec:
        origin = [p * c for p, c in zip(position, self.chunk_shape, strict=True)]
        valid = tuple(
            max(0, min(c, v - o)) for c, v, o in zip(self.chunk_shape, spec.valid_shape, origin, strict=True)
        )
        return replace(
            spec, shape=self.chunk_shape, valid_shape=valid, key=f"{spec.key} inner {list(position)}"
        )

    def _inner_region(self, position: tuple[int, ...]) -> Region:
        return tuple(slice(p * c, (p + 1) * c) for p, c in zip(position, self.chunk_shape, strict=True))

    def encode(self, chunk: np.ndarray[Any, Any], spec: ChunkSpec) -> bytes:
        cps = self._chunks_per_shard(spec)
        index = np.full((*cps, 2), ABSENT, dtype=np.uint64)
        offset = self.index_size(spec) if self.index_location == "start" else 0
        parts = []
        for position in product(*map(range, cps)):
            inner = np.ascontiguousarray(chunk[self._inner_region(position)])
            if spec.is_fill(inner):
                continue
            encoded = self.inner_pipeline.encode(inner, self._inner_spec(spec, position))
            index[position] = (offset, len(encoded))
            parts.append(encoded)
            offset += len(encoded)
        index_bytes = self.index_pipeline.encode(index, self._index_spec(spec))
        body = b"".join(parts)
        return index_bytes + body if self.index_location == "start" else body + index_bytes

    def decode(self, data: bytes, spec: ChunkSpec) -> np.ndarray[Any, Any]:
        whole = tuple(slice(0, n) for n in spec.shape)
        return self.decode_region(_BytesGetter(spec.key, data), spec, whole)

    def decode_region(self, getter: ByteGetter, spec: ChunkSpec, region: Region) -> np.ndarray[Any, Any]:
        """The part ``region`` of the shard, reading only the index and the inner chunks it needs."""
        out_shape = tuple(s.stop - s.start for s in region)
        overlaps = list(self._overlaps(region))
        entries = self._read_entries(getter, spec, [position for position, _, _ in overlaps])
        if entries is None:
            return spec.fill_array(out_shape)
        out = np.empty(out_shape, dtype=spec.dtype)
        for (position, inner_region, out_region), entry in zip(overlaps, entries, strict=True):
            out[out_region] = self._read_inner(getter, spec, entry, position)[inner_region]
        return out

    def stored_problems(self, data: bytes, spec: ChunkSpec) -> list[StoredProblem]:
        """The index sits where ``index_location`` says and passes its own codecs (CODEC-SHARDING-004);
        every entry is the absent pair or the exact range of one inner chunk (CODEC-SHARDING-006), inside
        the value and clear of the index (CODEC-SHARDING-004); the inner chunks' headers agree with the
        inner chain."""
        index, problems = self._stored_index(data, spec)
        if index is None:
            return problems
        size = self.index_size(spec)
        index_range = (0, size) if self.index_location == "start" else (len(data) - size, len(data))
        ranges: list[tuple[tuple[int, ...], int, int]] = []
        for position in product(*map(range, self._chunks_per_shard(spec))):
            offset, nbytes = (int(v) for v in index[position])
            problem = _entry_problem(position, offset, nbytes, len(data), index_range)
            if problem is not None:
                problems.append(problem)
            elif offset != ABSENT:
                ranges.append((position, offset, nbytes))
                inner = data[offset : offset + nbytes]
                problems.extend(self.inner_pipeline.stored_problems(inner, self._inner_spec(spec, position)))
        problems.extend(_overlap_problems(ranges))
        return problems

    def _stored_index(
        self, data: bytes, spec: ChunkSpec
    ) -> tuple[np.ndarray[Any, Any] | None, list[StoredProblem]]:
        """The index at the declared location, or None with the reason it cannot be read there
        (CODEC-SHARDING-004), naming the other end when the index is found there instead."""
        size = self.index_size(spec)
        if len(data) < size:
            message = f"the shard has {len(data)} bytes, fewer than its {size}-byte index"
            return None, [StoredProblem(message, "CODEC-SHARDING-004")]
        try:
            return self._index_at(data, spec, self.index_location), []
        except ChunkError as error:
            other = "start" if self.index_location == "end" else "end"
            message = f"the index at the {self.index_location} of the shard fails its codecs ({error})"
            try:
                self._index_at(data, spec, other)
                message += f"; a valid index sits at the {other}, where the metadata does not put it"
            except ChunkError:
                pass
            return None, [StoredProblem(message, "CODEC-SHARDING-004")]

    def _index_at(self, data: bytes, spec: ChunkSpec, location: str) -> np.ndarray[Any, Any]:
        """The index decoded from the ``location`` end of ``data``; ChunkError when its codecs fail."""
        size = self.index_size(spec)
        raw = data[:size] if location == "start" else data[len(data) - size :]
        return self.index_pipeline.decode(raw, self._index_spec(spec))

    def _overlaps(self, region: Region) -> Iterator[tuple[tuple[int, ...], Region, Region]]:
        ranges = [
            range(s.start // c, (s.stop - 1) // c + 1) if s.stop > s.start else range(0)
            for s, c in zip(region, self.chunk_shape, strict=True)
        ]
        for position in product(*ranges):
            inner, out = [], []
            for p, c, s in zip(position, self.chunk_shape, region, strict=True):
                lo, hi = max(s.start, p * c), min(s.stop, (p + 1) * c)
                inner.append(slice(lo - p * c, hi - p * c))
                out.append(slice(lo - s.start, hi - s.start))
            yield position, tuple(inner), tuple(out)

    @property
    def _unchecked_index_endian(self) -> str | None:
        """The byte order of an index whose codecs are a lone ``bytes`` codec (``<`` or ``>``), whose
        entries can be read on their own; None for an index with a checksum or a transpose."""
        match self.index_codecs:
            case (BytesCodec(endian=endian),):
                return ">" if endian == "big" else "<"
        return None

    def _read_entries(
        self, getter: ByteGetter, spec: ChunkSpec, positions: list[tuple[int, ...]]
    ) -> list[tuple[int, int]] | None:
        """The ``(offset, nbytes)`` entries of ``positions``, in one ranged read: the whole index, or the
        run of entries that covers them where nothing checks the index as a whole (CODEC-SHARDING-007);
        None: no shard."""
        endian = self._unchecked_index_endian
        if endian is None or not positions:
            index = self._read_index(getter, spec)
            return None if index is None else [_pair(index[position]) for position in positions]
        flat = [int(np.ravel_multi_index(position, self._chunks_per_shard(spec))) for position in positions]
        size, first = self.index_size(spec), min(flat)
        if self.index_location == "start":
            raw = self._read_index_part(getter, spec, 16 * first, 16 * (max(flat) + 1 - first))
        else:
            raw = self._read_index_part(getter, spec, 16 * first - size, size - 16 * first)
        if raw is None:
            return None
        pairs = np.frombuffer(raw, dtype=f"{endian}u8").reshape(-1, 2)
        return [_pair(pairs[index - first]) for index in flat]

    def _read_index(self, getter: ByteGetter, spec: ChunkSpec) -> np.ndarray[Any, Any] | None:
        size = self.index_size(spec)
        start = 0 if self.index_location == "start" else -size
        raw = self._read_index_part(getter, spec, start, size)
        return None if raw is None else self.index_pipeline.decode(raw, self._index_spec(spec))

    def _read_index_part(self, getter: ByteGetter, spec: ChunkSpec, start: int, size: int) -> bytes | None:
        """``size`` bytes of the index from ``start`` (negative: from the end of the shard); None: no
        shard; a shard too short to hold them is refused (CODEC-SHARDING-004)."""
        raw = getter.get_range(start, size) if start >= 0 else getter.get_range(start, None)
        if raw is not None and len(raw) != size:
            message = f"the shard is shorter than its {self.index_size(spec)}-byte index"
            raise ChunkError.at(spec.key, message, "CODEC-SHARDING-004")
        return raw

    def _read_inner(
        self, getter: ByteGetter, spec: ChunkSpec, entry: tuple[int, int], position: tuple[int, ...]
    ) -> np.ndarray[Any, Any]:
        inner_spec = self._inner_spec(spec, position)
        offset, nbytes = entry
        if offset == ABSENT and nbytes == ABSENT:
            return inner_spec.fill_array()
        self._check_entry(spec, inner_spec, position, offset, nbytes)
        data = getter.get_range(offset, nbytes)
        if data is None or len(data) != nbytes:
            raise ChunkError.at(
                spec.key,
                f"index entry {list(position)} = ({offset}, {nbytes}) points outside the shard",
                "CODEC-SHARDING-004",
            )
        return self.inner_pipeline.decode(data, inner_spec)

    def _check_entry(
        self, spec: ChunkSpec, inner_spec: ChunkSpec, position: tuple[int, ...], offset: int, nbytes: int
    ) -> None:
        """Refuse, before any read, an index entry no valid shard can hold: a byte count above what an
        inner chunk encodes to at most, or a range that ends beyond the largest shard (CODEC-SHARDING-004).
        Huge offsets would otherwise reach the store as seeks or reads it cannot make."""
        most = self.inner_pipeline.max_encoded_size(inner_spec)
        if offset == ABSENT or nbytes > most or offset + nbytes > self.max_encoded_size(spec):
            raise ChunkError.at(
                spec.key,
                f"index entry {list(position)} = ({offset}, {nbytes}) points outside the shard "
                f"(an inner chunk encodes to at most {most} bytes)",
                "CODEC-SHARDING-004",
            )

    def max_encoded_size(self, spec: ChunkSpec) -> int:
        inner = self.inner_pipeline.max_encoded_size(self._inner_spec(spec, (0,) * len(spec.shape)))
        return self.index_size(spec) + inner * math.prod(self._chunks_per_shard(spec))


def _pair(entry: np.ndarray[Any, Any]) -> tuple[int, int]:
    """An index entry as Python integers."""
    return int(entry[0]), int(entry[1])


def _entry_problem(
    position: tuple[int, ...], offset: int, nbytes: int, length: int, index_range: tuple[int, int]
) -> StoredProblem | None:
    """What is wrong with one index entry of a shard of ``length`` bytes whose index takes
    ``index_range``: half an absent pair (CODEC-SHARDING-006), a range beyond the value
    (CODEC-SHARDING-004), or a range over the index's own bytes (CODEC-SHARDING-006)."""
    where = f"index entry {list(position)} = ({offset}, {nbytes})"
    if offset == ABSENT and nbytes == ABSENT:
        return None
    if ABSENT in (offset, nbytes):
        return StoredProblem(f"{where} is neither a range nor the absent pair", "CODEC-SHARDING-006")
    if offset + nbytes > length:
        return StoredProblem(f"{where} ends beyond the shard's {length} bytes", "CODEC-SHARDING-004")
    if offset < index_range[1] and index_range[0] < offset + nbytes:
        message = f"{where} overlaps the index at bytes [{index_range[0]}, {index_range[1]})"
        return StoredProblem(message, "CODEC-SHARDING-006")
    return None


def _overlap_problems(ranges: list[tuple[tuple[int, ...], int, int]]) -> list[StoredProblem]:
    """Inner chunks whose ranges overlap without being the same range: no two inner chunks can both
    hold their exact encoded bytes there (CODEC-SHARDING-006). Equal ranges, one encoding shared by
    equal inner chunks, are not reported."""
    problems = []
    ordered = sorted(ranges, key=lambda entry: (entry[1], entry[2]))
    for (first, start, size), (second, other, other_size) in pairwise(ordered):
        if other < start + size and (start, size) != (other, other_size):
            message = (
                f"inner chunks {list(first)} at [{start}, {start + size}) and {list(second)} at "
                f"[{other}, {other + other_size}) overlap"
            )
            problems.append(StoredProblem(message, "CODEC-SHARDING-006"))
    return problems


@dataclass(frozen=True)
class _BytesGetter:
    """A ByteGetter over bytes already in memory."""

    key: str
    data: bytes

    def get(self) -> bytes | None:
        return self.data

    def get_range(self, start: int, length: int | None) -> bytes | None:
        return slice_range(self.data, start, length)

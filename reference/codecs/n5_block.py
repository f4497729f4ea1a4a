"""N5 blocks: a big-endian header, then the block's elements, compressed (spec/formats/n5.md).

Header (all integers big endian)::

    offset 0      uint16  mode: 0 default, 1 varlength, 2 object
    offset 2      uint16  number of dimensions n
    offset 4      n × uint32  block size per dimension, in N5 axis order
    offset 4+4n   uint32  number of elements (varlength mode only)

Compression applies to the elements only, never to the header (N5-BLOCK-001). Elements are big
endian with the first axis varying fastest (N5-BLOCK-002). Writers store edge blocks truncated to
the array; readers accept any block size up to ``blockSize``, truncated or padded (N5-BLOCK-004).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from zn5.reference.codecs._config import check_members
from zn5.reference.codecs.base import ArrayBytesCodec, BytesBytesCodec, ChunkSpec, StoredProblem
from zn5.reference.errors import ChunkError, UnsupportedError

MODE_DEFAULT = 0
MODE_VARLENGTH = 1
MODE_OBJECT = 2


def _block_error(spec: ChunkSpec, message: str, requirement: str) -> ChunkError:
    return ChunkError.at(spec.key, message, requirement)  # type: ignore[return-value]


def _size_problems(sizes: tuple[int, ...], spec: ChunkSpec) -> list[StoredProblem]:
    """Header sizes beyond ``blockSize`` (N5-BLOCK-004), or other than the block's part inside the
    dataset (N5-EDGE-003: padded edge blocks are readable, but a writer truncates them)."""
    if any(size > full for size, full in zip(sizes, spec.shape, strict=True)):
        message = f"block sizes {list(sizes)} exceed the dataset's blockSize {list(spec.shape)}"
        return [StoredProblem(message, "N5-BLOCK-004")]
    if sizes != spec.valid_shape:
        message = (
            f"block sizes {list(sizes)} are not the block's part {list(spec.valid_shape)} inside the dataset"
        )
        return [StoredProblem(message, "N5-EDGE-003", "warning")]
    return []


@dataclass(frozen=True)
class N5Block(ArrayBytesCodec):
    """The N5 block layout with its ``compression`` (0 or 1 bytes→bytes codec)."""

    name = "n5.block"
    in_zarr3 = False
    compression: tuple[BytesBytesCodec, ...] = ()

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> N5Block:
        from zn5.reference.codecs.registry import BY_NAME

        check_members(configuration, {"compression"})
        compression = configuration.get("compression", [])
        if not isinstance(compression, list) or len(compression) > 1:
            raise ValueError("configuration.compression must be a list of at most one codec")
        codecs = []
        for item in compression:
            codec = BY_NAME.get(item.get("name", "")) if isinstance(item, dict) else None
            if codec is None or not issubclass(codec, BytesBytesCodec):
                raise ValueError(f"configuration.compression holds no known bytes→bytes codec: {item!r}")
            codecs.append(codec.from_configuration(item.get("configuration", {})))
        return cls(tuple(codecs))  # type: ignore[arg-type]

    def configuration(self) -> dict[str, Any]:
        return {
            "compression": [{"name": c.name, "configuration": c.configuration()} for c in self.compression]
        }

    def completed(self, spec: ChunkSpec) -> N5Block:
        """A ``blosc`` compression compresses with type size 1, as n5-blosc always does (CODEC-BLOSC-005)."""
        from zn5.reference.codecs.blosc import Blosc

        return replace(
            self,
            compression=tuple(
                replace(codec, typesize=1) if isinstance(codec, Blosc) else codec
                for codec in self.compression
            ),
        )

    def encode(self, chunk: np.ndarray[Any, Any], spec: ChunkSpec) -> bytes:
        sizes = spec.valid_shape
        region = chunk[tuple(slice(0, size) for size in sizes)]
        header = struct.pack(f">HH{len(sizes)}I", MODE_DEFAULT, len(sizes), *sizes)
        payload = np.asarray(region, dtype=spec.dtype.newbyteorder(">")).tobytes(order="F")
        for codec in self.compression:
            payload = codec.encode(payload, spec)
        return header + payload

    def decode(self, data: bytes, spec: ChunkSpec) -> np.ndarray[Any, Any]:
        sizes, payload = self._parse_header(data, spec)
        expected = math.prod(sizes) * spec.dtype.itemsize
        for codec in reversed(self.compression):
            payload = codec.decode(payload, spec, expected)
        if len(payload) != expected:
            raise _block_error(
                spec,
                f"block payload holds {len(payload)} bytes, the header's sizes {list(sizes)} need {expected}",
                "N5-BLOCK-006",
            )
        elements = np.frombuffer(payload, dtype=spec.dtype.newbyteorder(">")).reshape(sizes, order="F")
        if sizes == spec.shape:
            return elements.astype(spec.dtype)
        chunk = spec.fill_array()
        overlap = tuple(slice(0, min(size, full)) for size, full in zip(sizes, spec.shape, strict=True))
        chunk[overlap] = elements[overlap]
        return chunk

    def stored_problems(self, data: bytes, spec: ChunkSpec) -> list[StoredProblem]:
        """A writer writes a default-mode block (N5-BLOCK-008) whose header has the dataset's number of
        dimensions (N5-BLOCK-003) and sizes within ``blockSize`` (N5-BLOCK-004), truncated at the
        dataset's edge (N5-EDGE-003), whose payload holds exactly those elements (N5-BLOCK-006), and
        whose compression's own header agrees with the metadata."""
        header, problems = self._header_problems(data, spec)
        if header is None:
            return problems
        sizes, payload = header
        expected = math.prod(sizes) * spec.dtype.itemsize
        for codec in reversed(self.completed(spec).compression):
            payload, found = codec.checked_decode(payload, spec, expected)
            problems.extend(found)
        if len(payload) != expected:
            message = (
                f"the payload holds {len(payload)} bytes, the header's sizes {list(sizes)} need {expected}"
            )
            problems.append(StoredProblem(message, "N5-BLOCK-006"))
        return problems

    def _header_problems(
        self, data: bytes, spec: ChunkSpec
    ) -> tuple[tuple[tuple[int, ...], bytes] | None, list[StoredProblem]]:
        """The block's sizes and payload (None when the header cannot be read), and what in the header
        contradicts the metadata."""
        if len(data) < 4:
            return None, [
                StoredProblem(f"a block of {len(data)} bytes has no complete header", "N5-BLOCK-003")
            ]
        mode, ndim = struct.unpack_from(">HH", data)
        if mode not in (MODE_DEFAULT, MODE_VARLENGTH, MODE_OBJECT):
            return None, [StoredProblem(f"the block has the unknown mode {mode}", "N5-BLOCK-003")]
        problems = []
        if mode != MODE_DEFAULT:
            message = f"the block has mode {mode}; a writer writes mode 0 (default)"
            problems.append(StoredProblem(message, "N5-BLOCK-008"))
        if mode == MODE_OBJECT:
            return None, problems
        if ndim != len(spec.shape):
            message = f"the block header has {ndim} dimensions, the dataset has {len(spec.shape)}"
            return None, [*problems, StoredProblem(message, "N5-BLOCK-003")]
        header_size = 4 + 4 * ndim + (4 if mode == MODE_VARLENGTH else 0)
        if len(data) < header_size:
            message = f"a block of {len(data)} bytes has no complete header"
            return None, [*problems, StoredProblem(message, "N5-BLOCK-003")]
        sizes = struct.unpack_from(f">{ndim}I", data, 4)
        problems.extend(_size_problems(sizes, spec))
        if mode == MODE_VARLENGTH:
            (count,) = struct.unpack_from(">I", data, 4 + 4 * ndim)
            if count != math.prod(sizes):
                message = (
                    f"a varlength block holds {count} elements; sizes {list(sizes)} hold {math.prod(sizes)}"
                )
                problems.append(StoredProblem(message, "N5-BLOCK-005"))
        if any(size > full for size, full in zip(sizes, spec.shape, strict=True)):
            return None, problems
        return (sizes, data[header_size:]), problems

    def _parse_header(self, data: bytes, spec: ChunkSpec) -> tuple[tuple[int, ...], bytes]:
        """The block's sizes and its (still compressed) payload; checks N5-BLOCK-003 to N5-BLOCK-005."""
        if len(data) < 4:
            raise _block_error(spec, f"a block of {len(data)} bytes has no complete header", "N5-BLOCK-003")
        mode, ndim = struct.unpack_from(">HH", data)
        if mode == MODE_OBJECT:
            raise UnsupportedError.at(spec.key, "object-mode blocks hold no array elements", "N5-BLOCK-007")
        if mode not in (MODE_DEFAULT, MODE_VARLENGTH):
            raise _block_error(spec, f"unknown block mode {mode}", "N5-BLOCK-003")
        if ndim != len(spec.shape):
            raise _block_error(
                spec,
                f"the block header has {ndim} dimensions, the dataset has {len(spec.shape)}",
                "N5-BLOCK-003",
            )
        header_size = 4 + 4 * ndim + (4 if mode == MODE_VARLENGTH else 0)
        if len(data) < header_size:
            raise _block_error(spec, f"a block of {len(data)} bytes has no complete header", "N5-BLOCK-003")
        sizes = struct.unpack_from(f">{ndim}I", data, 4)
        if any(size > full for size, full in zip(sizes, spec.shape, strict=True)):
            raise _block_error(
                spec,
                f"block sizes {list(sizes)} exceed the dataset's blockSize {list(spec.shape)}",
                "N5-BLOCK-004",
            )
        if mode == MODE_VARLENGTH:
            (count,) = struct.unpack_from(">I", data, 4 + 4 * ndim)
            if count != math.prod(sizes):
                raise _block_error(
                    spec,
                    f"a varlength block holds {count} elements; sizes {list(sizes)} hold {math.prod(sizes)}",
                    "N5-BLOCK-005",
                )
        return sizes, data[header_size:]

    def max_encoded_size(self, spec: ChunkSpec) -> int:
        size = spec.nbytes
        for codec in self.compression:
            size = codec.max_encoded_size(size)
        return 8 + 4 * len(spec.shape) + size

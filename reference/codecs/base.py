"""What every codec is: a kind, a canonical name and configuration, and encode/decode (CORE-CODEC-001).

Codecs come in three kinds. An array→array codec changes an array's shape, order or type; an
array→bytes codec serialises an array; a bytes→bytes codec transforms bytes. Decoding bytes→bytes
codecs are given the largest output they may produce, so a chunk that expands beyond what its
metadata allows is an error before it is allocated (CORE-CODEC-004).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Literal, NamedTuple, Protocol

import numpy as np

from zn5.reference.model.dtype import element, object_element, same_element

CodecKind = Literal["array_to_array", "array_to_bytes", "bytes_to_bytes"]


class StoredProblem(NamedTuple):
    """A header field of stored bytes that contradicts the metadata: what, the requirement, and whether
    it breaks a MUST (``error``) or a SHOULD (``warning``)."""

    message: str
    requirement: str
    level: Literal["error", "warning"] = "error"


@dataclass(frozen=True)
class ChunkSpec:
    """The decoded representation a codec works on: one chunk's shape and element type.

    ``valid_shape`` is the part of the chunk inside the array (N5 writes only that part);
    ``key`` names the chunk in error messages.
    """

    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    fill_value: bytes
    valid_shape: tuple[int, ...]
    key: str

    @property
    def nbytes(self) -> int:
        """Size of the decoded chunk in bytes."""
        return math.prod(self.shape) * self.dtype.itemsize

    def with_key(self, key: str) -> ChunkSpec:
        """The same spec for another chunk key."""
        return replace(self, key=key)

    def fill_scalar(self) -> Any:
        """The fill element."""
        return element(self.dtype, self.fill_value)

    def fill_array(self, shape: tuple[int, ...] | None = None) -> np.ndarray[Any, Any]:
        """An array of ``shape`` (default: the chunk's) holding nothing but the fill value; a fill that
        is an array or a JSON array or object is a copy of its own in each element."""
        out = np.empty(self.shape if shape is None else shape, dtype=self.dtype)
        fill = self.fill_scalar()
        if isinstance(fill, np.ndarray | list | dict):
            flat = out.reshape(-1)
            for index in range(flat.size):
                flat[index] = element(self.dtype, self.fill_value)
        else:
            out[...] = fill  # not np.full: it passes bytes through |S, which drops trailing NULs
        return out

    def is_fill(self, chunk: np.ndarray[Any, Any]) -> bool:
        """Whether every element of ``chunk`` is the fill element, compared by bytes (CORE-FILL-001)
        or, for ``ragged[T]`` and ``json``, as elements (CORE-VLEN-006, CORE-VLEN-007)."""
        if self.dtype.kind == "O" and object_element(self.dtype) != "bytes":
            fill = self.fill_scalar()
            return all(same_element(self.dtype, value, fill) for value in chunk.reshape(-1))
        if self.dtype.kind in "TO":
            return bool(np.all(chunk == self.fill_scalar()))
        return chunk.tobytes() == self.fill_value * chunk.size


class ByteGetter(Protocol):
    """Where a partial decoder reads encoded bytes from: a whole value or a range of it."""

    @property
    def key(self) -> str:
        """The store key, for messages."""

    def get(self) -> bytes | None:
        """The whole value, or None when it is missing."""

    def get_range(self, start: int, length: int | None) -> bytes | None:
        """``length`` bytes from ``start`` (a negative start counts from the end), or None if missing."""


class Codec(ABC):
    """A codec as it appears in the core model's chain."""

    name: ClassVar[str]
    kind: ClassVar[CodecKind]
    v2_ids: ClassVar[tuple[str, ...]] = ()
    n5_types: ClassVar[tuple[str, ...]] = ()
    in_zarr3: ClassVar[bool] = True
    """False for codecs that exist only inside N5 blocks."""

    @classmethod
    @abstractmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Codec:
        """Build the codec from its canonical configuration; raise ValueError naming a bad member."""

    @abstractmethod
    def configuration(self) -> dict[str, Any]:
        """The canonical configuration (the Zarr v3 form)."""

    def problems(self, spec: ChunkSpec) -> list[tuple[str, str]]:
        """``(message, requirement)`` for each way this codec cannot serve chunks of ``spec``."""
        return []

    def completed(self, spec: ChunkSpec) -> Codec:
        """This codec with every setting that depends on the array filled in, to be recorded in metadata."""
        return self

    def stored_problems(self, data: bytes, spec: ChunkSpec) -> list[StoredProblem]:
        """Each header field of ``data``, bytes this codec encoded, that contradicts the configuration:
        a writer's fault, which decoding (led by the bytes) never sees."""
        return []


class ArrayArrayCodec(Codec):
    """An array→array codec."""

    kind = "array_to_array"

    @abstractmethod
    def resolve(self, spec: ChunkSpec) -> ChunkSpec:
        """The representation this codec encodes ``spec`` into."""

    @abstractmethod
    def encode(self, chunk: np.ndarray[Any, Any], spec: ChunkSpec) -> np.ndarray[Any, Any]:
        """Encode a chunk of representation ``spec``."""

    @abstractmethod
    def decode(self, chunk: np.ndarray[Any, Any], spec: ChunkSpec) -> np.ndarray[Any, Any]:
        """Decode into a chunk of representation ``spec``."""


class ArrayBytesCodec(Codec):
    """An array→bytes codec."""

    kind = "array_to_bytes"

    @abstractmethod
    def encode(self, chunk: np.ndarray[Any, Any], spec: ChunkSpec) -> bytes:
        """Serialise a chunk of representation ``spec``."""

    @abstractmethod
    def decode(self, data: bytes, spec: ChunkSpec) -> np.ndarray[Any, Any]:
        """Deserialise into a chunk of representation ``spec``; raise ChunkError on bad bytes."""

    def checked_decode(
        self, data: bytes, spec: ChunkSpec
    ) -> tuple[np.ndarray[Any, Any], list[StoredProblem]]:
        """:meth:`decode` and :meth:`stored_problems` of ``data`` together, which a codec may do in one
        pass over the bytes; a decoding error is raised, as :meth:`decode` raises it."""
        return self.decode(data, spec), self.stored_problems(data, spec)

    @abstractmethod
    def max_encoded_size(self, spec: ChunkSpec) -> int:
        """An upper bound of the encoded size of a chunk of representation ``spec``."""


class BytesBytesCodec(Codec):
    """A bytes→bytes codec."""

    kind = "bytes_to_bytes"

    @abstractmethod
    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        """Transform ``data``."""

    @abstractmethod
    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        """Undo the transform; raise ChunkError when the output would exceed ``max_size`` bytes."""

    def checked_decode(
        self, data: bytes, spec: ChunkSpec, max_size: int
    ) -> tuple[bytes, list[StoredProblem]]:
        """:meth:`decode` and :meth:`stored_problems` of ``data`` together, which a codec may do in one
        pass over the bytes (gzip and zlib inflate once); a decoding error is raised, as :meth:`decode`
        raises it."""
        return self.decode(data, spec, max_size), self.stored_problems(data, spec)

    def max_encoded_size(self, size: int) -> int:
        """An upper bound of the encoded size of ``size`` input bytes (compressors may expand)."""
        return size + size // 8 + 1024


CodecParser = Callable[[Any, str], Codec]
"""Builds a codec from a canonical ``{"name", "configuration"}`` object found at a JSON location."""

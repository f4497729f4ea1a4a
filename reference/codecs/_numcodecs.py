"""numcodecs filters and checksums as core-model codecs: numcodecs computes, these classes adapt.

An array→array filter receives the chunk's elements in C order as native-order values; it hands
numcodecs the elements in the type the configuration declares and returns numcodecs' result as
native-order values of the type it resolves to (spec/codecs/filters.md, CODEC-FILTER-001). A
bytes→bytes filter hands numcodecs the bytes and returns its bytes. A numcodecs error while decoding
is a ChunkError naming the chunk.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar, Self

import numcodecs.abc
import numpy as np

from zn5.reference.codecs._bounded import corrupt, too_large
from zn5.reference.codecs._config import check_members, choice
from zn5.reference.codecs.base import ArrayArrayCodec, BytesBytesCodec, ChunkSpec

Array = np.ndarray[Any, Any]


class NumcodecsFilter(ArrayArrayCodec):
    """An array→array codec computed by a numcodecs filter on the chunk's flattened elements.

    ``decoded_member`` and ``encoded_member`` name the configuration members that declare the types
    numcodecs reads and writes; without them the filter keeps the type it receives.
    """

    decoded_member: ClassVar[str | None] = None
    encoded_member: ClassVar[str | None] = None
    type_requirement: ClassVar[str] = "CORE-CODEC-006"
    """The requirement a declared input type other than the one received breaks."""

    @abstractmethod
    def numcodecs_codec(self) -> numcodecs.abc.Codec:
        """The numcodecs codec that does the work."""

    def declared_types(self) -> tuple[str | None, str | None]:
        """The type strings, byte order included, that the configuration declares for input and output."""
        decoded = getattr(self, self.decoded_member) if self.decoded_member else None
        encoded = getattr(self, self.encoded_member) if self.encoded_member else None
        return decoded, encoded

    def problems(self, spec: ChunkSpec) -> list[tuple[str, str]]:
        declared = self.declared_types()[0]
        if declared is not None and np.dtype(declared).newbyteorder("=") != spec.dtype:
            member = f"configuration.{self.decoded_member}"
            message = f"{member} {declared} differs from the {spec.dtype.str} it receives"
            return [(message, self.type_requirement)]
        return []

    def decoded_dtype(self, spec: ChunkSpec) -> np.dtype[Any]:
        """The type, byte order included, in which numcodecs receives the elements to encode."""
        declared = self.declared_types()[0]
        return spec.dtype if declared is None else np.dtype(declared)

    def encoded_dtype(self, spec: ChunkSpec) -> np.dtype[Any]:
        """The type, byte order included, in which numcodecs returns the encoded elements."""
        declared = self.declared_types()[1]
        return self.decoded_dtype(spec) if declared is None else np.dtype(declared)

    def encoded_shape(self, spec: ChunkSpec) -> tuple[int, ...]:
        """The shape of the encoded chunk: the chunk's own unless the filter changes the length."""
        return spec.shape

    def resolve(self, spec: ChunkSpec) -> ChunkSpec:
        dtype = self.encoded_dtype(spec).newbyteorder("=")
        shape = self.encoded_shape(spec)
        if shape == spec.shape and not self.problems(spec):
            fill = self.encode(spec.fill_array((1,)), replace(spec, shape=(1,))).astype(dtype).tobytes()
        else:
            fill = bytes(dtype.itemsize)
        valid = spec.valid_shape if shape == spec.shape else shape
        return replace(spec, shape=shape, dtype=dtype, fill_value=fill, valid_shape=valid)

    def encode(self, chunk: Array, spec: ChunkSpec) -> Array:
        values = np.ascontiguousarray(chunk, dtype=self.decoded_dtype(spec)).reshape(-1)
        encoded = np.asarray(self.numcodecs_codec().encode(values))
        native = self.encoded_dtype(spec).newbyteorder("=")
        return encoded.view(self.encoded_dtype(spec)).astype(native).reshape(self.encoded_shape(spec))

    def decode(self, chunk: Array, spec: ChunkSpec) -> Array:
        values = np.ascontiguousarray(chunk, dtype=self.encoded_dtype(spec)).reshape(-1)
        try:
            decoded = np.asarray(self.numcodecs_codec().decode(values))
        except (ValueError, TypeError, RuntimeError) as error:
            raise corrupt(spec.key, self.name, error) from None
        flat = decoded.reshape(-1).view(self.decoded_dtype(spec))[: int(np.prod(spec.shape))]
        return flat.astype(spec.dtype).reshape(spec.shape)


class NumcodecsBytesFilter(BytesBytesCodec):
    """A bytes→bytes codec computed by a numcodecs codec; ``overhead`` bytes are added by encoding."""

    overhead: ClassVar[int] = 0
    mismatch_requirement: ClassVar[str] = "CORE-CODEC-005"
    """The requirement a value breaks when numcodecs refuses it (a checksum's own ID)."""

    @abstractmethod
    def numcodecs_codec(self) -> numcodecs.abc.Codec:
        """The numcodecs codec that does the work."""

    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        return bytes(np.asarray(self.numcodecs_codec().encode(np.frombuffer(data, dtype="u1"))).data)

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        if len(data) < self.overhead:
            raise corrupt(
                spec.key,
                self.name,
                f"{len(data)} bytes are fewer than its {self.overhead}-byte checksum",
                self.mismatch_requirement,
            )
        if len(data) - self.overhead > max_size:
            raise too_large(spec.key, self.name, max_size)
        try:
            decoded = self.numcodecs_codec().decode(np.frombuffer(data, dtype="u1"))
        except (ValueError, RuntimeError, IndexError) as error:
            raise corrupt(spec.key, self.name, error, self.mismatch_requirement) from None
        return bytes(np.asarray(decoded).data)

    def max_encoded_size(self, size: int) -> int:
        return size + self.overhead


class LocatedChecksum(NumcodecsBytesFilter):
    """A numcodecs 32-bit checksum placed at the ``location`` its configuration names (``"start"``)."""

    overhead = 4
    location: str
    """Declared by each checksum's dataclass as a field defaulting to ``"start"``."""

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Self:
        check_members(configuration, {"location"})
        return cls(choice(configuration, "location", ("start", "end"), default="start"))  # type: ignore[call-arg]

    def configuration(self) -> dict[str, Any]:
        return {} if self.location == "start" else {"location": self.location}

"""The codec chain of an array: array→array codecs, one array→bytes codec, bytes→bytes codecs.

Encoding applies the codecs in order, decoding in reverse (CORE-CODEC-002). Each decoding step is
bounded by the largest output the step before it could have produced (CORE-CODEC-004).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from zn5.reference.codecs.base import (
    ArrayArrayCodec,
    ArrayBytesCodec,
    BytesBytesCodec,
    ChunkSpec,
    Codec,
    StoredProblem,
)


@dataclass(frozen=True)
class CodecPipeline:
    """A validated codec chain (CORE-CODEC-001)."""

    array_array: tuple[ArrayArrayCodec, ...]
    array_bytes: ArrayBytesCodec
    bytes_bytes: tuple[BytesBytesCodec, ...]

    @classmethod
    def of(cls, codecs: Sequence[Codec]) -> CodecPipeline:
        """Split a chain by kind; raise ValueError unless it is ``aa* ab bb*`` (CORE-CODEC-001)."""
        array_array: list[ArrayArrayCodec] = []
        array_bytes: ArrayBytesCodec | None = None
        bytes_bytes: list[BytesBytesCodec] = []
        for index, codec in enumerate(codecs):
            if isinstance(codec, ArrayArrayCodec) and array_bytes is None:
                array_array.append(codec)
            elif isinstance(codec, ArrayBytesCodec) and array_bytes is None:
                array_bytes = codec
            elif isinstance(codec, BytesBytesCodec) and array_bytes is not None:
                bytes_bytes.append(codec)
            else:
                raise ValueError(
                    f"codecs[{index}] ({codec.name}, {codec.kind}) is out of place: a chain is array→array "
                    "codecs, exactly one array→bytes codec, then bytes→bytes codecs"
                )
        if array_bytes is None:
            raise ValueError("the codec chain has no array→bytes codec")
        return cls(tuple(array_array), array_bytes, tuple(bytes_bytes))

    def problems(self, spec: ChunkSpec) -> list[tuple[int, str, str]]:
        """``(codec index, message, requirement)`` for each codec that cannot serve chunks of ``spec``."""
        found: list[tuple[int, str, str]] = []
        stages = [*self.stage_specs(spec)]
        stages.extend([stages[-1]] * len(self.bytes_bytes))
        for index, (codec, stage) in enumerate(zip(self.codecs, stages, strict=True)):
            found.extend((index, message, requirement) for message, requirement in codec.problems(stage))
        return found

    @property
    def codecs(self) -> tuple[Codec, ...]:
        """The whole chain in order."""
        return (*self.array_array, self.array_bytes, *self.bytes_bytes)

    def completed(self, spec: ChunkSpec) -> tuple[Codec, ...]:
        """The chain with every codec's array-dependent settings filled in."""
        stages = [*self.stage_specs(spec)]
        stages.extend([stages[-1]] * len(self.bytes_bytes))
        return tuple(codec.completed(stage) for codec, stage in zip(self.codecs, stages, strict=True))

    def stage_specs(self, spec: ChunkSpec) -> list[ChunkSpec]:
        """The representation entering each array→array codec, then the one entering the array→bytes codec."""
        specs = [spec]
        for codec in self.array_array:
            specs.append(codec.resolve(specs[-1]))
        return specs

    def bytes_bounds(self, array_spec: ChunkSpec) -> list[int]:
        """Largest size of the bytes entering each bytes→bytes codec, then of the stored value."""
        bounds = [self.array_bytes.max_encoded_size(array_spec)]
        for codec in self.bytes_bytes:
            bounds.append(codec.max_encoded_size(bounds[-1]))
        return bounds

    def encode(self, chunk: np.ndarray[Any, Any], spec: ChunkSpec) -> bytes:
        """Encode one chunk of representation ``spec``."""
        specs = self.stage_specs(spec)
        for array_codec, stage in zip(self.array_array, specs, strict=False):
            chunk = array_codec.encode(chunk, stage)
        data = self.array_bytes.encode(chunk, specs[-1])
        for bytes_codec in self.bytes_bytes:
            data = bytes_codec.encode(data, spec)
        return data

    def decode(self, data: bytes, spec: ChunkSpec) -> np.ndarray[Any, Any]:
        """Decode one stored chunk into an array of representation ``spec``."""
        specs = self.stage_specs(spec)
        bounds = self.bytes_bounds(specs[-1])
        for bytes_codec, bound in zip(reversed(self.bytes_bytes), reversed(bounds[:-1]), strict=True):
            data = bytes_codec.decode(data, spec, bound)
        chunk = self.array_bytes.decode(data, specs[-1])
        for array_codec, stage in zip(reversed(self.array_array), reversed(specs[:-1]), strict=True):
            chunk = array_codec.decode(chunk, stage)
        return chunk

    def stored_problems(self, data: bytes, spec: ChunkSpec) -> list[StoredProblem]:
        """``(message, requirement)`` for each header in a stored chunk, decoded stage by stage as
        :meth:`decode` does, that contradicts the configuration of its codec."""
        specs = self.stage_specs(spec)
        data, found = self._checked_bytes(data, spec, specs)
        return found + self.array_bytes.stored_problems(data, specs[-1])

    def checked_decode(self, data: bytes, spec: ChunkSpec) -> list[StoredProblem]:
        """:meth:`stored_problems` of a stored chunk that :meth:`decode` decodes in the same pass, each
        stage's bytes decoded once; a decoding error is raised, as :meth:`decode` raises it."""
        specs = self.stage_specs(spec)
        data, found = self._checked_bytes(data, spec, specs)
        chunk, problems = self.array_bytes.checked_decode(data, specs[-1])
        for array_codec, stage in zip(reversed(self.array_array), reversed(specs[:-1]), strict=True):
            chunk = array_codec.decode(chunk, stage)
        return found + problems

    def _checked_bytes(
        self, data: bytes, spec: ChunkSpec, specs: Sequence[ChunkSpec]
    ) -> tuple[bytes, list[StoredProblem]]:
        """The bytes→bytes stages undone, each in one pass with its header checks: what the array→bytes
        codec decodes, and the problems found on the way."""
        bounds = self.bytes_bounds(specs[-1])
        found = []
        for bytes_codec, bound in zip(reversed(self.bytes_bytes), reversed(bounds[:-1]), strict=True):
            data, problems = bytes_codec.checked_decode(data, spec, bound)
            found.extend(problems)
        return data, found

    def max_encoded_size(self, spec: ChunkSpec) -> int:
        """An upper bound of the stored size of one chunk."""
        return self.bytes_bounds(self.stage_specs(spec)[-1])[-1]

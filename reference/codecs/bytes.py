"""The ``bytes`` codec: elements in C order, each in the configured byte order (spec/codecs/bytes.md).

Zarr v2 expresses the same thing through the byte-order character of its ``dtype``; N5 always uses
big endian inside its block codec.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from zn5.reference.codecs._config import check_members, choice
from zn5.reference.codecs.base import ArrayBytesCodec, ChunkSpec
from zn5.reference.errors import ChunkError
from zn5.reference.model.dtype import VARIABLE_KINDS, DataType

Endian = Literal["little", "big"]


def with_endian(dtype: np.dtype[Any], endian: Endian | None) -> np.dtype[Any]:
    """``dtype`` with the byte order of ``endian`` (no change for types without one)."""
    if endian is None or (dtype.byteorder == "|" and dtype.fields is None):
        return dtype  # a record's fields take the order one by one (CORE-STRUCT-002)
    return dtype.newbyteorder("<" if endian == "little" else ">")


@dataclass(frozen=True)
class BytesCodec(ArrayBytesCodec):
    """Serialise elements in C order (CODEC-BYTES-001)."""

    name = "bytes"
    endian: Endian | None = "little"

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> BytesCodec:
        check_members(configuration, {"endian"})
        return cls(endian=choice(configuration, "endian", ("little", "big"), default=None))

    def configuration(self) -> dict[str, Any]:
        return {} if self.endian is None else {"endian": self.endian}

    def problems(self, spec: ChunkSpec) -> list[tuple[str, str]]:
        if spec.dtype.kind in VARIABLE_KINDS:
            return [(f"bytes cannot serialise variable-length {spec.dtype} elements", "CORE-VLEN-002")]
        if DataType(spec.dtype).has_byte_order and self.endian is None:
            return [(f"configuration.endian is required for {spec.dtype.name}", "CODEC-BYTES-002")]
        return []

    def encode(self, chunk: np.ndarray[Any, Any], spec: ChunkSpec) -> bytes:
        return np.ascontiguousarray(chunk, dtype=with_endian(spec.dtype, self.endian)).tobytes()

    def decode(self, data: bytes, spec: ChunkSpec) -> np.ndarray[Any, Any]:
        if len(data) != spec.nbytes:
            raise ChunkError.at(
                spec.key,
                f"chunk holds {len(data)} bytes, expected {spec.nbytes} for shape {list(spec.shape)}",
                "CODEC-BYTES-003",
            )
        stored = np.frombuffer(data, dtype=with_endian(spec.dtype, self.endian))
        return stored.astype(spec.dtype, copy=False).reshape(spec.shape)

    def max_encoded_size(self, spec: ChunkSpec) -> int:
        return spec.nbytes

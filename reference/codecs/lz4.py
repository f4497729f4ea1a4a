"""The ``numcodecs.lz4`` codec: a little-endian uint32 size, then one raw LZ4 block (spec/codecs/lz4.md).

This is not N5's ``lz4``, which frames data as lz4-java block streams (see ``n5_lz4``).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import lz4.block

from zn5.reference.codecs._bounded import corrupt, too_large
from zn5.reference.codecs._config import check_members, integer
from zn5.reference.codecs.base import BytesBytesCodec, ChunkSpec


@dataclass(frozen=True)
class Lz4(BytesBytesCodec):
    """LZ4 block compression with a size prefix (CODEC-LZ4-001)."""

    name = "numcodecs.lz4"
    v2_ids = ("lz4",)
    acceleration: int = 1

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Lz4:
        check_members(configuration, {"acceleration"})
        return cls(acceleration=integer(configuration, "acceleration", low=1, high=65537, default=1))

    def configuration(self) -> dict[str, Any]:
        return {"acceleration": self.acceleration}

    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        return bytes(lz4.block.compress(data, mode="fast", acceleration=self.acceleration, store_size=True))

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        if len(data) < 4:
            raise corrupt(spec.key, "lz4", "the 4-byte size prefix is missing")
        (declared,) = struct.unpack_from("<I", data)
        if declared > max_size:
            raise too_large(spec.key, "lz4", max_size)
        try:
            out = lz4.block.decompress(data[4:], uncompressed_size=declared)
        except lz4.block.LZ4BlockError as error:
            raise corrupt(spec.key, "lz4", error) from None
        if len(out) != declared:
            raise corrupt(spec.key, "lz4", f"decoded {len(out)} bytes, the prefix declares {declared}")
        return bytes(out)

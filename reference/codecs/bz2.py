"""The ``numcodecs.bz2`` codec: a bzip2 stream (spec/codecs/bz2.md).

Zarr v2 names it ``bz2`` with ``level``; N5 names it ``bzip2`` with ``blockSize``: the same number.
"""

from __future__ import annotations

import bz2
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zn5.reference.codecs._bounded import decompress_stdlib
from zn5.reference.codecs._config import check_members, integer
from zn5.reference.codecs.base import BytesBytesCodec, ChunkSpec


@dataclass(frozen=True)
class Bz2(BytesBytesCodec):
    """bzip2 compression with block size ``level`` × 100 kB (CODEC-BZ2-001)."""

    name = "numcodecs.bz2"
    v2_ids = ("bz2",)
    n5_types = ("bzip2",)
    level: int = 9

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Bz2:
        check_members(configuration, {"level"})
        return cls(level=integer(configuration, "level", low=1, high=9))

    def configuration(self) -> dict[str, Any]:
        return {"level": self.level}

    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        return bz2.compress(data, self.level)

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        return decompress_stdlib(data, module="bz2", max_size=max_size, key=spec.key)

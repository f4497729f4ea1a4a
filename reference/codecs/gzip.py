"""The ``gzip`` codec: an RFC 1952 gzip member (spec/codecs/gzip.md).

Readers accept concatenated members (N5 Java writes them). Writers set MTIME to zero, so that equal
input gives equal bytes (CODEC-GZIP-003).
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zn5.reference.codecs._bounded import corrupt, inflate
from zn5.reference.codecs._config import check_members, integer
from zn5.reference.codecs.base import BytesBytesCodec, ChunkSpec

MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Gzip(BytesBytesCodec):
    """gzip compression at ``level`` 0 to 9 (CODEC-GZIP-001)."""

    name = "gzip"
    v2_ids = ("gzip",)
    n5_types = ("gzip",)
    level: int = 5

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Gzip:
        check_members(configuration, {"level"})
        return cls(level=integer(configuration, "level", low=0, high=9))

    def configuration(self) -> dict[str, Any]:
        return {"level": self.level}

    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        return gzip.compress(data, compresslevel=self.level, mtime=0)

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        if not data.startswith(MAGIC):  # a zlib stream (78 ..) is the usual mistake (CODEC-GZIP-001)
            reason = f"the bytes start with {data[:2].hex(' ') or 'nothing'}, not a gzip member's 1f 8b"
            raise corrupt(spec.key, "gzip", reason, "CODEC-GZIP-001")
        return inflate(data, wbits=31, max_size=max_size, key=spec.key, codec="gzip", members=True)

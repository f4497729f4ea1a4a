"""The ``numcodecs.zlib`` codec: an RFC 1950 zlib stream (spec/codecs/zlib.md).

Zarr v2 names it ``zlib``; N5 writes it as ``gzip`` with ``useZlib: true``.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zn5.reference.codecs._bounded import corrupt, inflate
from zn5.reference.codecs._config import check_members, integer
from zn5.reference.codecs._framing import count_streams
from zn5.reference.codecs.base import BytesBytesCodec, ChunkSpec, StoredProblem

GZIP_MAGIC = b"\x1f\x8b"


def is_zlib_header(data: bytes) -> bool:
    """Whether ``data`` starts with an RFC 1950 header: method 8 (deflate), check bits a multiple of 31."""
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


@dataclass(frozen=True)
class Zlib(BytesBytesCodec):
    """zlib compression at ``level`` 0 to 9 (CODEC-ZLIB-001)."""

    name = "numcodecs.zlib"
    v2_ids = ("zlib",)
    level: int = 1

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Zlib:
        check_members(configuration, {"level"})
        return cls(level=integer(configuration, "level", low=0, high=9))

    def configuration(self) -> dict[str, Any]:
        return {"level": self.level}

    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        return zlib.compress(data, self.level)

    def stored_problems(self, data: bytes, spec: ChunkSpec) -> list[StoredProblem]:
        """The value must be exactly one zlib stream (CODEC-ZLIB-001): not a gzip member (N5's
        ``useZlib`` mix-up), not raw DEFLATE, and nothing after the stream's end."""
        if not is_zlib_header(data):
            found = (
                "a gzip member"
                if data.startswith(GZIP_MAGIC)
                else f"bytes starting {data[:2].hex(' ') or 'with nothing'}"
            )
            return [StoredProblem(f"the value is {found}, not a zlib stream", "CODEC-ZLIB-001")]
        streams = count_streams(data, 15)
        if streams is not None and streams.trailing:
            message = f"{streams.trailing} bytes follow the end of the zlib stream"
            return [StoredProblem(message, "CODEC-ZLIB-001")]
        return []

    def checked_decode(
        self, data: bytes, spec: ChunkSpec, max_size: int
    ) -> tuple[bytes, list[StoredProblem]]:
        """:meth:`decode`, which inflates once: a value that decodes is one zlib stream with nothing
        after it, so it has none of the problems :meth:`stored_problems` looks for."""
        return self.decode(data, spec, max_size), []

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        if not is_zlib_header(data):  # a gzip member (1f 8b) is the usual mistake (CODEC-ZLIB-001)
            reason = f"the bytes start with {data[:2].hex(' ') or 'nothing'}, not a zlib stream header"
            raise corrupt(spec.key, "zlib", reason, "CODEC-ZLIB-001")
        return inflate(data, wbits=15, max_size=max_size, key=spec.key, codec="zlib", members=False)

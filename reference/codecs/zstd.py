"""The ``zstd`` codec: one Zstandard frame, RFC 8878 (spec/codecs/zstd.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import zstandard

from zn5.reference.codecs._bounded import corrupt, too_large
from zn5.reference.codecs._config import boolean, check_members, integer
from zn5.reference.codecs.base import BytesBytesCodec, ChunkSpec


@dataclass(frozen=True)
class Zstd(BytesBytesCodec):
    """Zstandard at ``level`` (0: the library default), optionally checksummed (CODEC-ZSTD-001)."""

    name = "zstd"
    v2_ids = ("zstd",)
    n5_types = ("zstd",)
    level: int = 0
    checksum: bool = False

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Zstd:
        check_members(configuration, {"level", "checksum"})
        return cls(
            level=integer(configuration, "level", low=-131072, high=22),
            checksum=boolean(configuration, "checksum", default=False),
        )

    def configuration(self) -> dict[str, Any]:
        return {"level": self.level, "checksum": self.checksum}

    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        compressor = zstandard.ZstdCompressor(
            level=self.level, write_checksum=self.checksum, write_content_size=True
        )
        return compressor.compress(data)

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        try:
            declared = zstandard.frame_content_size(data)
        except zstandard.ZstdError as error:
            raise corrupt(spec.key, "zstd", error) from None
        if declared == zstandard.CONTENTSIZE_ERROR:
            raise corrupt(spec.key, "zstd", "the frame header is invalid")
        if declared != zstandard.CONTENTSIZE_UNKNOWN and declared > max_size:
            raise too_large(spec.key, "zstd", max_size)
        try:
            return zstandard.ZstdDecompressor().decompress(data, max_output_size=max_size)
        except zstandard.ZstdError as error:
            if declared == zstandard.CONTENTSIZE_UNKNOWN and "full frame" in str(error):
                raise too_large(spec.key, "zstd", max_size) from None
            raise corrupt(spec.key, "zstd", error) from None

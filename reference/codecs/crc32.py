"""The ``numcodecs.crc32`` codec: a little-endian CRC-32 (ISO-HDLC), then the input (spec/codecs/crc32.md)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zn5.reference.codecs._bounded import corrupt
from zn5.reference.codecs._config import check_members, choice
from zn5.reference.codecs.base import BytesBytesCodec, ChunkSpec


@dataclass(frozen=True)
class Crc32(BytesBytesCodec):
    """Prefix a zlib CRC-32 checksum (CODEC-CRC32-001); a mismatch is an error (CODEC-CRC32-002)."""

    name = "numcodecs.crc32"
    v2_ids = ("crc32",)

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Crc32:
        check_members(configuration, {"location"})
        choice(configuration, "location", ("start",), default="start")
        return cls()

    def configuration(self) -> dict[str, Any]:
        return {}

    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        return struct.pack("<I", zlib.crc32(data)) + data

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        if len(data) < 4:
            raise corrupt(spec.key, "crc32", "the 4-byte checksum is missing")
        (stored,), payload = struct.unpack_from("<I", data), data[4:]
        if zlib.crc32(payload) != stored:
            raise corrupt(spec.key, "crc32", "the checksum does not match", "CODEC-CRC32-002")
        return payload

    def max_encoded_size(self, size: int) -> int:
        return size + 4

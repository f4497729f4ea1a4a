"""The ``numcodecs.crc32`` codec: a little-endian CRC-32 (ISO-HDLC) before or after the input.

See spec/codecs/crc32.md.
"""

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
    """A zlib CRC-32 before or after the input (CODEC-CRC32-001); a mismatch is an error (CODEC-CRC32-002)."""

    name = "numcodecs.crc32"
    v2_ids = ("crc32",)
    location: str = "start"

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Crc32:
        check_members(configuration, {"location"})
        return cls(choice(configuration, "location", ("start", "end"), default="start"))

    def configuration(self) -> dict[str, Any]:
        return {} if self.location == "start" else {"location": self.location}

    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        checksum = struct.pack("<I", zlib.crc32(data))
        return checksum + data if self.location == "start" else data + checksum

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        if len(data) < 4:
            raise corrupt(spec.key, "crc32", "the 4-byte checksum is missing")
        at_start = self.location == "start"
        checksum, payload = (data[:4], data[4:]) if at_start else (data[-4:], data[:-4])
        if zlib.crc32(payload) != struct.unpack("<I", checksum)[0]:
            raise corrupt(spec.key, "crc32", "the checksum does not match", "CODEC-CRC32-002")
        return payload

    def max_encoded_size(self, size: int) -> int:
        return size + 4

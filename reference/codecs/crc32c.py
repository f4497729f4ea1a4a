"""The ``crc32c`` codec: the input followed by its CRC-32C, little endian (spec/codecs/crc32c.md)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

import google_crc32c

from zn5.reference.codecs._bounded import corrupt, too_large
from zn5.reference.codecs._config import Unconfigured
from zn5.reference.codecs.base import BytesBytesCodec, ChunkSpec


@dataclass(frozen=True)
class Crc32c(Unconfigured, BytesBytesCodec):
    """Append a CRC-32C checksum (CODEC-CRC32C-001); a mismatch is an error (CODEC-CRC32C-002)."""

    name = "crc32c"
    v2_ids = ("crc32c",)

    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        return data + struct.pack("<I", google_crc32c.value(data))

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        if len(data) < 4:
            raise corrupt(spec.key, "crc32c", "the 4-byte checksum is missing")
        if len(data) - 4 > max_size:
            raise too_large(spec.key, "crc32c", max_size)
        payload, (stored,) = data[:-4], struct.unpack("<I", data[-4:])
        if google_crc32c.value(payload) != stored:
            raise corrupt(spec.key, "crc32c", "the checksum does not match", "CODEC-CRC32C-002")
        return payload

    def max_encoded_size(self, size: int) -> int:
        return size + 4

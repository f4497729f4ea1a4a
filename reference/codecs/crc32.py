"""The ``numcodecs.crc32`` codec: a little-endian CRC-32 (ISO-HDLC) before or after the input.

See spec/codecs/crc32.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numcodecs

from zn5.reference.codecs._numcodecs import LocatedChecksum


@dataclass(frozen=True)
class Crc32(LocatedChecksum):
    """A zlib CRC-32 before or after the input (CODEC-CRC32-001); a mismatch is an error (CODEC-CRC32-002)."""

    name = "numcodecs.crc32"
    v2_ids = ("crc32",)
    mismatch_requirement = "CODEC-CRC32-002"
    location: str = "start"

    def numcodecs_codec(self) -> numcodecs.CRC32:
        return numcodecs.CRC32(self.location)

"""The ``numcodecs.adler32`` codec: a little-endian Adler-32 before or after the input.

See spec/codecs/adler32.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numcodecs

from zn5.reference.codecs._numcodecs import LocatedChecksum


@dataclass(frozen=True)
class Adler32(LocatedChecksum):
    """An Adler-32 before or after the input (CODEC-ADLER32-001); mismatch refused (CODEC-ADLER32-002)."""

    name = "numcodecs.adler32"
    v2_ids = ("adler32",)
    mismatch_requirement = "CODEC-ADLER32-002"
    location: str = "start"

    def numcodecs_codec(self) -> numcodecs.Adler32:
        return numcodecs.Adler32(self.location)

"""The ``numcodecs.fletcher32`` codec: HDF5's Fletcher-32 checksum after the input.

See spec/codecs/fletcher32.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numcodecs

from zn5.reference.codecs._config import Unconfigured
from zn5.reference.codecs._numcodecs import NumcodecsBytesFilter


@dataclass(frozen=True)
class Fletcher32(Unconfigured, NumcodecsBytesFilter):
    """The input and its Fletcher-32 (CODEC-FLETCHER32-001); a mismatch is an error (CODEC-FLETCHER32-002)."""

    name = "numcodecs.fletcher32"
    v2_ids = ("fletcher32",)
    overhead = 4
    mismatch_requirement = "CODEC-FLETCHER32-002"

    def numcodecs_codec(self) -> numcodecs.Fletcher32:
        return numcodecs.Fletcher32()

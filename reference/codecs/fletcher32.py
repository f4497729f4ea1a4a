"""The ``numcodecs.fletcher32`` codec: HDF5's Fletcher-32 checksum after the input.

See spec/codecs/fletcher32.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numcodecs

from zn5.reference.codecs._config import check_members
from zn5.reference.codecs._numcodecs import NumcodecsBytesFilter


@dataclass(frozen=True)
class Fletcher32(NumcodecsBytesFilter):
    """The input and its Fletcher-32 (CODEC-FLETCHER32-001); a mismatch is an error (CODEC-FLETCHER32-002)."""

    name = "numcodecs.fletcher32"
    v2_ids = ("fletcher32",)
    overhead = 4
    mismatch_requirement = "CODEC-FLETCHER32-002"

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Fletcher32:
        check_members(configuration, set())
        return cls()

    def configuration(self) -> dict[str, Any]:
        return {}

    def numcodecs_codec(self) -> numcodecs.Fletcher32:
        return numcodecs.Fletcher32()

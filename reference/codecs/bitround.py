"""The ``numcodecs.bitround`` filter: floats with all but ``keepbits`` mantissa bits rounded away, lossy.

See spec/codecs/bitround.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numcodecs
import numpy as np

from zn5.reference.codecs._config import check_members, integer
from zn5.reference.codecs._numcodecs import NumcodecsFilter
from zn5.reference.codecs.base import ChunkSpec


@dataclass(frozen=True)
class BitRound(NumcodecsFilter):
    """Mantissas rounded to ``keepbits`` bits (CODEC-BITROUND-001); floats only (CODEC-BITROUND-002)."""

    name = "numcodecs.bitround"
    v2_ids = ("bitround",)
    keepbits: int

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> BitRound:
        check_members(configuration, {"keepbits"})
        return cls(keepbits=integer(configuration, "keepbits", low=0, high=52))

    def configuration(self) -> dict[str, Any]:
        return {"keepbits": self.keepbits}

    def numcodecs_codec(self) -> numcodecs.BitRound:
        return numcodecs.BitRound(self.keepbits)

    def problems(self, spec: ChunkSpec) -> list[tuple[str, str]]:
        if spec.dtype.kind != "f":
            return [(f"bitround needs a floating-point type, not {spec.dtype.str}", "CODEC-BITROUND-002")]
        mantissa = np.finfo(spec.dtype).nmant
        if self.keepbits > mantissa:
            return [
                (
                    f"configuration.keepbits {self.keepbits} exceeds the {mantissa} mantissa bits of "
                    f"{spec.dtype.str}",
                    "CODEC-BITROUND-002",
                )
            ]
        return []

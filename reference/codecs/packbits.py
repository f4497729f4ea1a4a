"""The ``numcodecs.packbits`` filter: eight booleans to a byte, after a byte of padding count.

See spec/codecs/packbits.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numcodecs
import numpy as np

from zn5.reference.codecs._config import Unconfigured
from zn5.reference.codecs._numcodecs import NumcodecsFilter
from zn5.reference.codecs.base import ChunkSpec


@dataclass(frozen=True)
class PackBits(Unconfigured, NumcodecsFilter):
    """Booleans packed into ``1 + ceil(n / 8)`` bytes (CODEC-PACKBITS-001); bool only (CODEC-PACKBITS-002)."""

    name = "numcodecs.packbits"
    v2_ids = ("packbits",)

    def numcodecs_codec(self) -> numcodecs.PackBits:
        return numcodecs.PackBits()

    def problems(self, spec: ChunkSpec) -> list[tuple[str, str]]:
        if spec.dtype != np.dtype(bool):
            return [(f"packbits needs the bool type, not {spec.dtype.str}", "CODEC-PACKBITS-002")]
        return []

    def encoded_dtype(self, spec: ChunkSpec) -> np.dtype[Any]:
        return np.dtype("u1")

    def encoded_shape(self, spec: ChunkSpec) -> tuple[int, ...]:
        return (1 + math.ceil(math.prod(spec.shape) / 8),)

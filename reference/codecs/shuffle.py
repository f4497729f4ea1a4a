"""The ``numcodecs.shuffle`` codec: the bytes of ``elementsize``-byte elements regrouped by position.

See spec/codecs/shuffle.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numcodecs

from zn5.reference.codecs._bounded import corrupt
from zn5.reference.codecs._config import check_members, integer
from zn5.reference.codecs._numcodecs import NumcodecsBytesFilter
from zn5.reference.codecs.base import ChunkSpec


@dataclass(frozen=True)
class Shuffle(NumcodecsBytesFilter):
    """Byte shuffle of ``elementsize``-byte elements (CODEC-SHUFFLE-001, CODEC-SHUFFLE-002)."""

    name = "numcodecs.shuffle"
    v2_ids = ("shuffle",)
    elementsize: int

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Shuffle:
        check_members(configuration, {"elementsize"})
        return cls(elementsize=integer(configuration, "elementsize", low=1, high=2**31 - 1))

    def configuration(self) -> dict[str, Any]:
        return {"elementsize": self.elementsize}

    def numcodecs_codec(self) -> numcodecs.Shuffle:
        return numcodecs.Shuffle(self.elementsize)

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        if len(data) % self.elementsize:
            message = f"{len(data)} bytes are not whole {self.elementsize}-byte elements"
            raise corrupt(spec.key, self.name, message, "CODEC-SHUFFLE-002")
        return super().decode(data, spec, max_size)

"""The ``numcodecs.lzma`` codec: an xz container (spec/codecs/lzma.md).

Only the ``.xz`` container (``format: 1``) is in scope: it is what N5's ``xz`` writes and what
numcodecs writes by default. Zarr v2 names it ``lzma``; N5 names it ``xz`` with ``preset``.
"""

from __future__ import annotations

import lzma
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zn5.reference.codecs._bounded import decompress_stdlib
from zn5.reference.codecs._config import check_members, choice, integer
from zn5.reference.codecs.base import BytesBytesCodec, ChunkSpec


@dataclass(frozen=True)
class Lzma(BytesBytesCodec):
    """xz compression at ``preset`` 0 to 9 (CODEC-LZMA-001)."""

    name = "numcodecs.lzma"
    v2_ids = ("lzma",)
    n5_types = ("xz",)
    preset: int = 6

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Lzma:
        check_members(configuration, {"format", "check", "preset", "filters"})
        choice(configuration, "format", (1,), default=1)
        choice(configuration, "check", (-1, 0, 1, 4, 10), default=-1)
        if configuration.get("filters") is not None:
            raise ValueError("configuration.filters other than null is not supported")
        preset = configuration.get("preset")
        return cls(preset=6 if preset is None else integer(configuration, "preset", low=0, high=9))

    def configuration(self) -> dict[str, Any]:
        return {"format": 1, "check": -1, "preset": self.preset, "filters": None}

    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        return lzma.compress(data, format=lzma.FORMAT_XZ, preset=self.preset)

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        return decompress_stdlib(data, module="lzma", max_size=max_size, key=spec.key)

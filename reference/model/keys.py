"""Chunk key encodings (spec/core/chunk-keys.md).

``default`` writes ``c`` followed by the chunk position (``c/1/2``, ``c.1.2``; 0-d: ``c``);
``v2`` writes the position alone (``1.2``, ``1/2``; 0-d: ``0``). N5 block paths are the ``v2``
encoding with ``/`` over the declared axis order (N5-KEY-001).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

KeyEncodingName = Literal["default", "v2"]
Separator = Literal["/", "."]


@dataclass(frozen=True)
class ChunkKeyEncoding:
    """How a chunk position becomes a key relative to its array (CORE-KEY-001)."""

    name: KeyEncodingName
    separator: Separator

    def encode(self, coords: tuple[int, ...]) -> str:
        """The key of the chunk at ``coords`` (CORE-KEY-002, CORE-KEY-003)."""
        if self.name == "default":
            return self.separator.join(["c", *map(str, coords)])
        return self.separator.join(map(str, coords)) if coords else "0"

    def decode(self, key: str, rank: int) -> tuple[int, ...] | None:
        """The chunk position a key names, or None when the key is no chunk key of this encoding."""
        parts = key.split(self.separator)
        if self.name == "default":
            if parts[0] != "c":
                return None
            parts = parts[1:]
        elif rank == 0:
            return () if key == "0" else None
        if len(parts) != rank or not all(part.isdigit() and part.isascii() for part in parts):
            return None
        if any(len(part) > 1 and part.startswith("0") for part in parts):
            return None
        return tuple(int(part) for part in parts)

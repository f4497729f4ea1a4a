"""The regular chunk grid (spec/core/chunk-grid.md).

The grid's origin is the array's origin; chunk ``k`` along an axis of chunk length ``c`` covers
``[k*c, min((k+1)*c, shape))`` (CORE-GRID-002). Chunks that reach past the array are edge chunks.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product


@dataclass(frozen=True)
class RegularGrid:
    """A grid of equal chunks, one positive length per axis (CORE-GRID-001)."""

    chunk_shape: tuple[int, ...]

    def grid_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        """Number of chunks along each axis: ``ceil(shape / chunk)`` (CORE-GRID-002)."""
        return tuple(math.ceil(length / chunk) for length, chunk in zip(shape, self.chunk_shape, strict=True))

    def chunk_count(self, shape: tuple[int, ...]) -> int:
        """Total number of chunks in the grid."""
        return math.prod(self.grid_shape(shape))

    def all_chunks(self, shape: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        """Every chunk position, in C order."""
        return product(*(range(n) for n in self.grid_shape(shape)))

    def chunk_origin(self, coords: tuple[int, ...]) -> tuple[int, ...]:
        """The array index of a chunk's first element."""
        return tuple(c * k for c, k in zip(self.chunk_shape, coords, strict=True))

    def valid_shape(self, coords: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
        """The part of a chunk that lies inside the array (CORE-GRID-003)."""
        return tuple(
            max(0, min(chunk, length - chunk * k))
            for chunk, length, k in zip(self.chunk_shape, shape, coords, strict=True)
        )

    def contains(self, coords: tuple[int, ...], shape: tuple[int, ...]) -> bool:
        """Whether ``coords`` names a chunk of the grid."""
        grid = self.grid_shape(shape)
        return len(coords) == len(grid) and all(0 <= k < n for k, n in zip(coords, grid, strict=True))

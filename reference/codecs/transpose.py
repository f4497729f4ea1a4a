"""The ``transpose`` codec: permute a chunk's axes (spec/codecs/transpose.md).

Encoded axis ``i`` is decoded axis ``order[i]``. ``order = [n-1, ..., 0]`` before ``bytes`` stores
a chunk in Fortran order: the Zarr v2 ``order: "F"`` and N5's block layout (CODEC-TRANSPOSE-002).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from zn5.reference.codecs._config import check_members
from zn5.reference.codecs.base import ArrayArrayCodec, ChunkSpec


@dataclass(frozen=True)
class Transpose(ArrayArrayCodec):
    """Permute axes by ``order`` (CODEC-TRANSPOSE-001)."""

    name = "transpose"
    order: tuple[int, ...]

    @classmethod
    def reversing(cls, ndim: int) -> Transpose:
        """The permutation that stores chunks in Fortran order."""
        return cls(tuple(range(ndim - 1, -1, -1)))

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Transpose:
        check_members(configuration, {"order"})
        order = configuration.get("order")
        if not isinstance(order, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in order
        ):
            raise ValueError(f"configuration.order must be a list of axis numbers (got {order!r})")
        if sorted(order) != list(range(len(order))):
            raise ValueError(
                f"configuration.order must be a permutation of 0..{len(order) - 1} (got {order})"
            )
        return cls(tuple(order))

    def configuration(self) -> dict[str, Any]:
        return {"order": list(self.order)}

    def problems(self, spec: ChunkSpec) -> list[tuple[str, str]]:
        if len(self.order) != len(spec.shape):
            message = f"configuration.order has {len(self.order)} axes but the chunk has {len(spec.shape)}"
            return [(message, "CODEC-TRANSPOSE-001")]
        return []

    def resolve(self, spec: ChunkSpec) -> ChunkSpec:
        return replace(
            spec,
            shape=tuple(spec.shape[i] for i in self.order),
            valid_shape=tuple(spec.valid_shape[i] for i in self.order),
        )

    def encode(self, chunk: np.ndarray[Any, Any], spec: ChunkSpec) -> np.ndarray[Any, Any]:
        return np.transpose(chunk, self.order)

    def decode(self, chunk: np.ndarray[Any, Any], spec: ChunkSpec) -> np.ndarray[Any, Any]:
        return np.transpose(chunk, np.argsort(self.order))

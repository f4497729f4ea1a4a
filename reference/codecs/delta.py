"""The ``numcodecs.delta`` codec: store each element's difference to the one before (spec/codecs/delta.md).

It runs over the chunk's elements in their stored order (after any transpose), as numcodecs does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from zn5.reference.codecs._config import check_members
from zn5.reference.codecs.base import ArrayArrayCodec, ChunkSpec


def _numeric_dtype(configuration: Mapping[str, Any], name: str, default: Any = None) -> np.dtype[Any]:
    value = configuration.get(name, default)
    try:
        dtype: np.dtype[Any] = np.dtype(value)
    except (TypeError, ValueError):
        raise ValueError(f"configuration.{name} must be a numeric type string (got {value!r})") from None
    if not isinstance(value, str) or dtype.kind not in "iuf":
        raise ValueError(f"configuration.{name} must be a numeric type string (got {value!r})")
    return dtype


@dataclass(frozen=True)
class Delta(ArrayArrayCodec):
    """Differences in ``astype`` of consecutive ``dtype`` elements (CODEC-DELTA-001)."""

    name = "numcodecs.delta"
    v2_ids = ("delta",)
    dtype: str
    astype: str

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Delta:
        check_members(configuration, {"dtype", "astype"})
        dtype = _numeric_dtype(configuration, "dtype")
        astype = _numeric_dtype(configuration, "astype", configuration.get("dtype"))
        return cls(dtype=dtype.str, astype=astype.str)

    def configuration(self) -> dict[str, Any]:
        return {"dtype": self.dtype, "astype": self.astype}

    def problems(self, spec: ChunkSpec) -> list[tuple[str, str]]:
        if np.dtype(self.dtype).newbyteorder("=") != spec.dtype:
            return [
                (
                    f"configuration.dtype {self.dtype} differs from the array's {spec.dtype.str}",
                    "CODEC-DELTA-002",
                )
            ]
        return []

    def resolve(self, spec: ChunkSpec) -> ChunkSpec:
        encoded = np.dtype(self.astype).newbyteorder("=")
        fill = np.frombuffer(spec.fill_value, dtype=spec.dtype, count=1).astype(encoded).tobytes()
        return replace(spec, dtype=encoded, fill_value=fill)

    def encode(self, chunk: np.ndarray[Any, Any], spec: ChunkSpec) -> np.ndarray[Any, Any]:
        flat = chunk.reshape(-1)
        encoded = np.empty_like(flat, dtype=np.dtype(self.astype).newbyteorder("="))
        if flat.size:
            encoded[0] = flat[0]
            encoded[1:] = np.diff(flat)
        return encoded.reshape(chunk.shape)

    def decode(self, chunk: np.ndarray[Any, Any], spec: ChunkSpec) -> np.ndarray[Any, Any]:
        values = np.cumsum(chunk.reshape(-1), dtype=spec.dtype)
        return values.reshape(chunk.shape)

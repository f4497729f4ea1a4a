"""The ``numcodecs.vlen-array`` codec: ``ragged[T]`` elements as length-prefixed items
(spec/codecs/vlen-array.md).

The layout is the one of ``vlen-utf8`` (CODEC-VLENARRAY-001): a 4-byte little-endian element count,
then per element in C order a 4-byte little-endian byte length and the element's items in the type
``dtype`` declares, byte order included. numcodecs does the work; the shared checks of
:class:`LengthPrefixed` come first (CODEC-VLENARRAY-002).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numcodecs
import numpy as np

from zn5.reference.codecs._config import check_members, dtype_string
from zn5.reference.codecs.base import ChunkSpec
from zn5.reference.codecs.vlen import LengthPrefixed
from zn5.reference.model.dtype import RAGGED_ITEM_KINDS, DataType, ragged_items


@dataclass(frozen=True)
class VlenArray(LengthPrefixed):
    """``ragged[T]`` elements, each its items in ``dtype`` (CODEC-VLENARRAY-001). Zarr v2 only: Zarr v3
    has no form for ``ragged[T]`` (CORE-VLEN-009)."""

    name = "numcodecs.vlen-array"
    v2_ids = ("vlen-array",)
    in_zarr3 = False
    layout_requirement = "CODEC-VLENARRAY-002"
    dtype: str
    """The NumPy type string of the items as stored, byte order included (``"<i4"``)."""

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> VlenArray:
        check_members(configuration, {"dtype"})
        return cls(dtype_string(configuration, "dtype", RAGGED_ITEM_KINDS))

    def configuration(self) -> dict[str, Any]:
        return {"dtype": self.dtype}

    def data_type(self) -> DataType:
        """The core type this codec serialises: ``ragged[T]`` of its ``dtype`` (ZARR2-VLEN-007)."""
        return DataType.ragged(np.dtype(self.dtype))

    def problems(self, spec: ChunkSpec) -> list[tuple[str, str]]:
        received, served = DataType(spec.dtype), self.data_type()
        if received != served:
            message = (
                f"{self.name} of dtype {self.dtype} serialises {served.name} arrays, not {received.name}"
            )
            return [(message, "CORE-VLEN-002")]
        return []

    def numcodecs_codec(self) -> numcodecs.VLenArray:
        return numcodecs.VLenArray(self.dtype)

    def element_size(self, value: Any) -> int:
        return int(np.asarray(value).nbytes)

    def elements(self, values: np.ndarray[Any, Any], spec: ChunkSpec) -> np.ndarray[Any, Any]:
        """Each element's items in native byte order."""
        items = ragged_items(spec.dtype)
        out = np.empty(spec.shape, dtype=spec.dtype)
        flat = out.reshape(-1)
        for index, value in enumerate(values):
            flat[index] = np.asarray(value, dtype=items)
        return out

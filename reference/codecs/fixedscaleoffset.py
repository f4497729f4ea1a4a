"""The ``numcodecs.fixedscaleoffset`` filter: ``round((x - offset) * scale)`` in another type, lossy.

See spec/codecs/fixedscaleoffset.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numcodecs

from zn5.reference.codecs._config import check_members, dtype_string, number
from zn5.reference.codecs._numcodecs import NumcodecsFilter


@dataclass(frozen=True)
class FixedScaleOffset(NumcodecsFilter):
    """Scaled, offset and rounded values in ``astype`` (CODEC-FIXEDSCALEOFFSET-001, -002)."""

    name = "numcodecs.fixedscaleoffset"
    v2_ids = ("fixedscaleoffset",)
    decoded_member = "dtype"
    encoded_member = "astype"
    type_requirement = "CODEC-FIXEDSCALEOFFSET-002"
    offset: int | float
    scale: int | float
    dtype: str
    astype: str

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> FixedScaleOffset:
        check_members(configuration, {"offset", "scale", "dtype", "astype"})
        dtype = dtype_string(configuration, "dtype", "iuf")
        return cls(
            offset=number(configuration, "offset"),
            scale=number(configuration, "scale"),
            dtype=dtype,
            astype=dtype_string(configuration, "astype", "iuf", default=dtype),
        )

    def configuration(self) -> dict[str, Any]:
        return {"offset": self.offset, "scale": self.scale, "dtype": self.dtype, "astype": self.astype}

    def numcodecs_codec(self) -> numcodecs.FixedScaleOffset:
        return numcodecs.FixedScaleOffset(self.offset, self.scale, self.dtype, self.astype)

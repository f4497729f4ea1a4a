"""The ``numcodecs.quantize`` filter: floats rounded to ``digits`` decimal digits, lossy.

See spec/codecs/quantize.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numcodecs

from zn5.reference.codecs._config import check_members, dtype_string, integer
from zn5.reference.codecs._numcodecs import NumcodecsFilter


@dataclass(frozen=True)
class Quantize(NumcodecsFilter):
    """Floats keeping ``digits`` decimal digits after the point (CODEC-QUANTIZE-001, CODEC-QUANTIZE-002)."""

    name = "numcodecs.quantize"
    v2_ids = ("quantize",)
    decoded_member = "dtype"
    encoded_member = "astype"
    type_requirement = "CODEC-QUANTIZE-002"
    digits: int
    dtype: str
    astype: str

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Quantize:
        check_members(configuration, {"digits", "dtype", "astype"})
        dtype = dtype_string(configuration, "dtype", "f")
        return cls(
            digits=integer(configuration, "digits", low=0, high=2**31 - 1),
            dtype=dtype,
            astype=dtype_string(configuration, "astype", "f", default=dtype),
        )

    def configuration(self) -> dict[str, Any]:
        return {"digits": self.digits, "dtype": self.dtype, "astype": self.astype}

    def numcodecs_codec(self) -> numcodecs.Quantize:
        return numcodecs.Quantize(self.digits, self.dtype, self.astype)

"""The ``numcodecs.delta`` codec: store each element's difference to the one before (spec/codecs/delta.md).

It runs over the chunk's elements in their stored order (after any transpose), as numcodecs does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numcodecs

from zn5.reference.codecs._config import check_members, dtype_string
from zn5.reference.codecs._numcodecs import NumcodecsFilter


@dataclass(frozen=True)
class Delta(NumcodecsFilter):
    """Differences in ``astype`` of consecutive ``dtype`` elements (CODEC-DELTA-001, CODEC-DELTA-002)."""

    name = "numcodecs.delta"
    v2_ids = ("delta",)
    decoded_member = "dtype"
    encoded_member = "astype"
    type_requirement = "CODEC-DELTA-002"
    dtype: str
    astype: str

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Delta:
        check_members(configuration, {"dtype", "astype"})
        dtype = dtype_string(configuration, "dtype", "iuf")
        return cls(dtype=dtype, astype=dtype_string(configuration, "astype", "iuf", default=dtype))

    def configuration(self) -> dict[str, Any]:
        return {"dtype": self.dtype, "astype": self.astype}

    def numcodecs_codec(self) -> numcodecs.Delta:
        return numcodecs.Delta(self.dtype, self.astype)

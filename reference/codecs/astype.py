"""The ``numcodecs.astype`` filter: the elements converted to another numeric type (spec/codecs/astype.md).

Converting to a narrower type or from float to integer loses information; the decoded values are
the converted ones, converted back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numcodecs

from zn5.reference.codecs._config import check_members, dtype_string
from zn5.reference.codecs._numcodecs import NumcodecsFilter


@dataclass(frozen=True)
class AsType(NumcodecsFilter):
    """``decode_dtype`` elements stored as ``encode_dtype`` (CODEC-ASTYPE-001, CODEC-ASTYPE-002)."""

    name = "numcodecs.astype"
    v2_ids = ("astype",)
    decoded_member = "decode_dtype"
    encoded_member = "encode_dtype"
    type_requirement = "CODEC-ASTYPE-002"
    encode_dtype: str
    decode_dtype: str

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> AsType:
        check_members(configuration, {"encode_dtype", "decode_dtype"})
        return cls(
            encode_dtype=dtype_string(configuration, "encode_dtype", "biuf"),
            decode_dtype=dtype_string(configuration, "decode_dtype", "biuf"),
        )

    def configuration(self) -> dict[str, Any]:
        return {"encode_dtype": self.encode_dtype, "decode_dtype": self.decode_dtype}

    def numcodecs_codec(self) -> numcodecs.AsType:
        return numcodecs.AsType(self.encode_dtype, self.decode_dtype)

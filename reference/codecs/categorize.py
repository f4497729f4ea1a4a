"""The ``numcodecs.categorize`` filter: text elements stored as integer codes (spec/codecs/categorize.md).

Code 0 stands for any element that is none of the labels and reads back as the empty string; code
``i`` (from 1) is label ``i - 1`` (CODEC-CATEGORIZE-001). numcodecs does the work; this module checks
what numcodecs leaves unchecked: that the labels fit the code type, and that no stored code is past the
last label, which numcodecs would read as the empty string (CODEC-CATEGORIZE-003).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numcodecs
import numpy as np

from zn5.reference.codecs._config import check_members, dtype_string
from zn5.reference.codecs._numcodecs import Array, NumcodecsFilter
from zn5.reference.codecs.base import ChunkSpec
from zn5.reference.errors import ChunkError

OBJECT = "|O"
"""The ``dtype`` member of a categorized object array: its elements are the core type ``string``."""


def _labels(configuration: Mapping[str, Any]) -> tuple[str, ...]:
    """The required ``labels`` member: a list of strings (CODEC-CATEGORIZE-002)."""
    labels = configuration.get("labels")
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise ValueError(f"configuration.labels must be a list of strings (got {labels!r})")
    return tuple(labels)


@dataclass(frozen=True)
class Categorize(NumcodecsFilter):
    """``dtype`` text elements as ``astype`` codes of ``labels`` (CODEC-CATEGORIZE-001)."""

    name = "numcodecs.categorize"
    v2_ids = ("categorize",)
    decoded_member = "dtype"
    encoded_member = "astype"
    type_requirement = "CODEC-CATEGORIZE-002"
    labels: tuple[str, ...]
    dtype: str
    astype: str = "|u1"

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Categorize:
        check_members(configuration, {"labels", "dtype", "astype"})
        labels = _labels(configuration)
        dtype = dtype_string(configuration, "dtype", "UO")
        astype = dtype_string(configuration, "astype", "iu", default="|u1")
        most = int(np.iinfo(astype).max)
        if len(labels) > most:
            raise ValueError(f"configuration.labels has {len(labels)} labels, {astype} codes reach {most}")
        return cls(labels=labels, dtype=dtype, astype=astype)

    def configuration(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "dtype": self.dtype, "astype": self.astype}

    def numcodecs_codec(self) -> numcodecs.Categorize:
        return numcodecs.Categorize(list(self.labels), self.dtype, astype=self.astype)

    def problems(self, spec: ChunkSpec) -> list[tuple[str, str]]:
        """``"|O"`` serves ``string`` arrays, ``"<U…"`` the fixed-length UTF-32 type it names
        (CODEC-CATEGORIZE-002)."""
        if self.dtype == OBJECT:
            if spec.dtype.kind == "T":
                return []
            return [(f"configuration.dtype |O serves string arrays, not {spec.dtype}", self.type_requirement)]
        return super().problems(spec)

    def decoded_dtype(self, spec: ChunkSpec) -> np.dtype[Any]:
        return np.dtype(object) if self.dtype == OBJECT else super().decoded_dtype(spec)

    def decode(self, chunk: Array, spec: ChunkSpec) -> Array:
        codes = np.asarray(chunk)
        if codes.size and (codes.min() < 0 or codes.max() > len(self.labels)):
            bad = int(codes.max()) if codes.max() > len(self.labels) else int(codes.min())
            raise ChunkError.at(
                spec.key,
                f"{self.name} code {bad} names no label: there are {len(self.labels)}",
                "CODEC-CATEGORIZE-003",
            )
        return super().decode(chunk, spec)

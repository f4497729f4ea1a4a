"""The ``vlen-utf8`` and ``vlen-bytes`` codecs: variable-length elements as length-prefixed bytes
(spec/codecs/vlen.md).

A chunk is a 4-byte little-endian element count, then for each element in C order a 4-byte
little-endian byte length and the element's bytes (CODEC-VLEN-001). numcodecs does the work; this
module checks what numcodecs leaves unchecked before and after it: the count against the chunk shape
(before anything is allocated), bytes left over after the last element, and invalid UTF-8
(CODEC-VLEN-002).
"""

from __future__ import annotations

import math
from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import numcodecs
import numpy as np

from zn5.reference.codecs._config import Unconfigured
from zn5.reference.codecs.base import ArrayBytesCodec, ChunkSpec
from zn5.reference.errors import ChunkError
from zn5.reference.model.dtype import DataType

HEADER = 4
MAX_CHUNK_BYTES = 2**31 - 1
"""Largest encoded variable-length chunk the reference decodes: the lengths are 32-bit (CODEC-VLEN-003)."""


class LengthPrefixed(ArrayBytesCodec):
    """The layout of the length-prefixed codecs: a count, then each element's byte length and bytes
    (CODEC-VLEN-001, CODEC-VLENARRAY-001). numcodecs encodes and decodes; this class checks the count
    before numcodecs allocates anything, and the bytes left after the last element."""

    layout_requirement: ClassVar[str] = "CODEC-VLEN-002"
    """The requirement a chunk that breaks the layout breaks."""

    @abstractmethod
    def numcodecs_codec(self) -> Any:
        """The numcodecs codec that does the work."""

    @abstractmethod
    def element_size(self, value: Any) -> int:
        """The number of bytes a decoded element takes in the chunk after its length."""

    def elements(self, values: np.ndarray[Any, Any], spec: ChunkSpec) -> np.ndarray[Any, Any]:
        """numcodecs' decoded elements as the chunk of ``spec``."""
        return np.asarray(values.reshape(spec.shape), dtype=spec.dtype)

    def encode(self, chunk: np.ndarray[Any, Any], spec: ChunkSpec) -> bytes:
        return bytes(self.numcodecs_codec().encode(np.ascontiguousarray(chunk, dtype=object)))

    def decode(self, data: bytes, spec: ChunkSpec) -> np.ndarray[Any, Any]:
        expected = math.prod(spec.shape)
        count = int.from_bytes(data[:HEADER], "little") if len(data) >= HEADER else None
        if count != expected:
            found = "no 4-byte header" if count is None else f"a count of {count}"
            raise ChunkError.at(
                spec.key,
                f"{self.name} chunk has {found}, expected {expected} elements",
                self.layout_requirement,
            )
        try:
            values = self.numcodecs_codec().decode(data)
        except UnicodeDecodeError as error:
            raise ChunkError.at(
                spec.key, f"{self.name} element is not valid UTF-8: {error}", "CORE-VLEN-001"
            ) from None
        except ValueError as error:
            raise ChunkError.at(
                spec.key, f"{self.name} chunk cannot be decoded: {error}", self.layout_requirement
            ) from None
        used = HEADER + sum(HEADER + self.element_size(value) for value in values)
        if used != len(data):
            raise ChunkError.at(
                spec.key,
                f"{self.name} chunk holds {len(data)} bytes, its {expected} elements use {used}",
                self.layout_requirement,
            )
        return self.elements(values, spec)

    def max_encoded_size(self, spec: ChunkSpec) -> int:
        return MAX_CHUNK_BYTES


@dataclass(frozen=True)
class _Vlen(Unconfigured, LengthPrefixed):
    """What ``vlen-utf8`` and ``vlen-bytes`` share: no configuration, one core type each."""

    kind_of_element: ClassVar[str]
    """The NumPy kind of the data type this codec serialises: ``T`` (string) or ``O`` (bytes)."""
    data_type: ClassVar[str]

    def problems(self, spec: ChunkSpec) -> list[tuple[str, str]]:
        data_type = DataType(spec.dtype).name
        if data_type != self.data_type:
            return [(f"{self.name} serialises {self.data_type} arrays, not {data_type}", "CORE-VLEN-002")]
        return []

    def numcodecs_codec(self) -> Any:
        return numcodecs.VLenUTF8() if self.kind_of_element == "T" else numcodecs.VLenBytes()

    def element_size(self, value: Any) -> int:
        return len(value.encode("utf-8") if self.kind_of_element == "T" else bytes(value))


@dataclass(frozen=True)
class VlenUtf8(_Vlen):
    """``string`` elements as UTF-8 (CODEC-VLEN-001)."""

    name = "vlen-utf8"
    v2_ids = ("vlen-utf8",)
    kind_of_element = "T"
    data_type = "string"


@dataclass(frozen=True)
class VlenBytes(_Vlen):
    """``bytes`` elements as they are (CODEC-VLEN-001)."""

    name = "vlen-bytes"
    v2_ids = ("vlen-bytes",)
    kind_of_element = "O"
    data_type = "bytes"

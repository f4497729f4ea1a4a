"""The ``numcodecs.json2`` and ``numcodecs.msgpack2`` codecs: ``json`` elements as one JSON text or one
MessagePack value (spec/codecs/json2.md, spec/codecs/msgpack2.md).

Both store one array: the chunk's elements, nested one array per axis as NumPy's ``tolist`` gives them,
then the string ``"|O"``, then the chunk shape (CODEC-JSON2-001, CODEC-MSGPACK2-001). numcodecs
encodes. Its decoder allocates the shape the value records and takes what it finds there, so a chunk is
read here instead, once, with the parser numcodecs uses (``json``, ``msgpack``) and numcodecs' settings:
the value is refused unless it is the chunk it stands for (CODEC-JSON2-002, CODEC-MSGPACK2-002), and its
elements are the chunk's.
"""

from __future__ import annotations

import json
import math
from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import msgpack
import numcodecs
import numcodecs.abc
import numpy as np

from zn5.reference.codecs._config import boolean, check_members, choice
from zn5.reference.codecs.base import ArrayBytesCodec, ChunkSpec
from zn5.reference.codecs.vlen import MAX_CHUNK_BYTES
from zn5.reference.errors import ChunkError
from zn5.reference.model.dtype import DataType, json_key

OBJECT_MARK = "|O"
"""The string numcodecs writes after the elements: the NumPy type of the array it encoded."""


class JsonValues(ArrayBytesCodec):
    """What both codecs share: the layout check before numcodecs decodes, and the ``json`` type."""

    layout_requirement: ClassVar[str]
    """The requirement a value that is no encoded chunk breaks."""

    @abstractmethod
    def numcodecs_codec(self) -> numcodecs.abc.Codec:
        """The numcodecs codec that encodes."""

    @abstractmethod
    def parse(self, data: bytes) -> Any:
        """The stored value as Python objects; ValueError when it cannot be parsed."""

    def problems(self, spec: ChunkSpec) -> list[tuple[str, str]]:
        received = DataType(spec.dtype).name
        if received != "json":
            return [(f"{self.name} serialises json arrays, not {received}", "CORE-VLEN-002")]
        return []

    def encode(self, chunk: np.ndarray[Any, Any], spec: ChunkSpec) -> bytes:
        return bytes(self.numcodecs_codec().encode(np.ascontiguousarray(chunk, dtype=object)))

    def decode(self, data: bytes, spec: ChunkSpec) -> np.ndarray[Any, Any]:
        try:
            stored = self.parse(data)
        except ValueError as error:
            raise self._error(spec, f"cannot be parsed: {error}") from None
        out = np.empty(math.prod(spec.shape), dtype=spec.dtype)
        for index, value in enumerate(self._elements(stored, spec)):
            out[index] = value  # one element each: NumPy would take equal-length lists for an axis
        return out.reshape(spec.shape)

    def _elements(self, stored: Any, spec: ChunkSpec) -> list[Any]:
        """The chunk's elements in C order, checked: nested one array per axis of the chunk (numcodecs'
        ``tolist``; one element for a zero-dimensional chunk), then the type mark and the chunk shape,
        and nothing but JSON values (CORE-VLEN-007)."""
        if not isinstance(stored, list) or len(stored) < 2 or stored[-2] != OBJECT_MARK:
            raise self._error(spec, f"is no array of elements followed by {OBJECT_MARK!r} and a shape")
        if stored[-1] != list(spec.shape):
            raise self._error(spec, f"records the shape {stored[-1]!r}, the chunk is {list(spec.shape)}")
        body = stored[:-2]
        elements = _nested_elements(body, spec.shape) if spec.shape else body
        if elements is None or len(elements) != math.prod(spec.shape):
            raise self._error(spec, f"does not hold the elements of a chunk of shape {list(spec.shape)}")
        for index, value in enumerate(elements):
            try:
                json_key(value)
            except ValueError as error:
                raise ChunkError.at(
                    spec.key, f"{self.name} element {index}: {error}", "CORE-VLEN-007"
                ) from None
        return elements

    def _error(self, spec: ChunkSpec, problem: str) -> ChunkError:
        return ChunkError.at(spec.key, f"{self.name} chunk {problem}", self.layout_requirement)  # type: ignore[return-value]

    def max_encoded_size(self, spec: ChunkSpec) -> int:
        return MAX_CHUNK_BYTES


def _nested_elements(nested: Any, shape: tuple[int, ...]) -> list[Any] | None:
    """The elements of ``nested`` in C order, if it holds one array of ``shape[0]`` entries per axis;
    None otherwise."""
    if not isinstance(nested, list) or len(nested) != shape[0]:
        return None
    if len(shape) == 1:
        return nested
    elements: list[Any] = []
    for part in nested:
        inner = _nested_elements(part, shape[1:])
        if inner is None:
            return None
        elements += inner
    return elements


JSON2_DEFAULTS: Mapping[str, Any] = {
    name: value for name, value in numcodecs.JSON().get_config().items() if name != "id"
} | {"separators": [",", ":"]}
"""numcodecs' members of ``json2`` and their defaults (CODEC-JSON2-001), as zarr-python 2 writes them."""
JSON2_FLAGS = ("skipkeys", "ensure_ascii", "check_circular", "allow_nan", "sort_keys", "strict")


@dataclass(frozen=True)
class Json2(JsonValues):
    """``json`` elements as one UTF-8 JSON text (CODEC-JSON2-001); the members are numcodecs', each
    written out as zarr-python 2 writes them. Zarr v2 only: Zarr v3 has no form for ``json``
    (CORE-VLEN-009)."""

    name = "numcodecs.json2"
    v2_ids = ("json2",)
    in_zarr3 = False
    layout_requirement = "CODEC-JSON2-002"
    flags: tuple[tuple[str, bool], ...] = tuple((flag, JSON2_DEFAULTS[flag]) for flag in JSON2_FLAGS)
    """The boolean members, in :data:`JSON2_FLAGS` order."""
    indent: int | None = None
    separators: tuple[str, str] = (",", ":")

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Json2:
        check_members(configuration, set(JSON2_DEFAULTS))
        if choice(configuration, "encoding", ("utf-8",), default="utf-8") != "utf-8":
            raise ValueError("configuration.encoding must be 'utf-8'")
        flags = tuple(
            (flag, boolean(configuration, flag, default=JSON2_DEFAULTS[flag])) for flag in JSON2_FLAGS
        )
        indent = configuration.get("indent")
        if indent is not None and (type(indent) is not int or indent < 0):
            raise ValueError(f"configuration.indent must be null or a count of spaces (got {indent!r})")
        separators = configuration.get("separators", JSON2_DEFAULTS["separators"])
        if not (isinstance(separators, list) and [type(part) for part in separators] == [str, str]):
            raise ValueError(f"configuration.separators must be two strings (got {separators!r})")
        return cls(flags, indent, (separators[0], separators[1]))

    def configuration(self) -> dict[str, Any]:
        return {
            "encoding": "utf-8",
            **dict(self.flags),
            "indent": self.indent,
            "separators": list(self.separators),
        }

    def numcodecs_codec(self) -> numcodecs.JSON:
        return numcodecs.JSON(**dict(self.flags), indent=self.indent, separators=self.separators)

    def parse(self, data: bytes) -> Any:
        """The text as numcodecs' decoder reads it: ``strict`` as configured, bare ``NaN`` and
        ``Infinity`` always (CODEC-JSON2-001)."""
        strict = dict(self.flags)["strict"]
        try:
            return json.loads(data.decode("utf-8"), strict=strict)
        except UnicodeDecodeError as error:
            raise ValueError(f"not UTF-8: {error}") from None


@dataclass(frozen=True)
class MsgPack2(JsonValues):
    """``json`` elements as one MessagePack value (CODEC-MSGPACK2-001). ``raw: true``, which reads text
    as bytes, is refused by the Zarr v2 mapping before this codec is built. Zarr v2 only (CORE-VLEN-009)."""

    name = "numcodecs.msgpack2"
    v2_ids = ("msgpack2",)
    in_zarr3 = False
    layout_requirement = "CODEC-MSGPACK2-002"
    use_single_float: bool = False
    use_bin_type: bool = True

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> MsgPack2:
        check_members(configuration, {"raw", "use_single_float", "use_bin_type"})
        if boolean(configuration, "raw", default=False):
            raise ValueError("configuration.raw must be false: text read as bytes is no JSON value")
        return cls(
            use_single_float=boolean(configuration, "use_single_float", default=False),
            use_bin_type=boolean(configuration, "use_bin_type", default=True),
        )

    def configuration(self) -> dict[str, Any]:
        return {"raw": False, "use_single_float": self.use_single_float, "use_bin_type": self.use_bin_type}

    def numcodecs_codec(self) -> numcodecs.MsgPack:
        return numcodecs.MsgPack(use_single_float=self.use_single_float, use_bin_type=self.use_bin_type)

    def parse(self, data: bytes) -> Any:
        """The value with strings as text and maps as they are, so that a binary value, an extension
        type or a map key that is no string is found by the layout check (CODEC-MSGPACK2-002)."""
        try:
            return msgpack.unpackb(data, raw=False, strict_map_key=False)
        except (msgpack.UnpackException, ValueError, TypeError) as error:
            raise ValueError(str(error)) from None

"""Data types and fill values of the core model (spec/core/data-types.md).

A data type is a NumPy dtype in native byte order: byte order is a property of the serialising codec,
never of the type (CORE-DTYPE-002). Fill values are kept as the element's bytes in native order, so
that NaN payloads and negative zero survive exactly (CORE-FILL-001).

The variable-length types (CORE-VLEN-001, CORE-VLEN-006, CORE-VLEN-007) are NumPy's ``StringDType``
for ``string`` and the object dtype for the others: its elements are ``bytes`` objects for ``bytes``,
one-dimensional arrays for ``ragged[T]`` and Python JSON values for ``json``. The object dtype of a
``ragged[T]`` or ``json`` type says which it is in its NumPy ``metadata``, so that the chunk specs and
arrays built from it carry the element kind along. A variable-length fill value is the element's own
bytes: UTF-8 for ``string``, the items in native order for ``ragged[T]``, JSON text for ``json``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

SUPPORTED_KINDS = "biufcmMSUVTO"
VARIABLE_KINDS = "TO"
"""NumPy kinds of the variable-length types: ``T`` (StringDType) is ``string``, ``O`` the object types."""
VARIABLE_NAMES: dict[object, str] = {"string": "T", "bytes": "O", str: "T", bytes: "O"}
"""Names that mean a variable-length type: the canonical names and Python's own types."""
DATETIME_UNITS = ("Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as", "generic")
RAGGED_NAME = re.compile(r"ragged\[(?P<items>[^\]]+)\]")
RAGGED_ITEM_KINDS = "biufc"
"""The kinds of the item type ``T`` of ``ragged[T]``: bool, integers, floats and complex (CORE-VLEN-006)."""


def object_element(dtype: np.dtype[Any]) -> str:
    """What the elements of an object dtype are: ``"bytes"``, ``"ragged"`` or ``"json"``."""
    metadata: Mapping[str, Any] = dtype.metadata or {}
    return str(metadata.get("element", "bytes"))


def ragged_items(dtype: np.dtype[Any]) -> np.dtype[Any]:
    """The item type ``T`` of a ``ragged[T]`` object dtype, in native byte order."""
    metadata: Mapping[str, Any] = dtype.metadata or {}
    items: np.dtype[Any] = metadata["items"]
    return items


def _object_dtype(element: str, **details: Any) -> np.dtype[Any]:
    return np.dtype(object, metadata={"element": element, **details})


@dataclass(frozen=True, eq=False)
class DataType:
    """An element type: fixed-size (CORE-DTYPE-001) or variable-length (CORE-VLEN-001). Two types are
    equal when their NumPy types and canonical names are (NumPy ignores ``metadata`` in comparisons)."""

    numpy_dtype: np.dtype[Any]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataType) and (self.numpy_dtype, self.name) == (
            other.numpy_dtype,
            other.name,
        )

    def __hash__(self) -> int:
        return hash((self.numpy_dtype, self.name))

    @classmethod
    def of(cls, spec: object) -> DataType:
        """The data type of anything NumPy accepts as a dtype, in native byte order; ``"string"`` and
        ``str``, ``"bytes"`` and ``bytes`` name the variable-length types, as do ``"json"`` and
        ``"ragged[T]"`` with ``T`` a numeric type name (``"ragged[int32]"``)."""
        if isinstance(spec, np.dtype) and spec.kind == "O":
            return cls(spec)
        if spec == "json":
            return cls(_object_dtype("json"))
        ragged = RAGGED_NAME.fullmatch(spec) if isinstance(spec, str) else None
        if ragged is not None:
            return cls.ragged(cls.of(ragged["items"]).numpy_dtype)
        if isinstance(spec, str | type) and spec in VARIABLE_NAMES:
            spec = VARIABLE_NAMES[spec]
        dtype = np.dtype(spec)  # type: ignore[call-overload]
        if dtype.fields is not None:
            return cls.structured(dtype)
        if dtype.kind not in SUPPORTED_KINDS or dtype.subdtype is not None:
            raise ValueError(f"data type {dtype.str!r} is outside the core model (CORE-DTYPE-001)")
        if dtype.kind == "T":
            return cls(np.dtypes.StringDType())
        if dtype.itemsize == 0:
            raise ValueError(f"data type {dtype.str!r} has no size (CORE-DTYPE-001)")
        return cls(dtype.newbyteorder("="))

    @classmethod
    def structured(cls, dtype: np.dtype[Any]) -> DataType:
        """The ``structured`` type of a NumPy record type: named fields of fixed-size core types other
        than ``structured``, packed (CORE-STRUCT-001); a field with a shape is unsupported
        (CORE-STRUCT-004). Each field in native byte order (CORE-STRUCT-002)."""
        fields: list[tuple[str, np.dtype[Any]]] = []
        for name in dtype.names or ():
            field = dtype.fields[name][0]  # type: ignore[index]
            if field.subdtype is not None:
                raise NotImplementedError(
                    f"field {name!r} has the shape {list(field.shape)} (CORE-STRUCT-004)"
                )
            field_type = None if field.fields is not None else cls.of(field)
            if not name or field_type is None or field_type.is_variable:
                raise ValueError(
                    f"field {name!r} of {dtype.descr} is not a named fixed-size type (CORE-STRUCT-001)"
                )
            fields.append((name, field_type.numpy_dtype))
        packed = np.dtype(fields)
        if not fields or packed.itemsize != dtype.itemsize:
            raise ValueError(f"{dtype.descr} is not a packed record of fields (CORE-STRUCT-001)")
        return cls(packed)

    @classmethod
    def ragged(cls, items: np.dtype[Any]) -> DataType:
        """``ragged[T]`` for the item type ``items`` (CORE-VLEN-006)."""
        if items.kind not in RAGGED_ITEM_KINDS:
            raise ValueError(f"ragged items must be bool or numeric, not {items.str!r} (CORE-VLEN-006)")
        return cls(_object_dtype("ragged", items=items.newbyteorder("=")))

    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return self.numpy_dtype.itemsize

    @property
    def kind(self) -> str:
        """The NumPy kind character."""
        return self.numpy_dtype.kind

    @property
    def has_byte_order(self) -> bool:
        """Whether serialising this type needs an endianness (CORE-DTYPE-002): a record does when a
        field does (CORE-STRUCT-002)."""
        if self.is_structured:
            return any(DataType(field).has_byte_order for field, *_ in self.numpy_dtype.fields.values())  # type: ignore[union-attr]
        return self.numpy_dtype.byteorder != "|"

    @property
    def is_structured(self) -> bool:
        """Whether this is a ``structured`` type (CORE-STRUCT-001)."""
        return self.numpy_dtype.fields is not None

    @property
    def fields(self) -> tuple[tuple[str, DataType], ...]:
        """The fields of a ``structured`` type, in order (none for other types)."""
        dtype = self.numpy_dtype
        return tuple((name, DataType(dtype.fields[name][0])) for name in dtype.names or ())  # type: ignore[index]

    @property
    def is_variable(self) -> bool:
        """Whether elements have a length of their own: ``string`` or ``bytes`` (CORE-VLEN-001)."""
        return self.kind in VARIABLE_KINDS

    @property
    def is_ragged(self) -> bool:
        """Whether this is a ``ragged[T]`` type (CORE-VLEN-006)."""
        return self.kind == "O" and object_element(self.numpy_dtype) == "ragged"

    @property
    def zarr2_only(self) -> bool:
        """Whether Zarr v2 is the only format with a form for this type: ``ragged[T]`` and ``json``,
        whose object codecs only numcodecs names (CORE-VLEN-009)."""
        return self.kind == "O" and object_element(self.numpy_dtype) != "bytes"

    @cached_property
    def name(self) -> str:
        """The canonical name: Zarr v3 spelling where one exists (CORE-DTYPE-001); computed once, since
        equality and hashing compare it (a record's name is a JSON text).

        A byte string's length counts bytes, a UTF-32 string's characters (CORE-DTYPE-004).
        """
        kind, size = self.kind, self.itemsize
        if kind == "b":
            return "bool"
        if kind == "T":
            return "string"
        if kind == "O":
            element = object_element(self.numpy_dtype)
            if element == "ragged":
                return f"ragged[{DataType(ragged_items(self.numpy_dtype)).name}]"
            return element
        if kind in "iuf":
            return f"{'int' if kind == 'i' else 'uint' if kind == 'u' else 'float'}{8 * size}"
        if kind == "c":
            return f"complex{8 * size}"
        if self.is_structured:
            return "structured" + json.dumps(
                [[name, field.name] for name, field in self.fields], separators=(",", ":")
            )
        if kind == "V":
            return f"r{8 * size}"
        if kind == "S":
            return f"fixed_length_bytes[{size}]"
        if kind == "U":
            return f"fixed_length_utf32[{size // 4}]"
        unit, count = np.datetime_data(self.numpy_dtype)
        family = "numpy.datetime64" if kind == "M" else "numpy.timedelta64"
        return f"{family}[{count}{unit}]"

    def zeros_bytes(self) -> bytes:
        """The all-zero element, the fill value an undefined fill reads as (CORE-FILL-004); for the
        variable-length types the empty element (CORE-VLEN-004, CORE-VLEN-008): ``null`` for ``json``."""
        if self.name == "json":
            return b"null"
        return b"" if self.is_variable else bytes(self.itemsize)

    def scalar(self, raw: bytes) -> Any:
        """The element whose native bytes are ``raw`` (a ``str`` or ``bytes`` for variable-length types)."""
        return element(self.numpy_dtype, raw)

    def to_bytes(self, value: object) -> bytes:
        """The native bytes of ``value`` converted to this type; 0 is the all-zero element of any type."""
        if self.name == "json":
            return json_text(value)
        if self.kind == "T" and isinstance(value, str):
            return value.encode("utf-8")
        if self.name == "bytes" and isinstance(value, bytes):
            return value
        if isinstance(value, int) and value == 0 and self.kind in "SUVTO":
            return self.zeros_bytes()
        if self.is_ragged:
            return ragged_bytes(value, ragged_items(self.numpy_dtype))
        if self.is_variable:
            raise ValueError(f"{value!r} is no element of {self.name}")
        if self.kind == "V" and isinstance(value, bytes):
            if len(value) != self.itemsize:
                raise ValueError(f"{len(value)} bytes cannot fill a {self.itemsize}-byte raw element")
            return value
        return np.asarray(value, dtype=self.numpy_dtype).tobytes()


def json_text(value: object) -> bytes:
    """The UTF-8 JSON text of a ``json`` element: compact, members sorted, ``NaN`` and ``Infinity``
    bare (CORE-VLEN-007)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def ragged_bytes(value: object, items: np.dtype[Any]) -> bytes:
    """The native bytes of a ``ragged[T]`` element: its items in ``T`` (CORE-VLEN-006)."""
    values = np.asarray(value, dtype=items)
    if values.ndim != 1:
        raise ValueError(f"a ragged element is one-dimensional, not of shape {list(values.shape)}")
    return values.tobytes()


def element(dtype: np.dtype[Any], raw: bytes) -> Any:
    """The element of ``dtype`` whose native bytes are ``raw``: for ``string`` the UTF-8 text, for
    ``bytes`` the bytes themselves (CORE-VLEN-001), for ``ragged[T]`` an array of ``T``
    (CORE-VLEN-006), for ``json`` the parsed value (CORE-VLEN-007)."""
    if dtype.kind == "T":
        return raw.decode("utf-8")
    if dtype.kind == "O":
        kind = object_element(dtype)
        if kind == "json":
            return json.loads(raw)
        if kind == "ragged":
            return np.frombuffer(raw, dtype=ragged_items(dtype)).copy()
        return bytes(raw)
    value: np.generic = np.frombuffer(raw, dtype=dtype, count=1)[0]
    return value


def json_key(value: object) -> Hashable:
    """A key equal for two ``json`` elements exactly when they are the same value: objects as maps,
    numbers by value (``1`` and ``1.0`` alike, ``NaN`` equal to itself), ``true`` apart from ``1``
    (CORE-VLEN-007)."""
    if value is None or isinstance(value, bool | str):
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        return ("number", "NaN") if isinstance(value, float) and math.isnan(value) else ("number", value)
    if isinstance(value, list | tuple):
        return ("array", tuple(json_key(item) for item in value))
    if isinstance(value, dict) and all(isinstance(name, str) for name in value):
        return ("object", frozenset((name, json_key(item)) for name, item in value.items()))
    what = "a map with a key that is no string" if isinstance(value, dict) else type(value).__name__
    raise ValueError(f"{what} is no JSON value (CORE-VLEN-007)")


def same_element(dtype: np.dtype[Any], first: Any, second: Any) -> bool:
    """Whether two elements of the variable-length ``dtype`` are equal (CORE-VLEN-006, CORE-VLEN-007)."""
    kind = object_element(dtype) if dtype.kind == "O" else "string"
    if kind == "json":
        return json_key(first) == json_key(second)
    if kind == "ragged":
        items = ragged_items(dtype)
        return ragged_bytes(first, items) == ragged_bytes(second, items)
    return bool(first == second)

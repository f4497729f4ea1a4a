"""Data types and fill values of the core model (spec/core/data-types.md).

A data type is a NumPy dtype in native byte order: byte order is a property of the serialising codec,
never of the type (CORE-DTYPE-002). Fill values are kept as the element's bytes in native order, so
that NaN payloads and negative zero survive exactly (CORE-FILL-001).

The two variable-length types (CORE-VLEN-001) are NumPy's ``StringDType`` for ``string`` and the object
dtype, holding ``bytes`` elements, for ``bytes``; their fill value is the element's own bytes (UTF-8 for
``string``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

SUPPORTED_KINDS = "biufcmMSUVTO"
VARIABLE_KINDS = "TO"
"""NumPy kinds of the variable-length types: ``T`` (StringDType) is ``string``, ``O`` is ``bytes``."""
VARIABLE_NAMES: dict[object, str] = {"string": "T", "bytes": "O", str: "T", bytes: "O"}
"""Names that mean a variable-length type: the canonical names and Python's own types."""
DATETIME_UNITS = ("Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as", "generic")


@dataclass(frozen=True)
class DataType:
    """An element type: fixed-size (CORE-DTYPE-001) or variable-length (CORE-VLEN-001)."""

    numpy_dtype: np.dtype[Any]

    @classmethod
    def of(cls, spec: object) -> DataType:
        """The data type of anything NumPy accepts as a dtype, in native byte order; ``"string"`` and
        ``str``, ``"bytes"`` and ``bytes`` name the variable-length types."""
        if isinstance(spec, str | type) and spec in VARIABLE_NAMES:
            spec = VARIABLE_NAMES[spec]
        dtype = np.dtype(spec)  # type: ignore[call-overload]
        if dtype.kind not in SUPPORTED_KINDS or dtype.fields is not None or dtype.subdtype is not None:
            raise ValueError(f"data type {dtype.str!r} is outside the core model (CORE-DTYPE-001)")
        if dtype.kind == "T":
            return cls(np.dtypes.StringDType())
        if dtype.itemsize == 0:
            raise ValueError(f"data type {dtype.str!r} has no size (CORE-DTYPE-001)")
        return cls(dtype.newbyteorder("="))

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
        """Whether serialising this type needs an endianness (CORE-DTYPE-002)."""
        return self.numpy_dtype.byteorder != "|"

    @property
    def is_variable(self) -> bool:
        """Whether elements have a length of their own: ``string`` or ``bytes`` (CORE-VLEN-001)."""
        return self.kind in VARIABLE_KINDS

    @property
    def name(self) -> str:
        """The canonical name: Zarr v3 spelling where one exists (CORE-DTYPE-001).

        A byte string's length counts bytes, a UTF-32 string's characters (CORE-DTYPE-004).
        """
        kind, size = self.kind, self.itemsize
        if kind == "b":
            return "bool"
        if kind == "T":
            return "string"
        if kind == "O":
            return "bytes"
        if kind in "iuf":
            return f"{'int' if kind == 'i' else 'uint' if kind == 'u' else 'float'}{8 * size}"
        if kind == "c":
            return f"complex{8 * size}"
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
        variable-length types the empty element (CORE-VLEN-004)."""
        return b"" if self.is_variable else bytes(self.itemsize)

    def scalar(self, raw: bytes) -> Any:
        """The element whose native bytes are ``raw`` (a ``str`` or ``bytes`` for variable-length types)."""
        return element(self.numpy_dtype, raw)

    def to_bytes(self, value: object) -> bytes:
        """The native bytes of ``value`` converted to this type; 0 is the all-zero element of any type."""
        if self.kind == "T" and isinstance(value, str):
            return value.encode("utf-8")
        if self.kind == "O" and isinstance(value, bytes):
            return value
        if isinstance(value, int) and value == 0 and self.kind in "SUVTO":
            return self.zeros_bytes()
        if self.is_variable:
            raise ValueError(f"{value!r} is no element of {self.name}")
        if self.kind == "V" and isinstance(value, bytes):
            if len(value) != self.itemsize:
                raise ValueError(f"{len(value)} bytes cannot fill a {self.itemsize}-byte raw element")
            return value
        return np.asarray(value, dtype=self.numpy_dtype).tobytes()


def element(dtype: np.dtype[Any], raw: bytes) -> Any:
    """The element of ``dtype`` whose native bytes are ``raw``: for ``string`` the UTF-8 text, for
    ``bytes`` the bytes themselves (CORE-VLEN-001)."""
    if dtype.kind == "T":
        return raw.decode("utf-8")
    if dtype.kind == "O":
        return bytes(raw)
    value: np.generic = np.frombuffer(raw, dtype=dtype, count=1)[0]
    return value

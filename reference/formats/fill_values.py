"""Fill values in JSON, shared by Zarr v2 and Zarr v3 (spec/core/data-types.md, spec/formats/).

Both formats spell fill values the same way per kind of type, so one table serves both, and the
requirement IDs share their numbers: ``<FORMAT>-FILL-002`` booleans, ``-003`` integers, ``-004``
floats, ``-005`` complex pairs, ``-006`` raw and fixed-length bytes (base64), ``-007`` fixed-length
strings, ``-008`` datetimes and timedeltas (integer counts or ``"NaT"``), ``-009`` variable-length
strings (any JSON string), ``-010`` variable-length bytes (base64). Zarr v3 also allows ``"0x…"``
float bit patterns (ZARR3-FILL-004); Zarr v2 has ``null`` (ZARR2-FILL-001).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any, Literal

import numpy as np

from zn5.reference.formats.deviations import (
    BareNonFiniteNumberWarning,
    IntegerBoolFillWarning,
    IntegralFloatFillWarning,
    NotATimeStringFillWarning,
    NumberStringFillWarning,
    ObjectZeroFillWarning,
)
from zn5.reference.formats.documents import Report, is_int, type_name
from zn5.reference.model.dtype import DataType

Dialect = Literal["ZARR2", "ZARR3"]
SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
NOT_A_TIME = -(2**63)
"""The int64 that numpy reads as NaT, the fill value of datetime and timedelta types."""


def decode_fill(value: Any, dtype: DataType, dialect: Dialect, report: Report) -> bytes | None:
    """The native bytes of a fill value, or None (recording the problem) when it does not fit ``dtype``."""
    kind = dtype.kind
    if kind == "b":
        return _decode_bool(_integer_as_bool(value, dialect, report), dtype, dialect, report)
    if kind in "iu":
        if dialect == "ZARR2":
            value = _integral_float_as_int(_number_from_string(value, "ZARR2-FILL-003", report), report)
        return _decode_int(value, dtype, f"{dialect}-FILL-003", report)
    if kind in "mM":
        if dialect == "ZARR2":
            value = _not_a_time_as_int(value, report)
        return _decode_time(value, dialect, report)
    if kind == "T":
        return _decode_string(value, dtype, dialect, report)
    if kind == "O":
        return _decode_bytes(value, dtype, dialect, report)
    if kind == "f" and dialect == "ZARR2":
        value = _number_from_string(value, "ZARR2-FILL-004", report)
    if kind == "f":
        return _decode_float(value, dtype.numpy_dtype, dialect, report, "fill_value")
    if kind == "c":
        return _decode_complex(value, dtype, dialect, report)
    if kind in "SV":
        return _decode_base64(value, dtype, dialect, report)
    return _decode_text(value, dtype, dialect, report)


def encode_fill(raw: bytes, dtype: DataType, dialect: Dialect) -> Any:
    """The JSON spelling of a fill value's native bytes."""
    kind = dtype.kind
    value = dtype.scalar(raw)
    if kind == "b":
        return bool(value)
    if kind in "iu":
        return int(value)
    if kind in "mM":
        return int(np.frombuffer(raw, dtype=np.int64)[0])
    if kind == "T":
        return raw.decode("utf-8")
    if kind == "O":
        return base64.standard_b64encode(raw).decode()
    if kind == "f":
        return _encode_float(raw, dtype.numpy_dtype, dialect)
    if kind == "c":
        half = np.dtype(f"f{dtype.itemsize // 2}")
        return [
            _encode_float(raw[: half.itemsize], half, dialect),
            _encode_float(raw[half.itemsize :], half, dialect),
        ]
    if kind == "S":
        return base64.standard_b64encode(raw.rstrip(b"\x00")).decode()
    if kind == "V":
        return base64.standard_b64encode(raw).decode()
    return str(value)


def _decode_bool(value: Any, dtype: DataType, dialect: Dialect, report: Report) -> bytes | None:
    if not isinstance(value, bool):
        report.error(
            "fill_value", f"must be true or false for bool, not {type_name(value)}", f"{dialect}-FILL-002"
        )
        return None
    return dtype.to_bytes(value)


def _integer_as_bool(value: Any, dialect: Dialect, report: Report) -> Any:
    """A bool fill value written as ``0`` or ``1`` reads as false or true, with a deviation
    (CORE-DEVIATION-009: zarrita, zarr.js and zarr-java write it); any other integer stays an error."""
    if is_int(value) and value in (0, 1):
        report.deviation(
            "fill_value",
            f"a bool fill value is written as the integer {value}, not {str(bool(value)).lower()}",
            f"{dialect}-FILL-002",
            IntegerBoolFillWarning,
        )
        return bool(value)
    return value


def _number_from_string(value: Any, requirement: str, report: Report) -> Any:
    """A Zarr v2 numeric fill value written as a string holding a JSON number (``"0"``, ``"-1.5"``) reads
    as that number, with a deviation (CORE-DEVIATION-008: n5-zarr writes it). The special spellings
    ``"NaN"``, ``"Infinity"`` and ``"-Infinity"`` are not deviations and pass unchanged."""
    if not isinstance(value, str) or value in SPECIAL_FLOATS:
        return value
    try:
        number = json.loads(value)
    except json.JSONDecodeError:
        return value
    if isinstance(number, bool) or not isinstance(number, int | float):
        return value
    report.deviation(
        "fill_value",
        f"the fill value is the string {value!r}, not a number",
        requirement,
        NumberStringFillWarning,
    )
    return number


def _not_a_time_as_int(value: Any, report: Report) -> Any:
    """A Zarr v2 datetime or timedelta fill value written as ``"NaT"`` reads as NaT, the integer
    -9223372036854775808, with a deviation (CORE-DEVIATION-011: zarr-python 3.0 writes it)."""
    if value != "NaT":
        return value
    report.deviation(
        "fill_value",
        "NaT is written as the string 'NaT', not as its integer",
        "ZARR2-FILL-008",
        NotATimeStringFillWarning,
    )
    return NOT_A_TIME


def _integral_float_as_int(value: Any, report: Report) -> Any:
    """A Zarr v2 integer fill value written as a whole float (``3.0``; z5py 3.0.2 does) reads as that
    integer, with a deviation (ZARR2-FILL-003, spec/core/metadata.md "Known deviations")."""
    if isinstance(value, float) and value.is_integer():
        report.deviation(
            "fill_value",
            f"an integer type's fill value is written as {value!r}",
            "ZARR2-FILL-003",
            IntegralFloatFillWarning,
        )
        return int(value)
    return value


def _decode_int(value: Any, dtype: DataType, requirement: str, report: Report) -> bytes | None:
    info = np.iinfo(dtype.numpy_dtype)
    if not is_int(value) or not info.min <= value <= info.max:
        report.error(
            "fill_value", f"must be an integer from {info.min} to {info.max} (got {value!r})", requirement
        )
        return None
    return dtype.to_bytes(value)


def _decode_time(value: Any, dialect: Dialect, report: Report) -> bytes | None:
    """An integer count of units, or in Zarr v3 ``"NaT"`` for -2**63, the spelling zarr-python reads and
    numpy prints (ZARR3-FILL-008); Zarr v2's ``"NaT"`` is a known deviation, read before this
    (ZARR2-FILL-008, CORE-DEVIATION-011)."""
    if value == "NaT" and dialect == "ZARR3":
        value = NOT_A_TIME
    return _decode_int(value, DataType.of("int64"), f"{dialect}-FILL-008", report)


def _legacy_object_zero(value: Any, dialect: Dialect, report: Report, requirement: str) -> bool:
    """Whether ``value`` is the ``0`` that zarr-python 2 writes as the fill value of every object array,
    read as the empty element with a deviation (ZARR2-FILL-009, ZARR2-FILL-010, CORE-DEVIATION-015)."""
    if dialect != "ZARR2" or not is_int(value) or value != 0:
        return False
    report.deviation(
        "fill_value",
        "0 (zarr-python 2's default for object arrays) reads as the empty element",
        requirement,
        ObjectZeroFillWarning,
    )
    return True


def _decode_string(value: Any, dtype: DataType, dialect: Dialect, report: Report) -> bytes | None:
    """A ``string`` fill value: any JSON string (ZARR2-FILL-009, ZARR3-FILL-009)."""
    if _legacy_object_zero(value, dialect, report, "ZARR2-FILL-009"):
        return b""
    if not isinstance(value, str):
        report.error("fill_value", f"must be a string for string (got {value!r})", f"{dialect}-FILL-009")
        return None
    try:
        return dtype.to_bytes(value)
    except UnicodeEncodeError:
        report.error("fill_value", f"{value!r} is not valid Unicode text", f"{dialect}-FILL-009")
        return None


def _decode_bytes(value: Any, dtype: DataType, dialect: Dialect, report: Report) -> bytes | None:
    """A ``bytes`` fill value: base64, in Zarr v3 also a list of byte values (ZARR2-FILL-010,
    ZARR3-FILL-010)."""
    if _legacy_object_zero(value, dialect, report, "ZARR2-FILL-010"):
        return b""
    if dialect == "ZARR3" and isinstance(value, list) and all(is_int(b) and 0 <= b < 256 for b in value):
        return bytes(value)
    try:
        raw = base64.b64decode(value, validate=True) if isinstance(value, str) else None
    except binascii.Error:
        raw = None
    if raw is None:
        report.error(
            "fill_value", f"must be a base64 string for bytes (got {value!r})", f"{dialect}-FILL-010"
        )
    return raw


def _decode_float(
    value: Any, dtype: np.dtype[Any], dialect: Dialect, report: Report, where: str
) -> bytes | None:
    requirement = f"{dialect}-FILL-004"
    if isinstance(value, float) and not math.isfinite(value):
        report.deviation(
            where,
            f"bare {value!r} is not JSON; write it as a string",
            requirement,
            BareNonFiniteNumberWarning,
        )
        return np.asarray(value, dtype=dtype).tobytes()
    if isinstance(value, str) and value in SPECIAL_FLOATS:
        return np.asarray(SPECIAL_FLOATS[value], dtype=dtype).tobytes()
    if isinstance(value, str) and dialect == "ZARR3" and value.startswith("0x"):
        return _decode_float_bits(value, dtype, report, where, requirement)
    if isinstance(value, bool) or not isinstance(value, int | float):
        expected = '"NaN", "Infinity", "-Infinity"' + (' or a "0x" bit pattern' if dialect == "ZARR3" else "")
        report.error(where, f"must be a number, {expected} (got {value!r})", requirement)
        return None
    with np.errstate(over="ignore"):
        converted = np.asarray(value, dtype=dtype)
    if math.isfinite(value) and not np.isfinite(converted):
        report.error(where, f"{value!r} is out of range for {dtype.name}", requirement)
        return None
    return converted.tobytes()


def _decode_float_bits(
    value: str, dtype: np.dtype[Any], report: Report, where: str, requirement: str
) -> bytes | None:
    digits = value[2:]
    if len(digits) != 2 * dtype.itemsize or not all(c in "0123456789abcdefABCDEF" for c in digits):
        report.error(
            where,
            f"a bit pattern for {dtype.name} has {2 * dtype.itemsize} hex digits (got {value!r})",
            requirement,
        )
        return None
    unsigned = np.dtype(f"u{dtype.itemsize}")
    return np.asarray(int(digits, 16), dtype=unsigned).tobytes()


def _encode_float(raw: bytes, dtype: np.dtype[Any], dialect: Dialect) -> Any:
    value = float(np.frombuffer(raw, dtype=dtype)[0])
    if math.isnan(value):
        canonical = np.asarray(math.nan, dtype=dtype).tobytes()
        if raw == canonical or dialect == "ZARR2":
            return "NaN"
        bits = int(np.frombuffer(raw, dtype=np.dtype(f"u{dtype.itemsize}"))[0])
        return f"0x{bits:0{2 * dtype.itemsize}x}"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _decode_complex(value: Any, dtype: DataType, dialect: Dialect, report: Report) -> bytes | None:
    requirement = f"{dialect}-FILL-005"
    if not isinstance(value, list) or len(value) != 2:
        report.error(
            "fill_value", f"must be a [real, imaginary] pair for {dtype.name} (got {value!r})", requirement
        )
        return None
    half = np.dtype(f"f{dtype.itemsize // 2}")
    parts = [_decode_float(part, half, dialect, report, f"fill_value[{i}]") for i, part in enumerate(value)]
    if parts[0] is None or parts[1] is None:
        return None
    return parts[0] + parts[1]


def _decode_base64(value: Any, dtype: DataType, dialect: Dialect, report: Report) -> bytes | None:
    requirement = f"{dialect}-FILL-006"
    if dialect == "ZARR3" and isinstance(value, list) and all(is_int(b) and 0 <= b < 256 for b in value):
        value = base64.standard_b64encode(bytes(value)).decode()
    try:
        raw = base64.b64decode(value, validate=True) if isinstance(value, str) else None
    except binascii.Error:
        raw = None
    if raw is None:
        report.error("fill_value", f"must be a base64 string for {dtype.name} (got {value!r})", requirement)
        return None
    too_long = len(raw) > dtype.itemsize if dtype.kind == "S" else len(raw) != dtype.itemsize
    if too_long:
        report.error(
            "fill_value", f"decodes to {len(raw)} bytes, {dtype.name} holds {dtype.itemsize}", requirement
        )
        return None
    return raw.ljust(dtype.itemsize, b"\x00")


def _decode_text(value: Any, dtype: DataType, dialect: Dialect, report: Report) -> bytes | None:
    requirement = f"{dialect}-FILL-007"
    length = dtype.itemsize // 4
    if not isinstance(value, str) or len(value) > length:
        report.error(
            "fill_value", f"must be a string of at most {length} characters (got {value!r})", requirement
        )
        return None
    return dtype.to_bytes(value)

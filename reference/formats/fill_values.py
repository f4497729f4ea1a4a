"""Fill values in JSON, shared by Zarr v2 and Zarr v3 (spec/core/data-types.md, spec/formats/).

Both formats spell fill values the same way per kind of type, so one decoder serves both; each format's
``FillRules`` (``ZARR2_FILL``, ``ZARR3_FILL``) names the rule of each kind with its ID written out in
full: booleans, integers, floats, complex pairs, raw and fixed-length bytes (base64), fixed-length
strings, datetimes and timedeltas (integer counts or ``"NaT"``), variable-length strings (any JSON
string) and variable-length bytes (base64). Zarr v3 also allows ``"0x…"`` float bit patterns
(ZARR3-FILL-004); Zarr v2 has ``null`` (ZARR2-FILL-001).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class FillRules:
    """How one format spells fill values: the requirement of each kind of type, and its extra spellings."""

    boolean: str
    integer: str
    floating: str
    complex_pair: str
    base64: str
    text: str
    time: str
    string: str
    bytes: str
    legacy: bool
    """Read the known deviations of Zarr v2 writers: numbers as strings, whole floats for integers,
    ``"NaT"`` (CORE-DEVIATION-008, CORE-DEVIATION-006, CORE-DEVIATION-011, CORE-DEVIATION-015)."""
    bit_patterns: bool
    """Zarr v3's spellings: ``"0x…"`` float bit patterns, byte lists, ``"NaT"`` (ZARR3-FILL-004)."""


_RULE_IDS = {  # each rule field of FillRules: (the Zarr v2 requirement, the Zarr v3 requirement)
    "boolean": ("ZARR2-FILL-002", "ZARR3-FILL-002"),  # true or false
    "integer": ("ZARR2-FILL-003", "ZARR3-FILL-003"),  # a JSON integer
    "floating": ("ZARR2-FILL-004", "ZARR3-FILL-004"),  # a number, or a string for NaN and the infinities
    "complex_pair": ("ZARR2-FILL-005", "ZARR3-FILL-005"),  # [real part, imaginary part]
    "base64": ("ZARR2-FILL-006", "ZARR3-FILL-006"),  # raw and fixed-length bytes
    "text": ("ZARR2-FILL-007", "ZARR3-FILL-007"),  # fixed-length strings
    "time": ("ZARR2-FILL-008", "ZARR3-FILL-008"),  # datetimes and timedeltas
    "string": ("ZARR2-FILL-009", "ZARR3-FILL-009"),  # variable-length strings
    "bytes": ("ZARR2-FILL-010", "ZARR3-FILL-010"),  # variable-length bytes
}
ZARR2_FILL = FillRules(**{kind: ids[0] for kind, ids in _RULE_IDS.items()}, legacy=True, bit_patterns=False)
ZARR3_FILL = FillRules(**{kind: ids[1] for kind, ids in _RULE_IDS.items()}, legacy=False, bit_patterns=True)
SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
NOT_A_TIME = -(2**63)
"""The int64 that numpy reads as NaT, the fill value of datetime and timedelta types."""


def decode_fill(value: Any, dtype: DataType, rules: FillRules, report: Report) -> bytes | None:
    """The native bytes of a fill value, or None (recording the problem) when it does not fit ``dtype``."""
    kind = dtype.kind
    if kind == "b":
        return _decode_bool(_integer_as_bool(value, rules, report), dtype, rules, report)
    if kind in "iu":
        if rules.legacy:
            value = _integral_float_as_int(_number_from_string(value, "ZARR2-FILL-003", report), report)
        return _decode_int(value, dtype, rules.integer, report)
    if kind in "mM":
        if rules.legacy:
            value = _not_a_time_as_int(value, report)
        return _decode_time(value, rules, report)
    if kind == "T":
        return _decode_string(value, dtype, rules, report)
    if dtype.name == "json":
        return dtype.to_bytes(value)  # any JSON value is the element itself (ZARR2-FILL-012)
    if dtype.is_ragged:
        return _decode_ragged(value, rules, report)
    if kind == "O":
        return _decode_bytes(value, dtype, rules, report)
    if kind == "f" and rules.legacy:
        value = _number_from_string(value, "ZARR2-FILL-004", report)
    if kind == "f":
        return _decode_float(value, dtype.numpy_dtype, rules, report, "fill_value")
    if kind == "c":
        return _decode_complex(value, dtype, rules, report)
    if kind in "SV":
        return _decode_base64(value, dtype, rules, report)
    return _decode_text(value, dtype, rules, report)


def encode_fill(raw: bytes, dtype: DataType, rules: FillRules) -> Any:
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
    if dtype.name == "json":
        return value
    if dtype.is_ragged:
        return None  # the only spelling: the empty element, written by writers that check it (ZARR2-FILL-011)
    if kind == "O":
        return base64.standard_b64encode(raw).decode()
    if kind == "f":
        return _encode_float(raw, dtype.numpy_dtype, rules)
    if kind == "c":
        half = np.dtype(f"f{dtype.itemsize // 2}")
        return [
            _encode_float(raw[: half.itemsize], half, rules),
            _encode_float(raw[half.itemsize :], half, rules),
        ]
    if kind == "S":
        return base64.standard_b64encode(raw.rstrip(b"\x00")).decode()
    if kind == "V":
        return base64.standard_b64encode(raw).decode()
    return str(value)


def _decode_bool(value: Any, dtype: DataType, rules: FillRules, report: Report) -> bytes | None:
    if not isinstance(value, bool):
        report.error("fill_value", f"must be true or false for bool, not {type_name(value)}", rules.boolean)
        return None
    return dtype.to_bytes(value)


def _integer_as_bool(value: Any, rules: FillRules, report: Report) -> Any:
    """A bool fill value written as ``0`` or ``1`` reads as false or true, with a deviation
    (CORE-DEVIATION-009: zarrita, zarr.js and zarr-java write it); any other integer stays an error."""
    if is_int(value) and value in (0, 1):
        report.deviation(
            "fill_value",
            f"a bool fill value is written as the integer {value}, not {str(bool(value)).lower()}",
            rules.boolean,
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


def _decode_time(value: Any, rules: FillRules, report: Report) -> bytes | None:
    """An integer count of units, or in Zarr v3 ``"NaT"`` for -2**63, the spelling zarr-python reads and
    numpy prints (ZARR3-FILL-008); Zarr v2's ``"NaT"`` is a known deviation, read before this
    (ZARR2-FILL-008, CORE-DEVIATION-011)."""
    if value == "NaT" and rules.bit_patterns:
        value = NOT_A_TIME
    return _decode_int(value, DataType.of("int64"), rules.time, report)


def _legacy_object_zero(value: Any, rules: FillRules, report: Report, requirement: str) -> bool:
    """Whether ``value`` is the ``0`` that zarr-python 2 writes as the fill value of every object array,
    read as the empty element with a deviation (ZARR2-FILL-009, ZARR2-FILL-010, ZARR2-FILL-011,
    CORE-DEVIATION-015)."""
    if not rules.legacy or not is_int(value) or value != 0:
        return False
    report.deviation(
        "fill_value",
        "0 (zarr-python 2's default for object arrays) reads as the empty element",
        requirement,
        ObjectZeroFillWarning,
    )
    return True


def _decode_string(value: Any, dtype: DataType, rules: FillRules, report: Report) -> bytes | None:
    """A ``string`` fill value: any JSON string (ZARR2-FILL-009, ZARR3-FILL-009)."""
    if _legacy_object_zero(value, rules, report, "ZARR2-FILL-009"):
        return b""
    if not isinstance(value, str):
        report.error("fill_value", f"must be a string for string (got {value!r})", rules.string)
        return None
    try:
        return dtype.to_bytes(value)
    except UnicodeEncodeError:
        report.error("fill_value", f"{value!r} is not valid Unicode text", rules.string)
        return None


def _decode_ragged(value: Any, rules: FillRules, report: Report) -> bytes | None:
    """A ``ragged[T]`` fill value: only ``null`` spells one, and zarr-python 2's ``0`` reads as the empty
    element (ZARR2-FILL-011, CORE-DEVIATION-015)."""
    if _legacy_object_zero(value, rules, report, "ZARR2-FILL-011"):
        return b""
    report.error("fill_value", f"must be null for a ragged array (got {value!r})", "ZARR2-FILL-011")
    return None


def _decode_bytes(value: Any, dtype: DataType, rules: FillRules, report: Report) -> bytes | None:
    """A ``bytes`` fill value: base64, in Zarr v3 also a list of byte values (ZARR2-FILL-010,
    ZARR3-FILL-010)."""
    if _legacy_object_zero(value, rules, report, "ZARR2-FILL-010"):
        return b""
    if rules.bit_patterns and isinstance(value, list) and all(is_int(b) and 0 <= b < 256 for b in value):
        return bytes(value)
    try:
        raw = base64.b64decode(value, validate=True) if isinstance(value, str) else None
    except binascii.Error:
        raw = None
    if raw is None:
        report.error("fill_value", f"must be a base64 string for bytes (got {value!r})", rules.bytes)
    return raw


def _decode_float(
    value: Any, dtype: np.dtype[Any], rules: FillRules, report: Report, where: str
) -> bytes | None:
    requirement = rules.floating
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
    if isinstance(value, str) and rules.bit_patterns and value.startswith("0x"):
        return _decode_float_bits(value, dtype, report, where, requirement)
    if isinstance(value, bool) or not isinstance(value, int | float):
        expected = '"NaN", "Infinity", "-Infinity"' + (' or a "0x" bit pattern' if rules.bit_patterns else "")
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


def _encode_float(raw: bytes, dtype: np.dtype[Any], rules: FillRules) -> Any:
    value = float(np.frombuffer(raw, dtype=dtype)[0])
    if math.isnan(value):
        canonical = np.asarray(math.nan, dtype=dtype).tobytes()
        if raw == canonical or rules.legacy:
            return "NaN"
        bits = int(np.frombuffer(raw, dtype=np.dtype(f"u{dtype.itemsize}"))[0])
        return f"0x{bits:0{2 * dtype.itemsize}x}"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _decode_complex(value: Any, dtype: DataType, rules: FillRules, report: Report) -> bytes | None:
    requirement = rules.complex_pair
    if not isinstance(value, list) or len(value) != 2:
        report.error(
            "fill_value", f"must be a [real, imaginary] pair for {dtype.name} (got {value!r})", requirement
        )
        return None
    half = np.dtype(f"f{dtype.itemsize // 2}")
    parts = [_decode_float(part, half, rules, report, f"fill_value[{i}]") for i, part in enumerate(value)]
    if parts[0] is None or parts[1] is None:
        return None
    return parts[0] + parts[1]


def _decode_base64(value: Any, dtype: DataType, rules: FillRules, report: Report) -> bytes | None:
    requirement = rules.base64
    if rules.bit_patterns and isinstance(value, list) and all(is_int(b) and 0 <= b < 256 for b in value):
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


def _decode_text(value: Any, dtype: DataType, rules: FillRules, report: Report) -> bytes | None:
    requirement = rules.text
    length = dtype.itemsize // 4
    if not isinstance(value, str) or len(value) > length:
        report.error(
            "fill_value", f"must be a string of at most {length} characters (got {value!r})", requirement
        )
        return None
    return dtype.to_bytes(value)

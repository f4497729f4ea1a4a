"""Zarr v2 data types: the ``dtype`` typestr (``"<f8"``, byte order and all) and the object arrays
(``"|O"``), whose core type their first filter names (spec/formats/zarr2.md: ZARR2-DTYPE-001,
ZARR2-VLEN-001). The ``.zarray`` document around them is :mod:`zn5.reference.formats.zarr2`'s."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from zn5.reference.codecs import registry
from zn5.reference.codecs.bytes import Endian, with_endian
from zn5.reference.codecs.categorize import Categorize
from zn5.reference.codecs.json_values import Json2, MsgPack2
from zn5.reference.codecs.vlen import VlenBytes, VlenUtf8
from zn5.reference.codecs.vlen_array import VlenArray
from zn5.reference.errors import UnsupportedError
from zn5.reference.formats.documents import Report
from zn5.reference.model.dtype import DataType

TYPESTR = re.compile(
    r"^(?P<order>[<>|])(?P<kind>[biufcmMSUV])(?P<size>[0-9]+)(?P<unit>\[[0-9]*[A-Za-z]+\])?$"
)
BYTE_ORDERS: Mapping[str, Endian | None] = {"<": "little", ">": "big", "|": None}
OBJECT_DTYPE = "|O"
OBJECT_CODECS = (VlenUtf8, VlenBytes, VlenArray, Json2, MsgPack2)
"""The object codecs: array→bytes codecs of the variable-length types, each an object array's first
filter (ZARR2-VLEN-001, ZARR2-VLEN-007)."""
OBJECT_TYPES: Mapping[str, DataType] = {
    "vlen-utf8": DataType.of("string"),
    "vlen-bytes": DataType.of("bytes"),
    "json2": DataType.of("json"),
    "msgpack2": DataType.of("json"),
}
"""The object codecs whose object arrays have one core type each (ZARR2-VLEN-001, ZARR2-VLEN-007);
``vlen-array`` gives ``ragged[T]`` of its ``dtype``."""
CATEGORIZED_TYPE = DataType.of("string")
"""The core type of an object array whose first filter is ``categorize``: its labels are text
(ZARR2-VLEN-006)."""


def object_dtype(doc: Mapping[str, Any], report: Report) -> DataType | None:
    """The core type of an object array: the one its first filter, the object codec or categorize,
    names (ZARR2-VLEN-001, ZARR2-VLEN-005, ZARR2-VLEN-006, ZARR2-VLEN-007); pickle is refused unread
    (CORE-VLEN-005)."""
    filters = doc.get("filters")
    first = filters[0] if isinstance(filters, list) and filters else None
    codec_id = first.get("id") if isinstance(first, dict) else None
    if isinstance(first, dict) and isinstance(codec_id, str):
        registry.refuse_code_running(codec_id, key=report.key, location="filters[0]")
        if codec_id == "vlen-array":
            return _ragged_type(first, report)
        if codec_id == "msgpack2" and first.get("raw") is True:
            raise UnsupportedError.at(
                report.key,
                "msgpack2 with raw: true reads text as bytes",
                "CODEC-MSGPACK2-001",
                "filters[0].raw",
            )
        if codec_id in OBJECT_TYPES:
            return OBJECT_TYPES[codec_id]
        if codec_id == Categorize.v2_ids[0]:
            return CATEGORIZED_TYPE
    report.error(
        "filters",
        f"an object array's first filter must be an object codec such as vlen-utf8 (got {first!r})",
        "ZARR2-VLEN-005",
    )
    return None


def _ragged_type(codec: Mapping[str, Any], report: Report) -> DataType | None:
    """``ragged[T]`` of a ``vlen-array`` filter's ``dtype`` (ZARR2-VLEN-007, CODEC-VLENARRAY-001)."""
    try:
        if not isinstance(codec.get("dtype"), str):
            raise ValueError(f"got {codec.get('dtype')!r}")
        return DataType.ragged(np.dtype(codec["dtype"]))
    except (TypeError, ValueError) as error:
        report.error(
            "filters[0].dtype",
            f"must be the type string of bool or numeric items ({error})",
            "CODEC-VLENARRAY-001",
        )
        return None


def parse_dtype(value: Any, report: Report) -> tuple[DataType, Endian | None] | None:
    """The data type and byte order of a typestr such as ``"<f8"`` (ZARR2-DTYPE-001, ZARR2-DTYPE-002), or
    of a list of fields (ZARR2-STRUCT-001)."""
    if isinstance(value, list):
        return _structured_dtype(value, report)
    match = TYPESTR.match(value) if isinstance(value, str) else None
    if match is None:
        report.error(
            "dtype",
            f"must be a type string such as '<i4' with a byte order (got {value!r})",
            "ZARR2-DTYPE-001",
        )
        return None
    try:
        dtype = DataType.of(value)
    except (TypeError, ValueError) as error:
        report.error("dtype", f"{value!r} is not a valid type string: {error}", "ZARR2-DTYPE-001")
        return None
    if dtype.kind in "mM" and match["unit"] is None:
        report.error("dtype", f"{value!r} needs a unit such as [ns]", "ZARR2-DTYPE-003")
        return None
    order = match["order"]
    if order == "|" and dtype.has_byte_order:
        report.error(
            "dtype", f"{value!r} needs '<' or '>': its elements have a byte order", "ZARR2-DTYPE-002"
        )
        return None
    return dtype, BYTE_ORDERS[order] if dtype.has_byte_order else None


def _structured_dtype(value: list[Any], report: Report) -> tuple[DataType, Endian | None] | None:
    """``structured`` of a list of ``[name, typestr]`` fields, with the one byte order of its multi-byte
    fields (ZARR2-STRUCT-001); a field with a shape (CORE-STRUCT-004), a structured field, and fields
    of different byte orders (ZARR2-STRUCT-002) are unsupported."""
    fields: list[tuple[str, np.dtype[Any]]] = []
    orders: set[Endian] = set()
    for index, field in enumerate(value):
        location = f"dtype[{index}]"
        if not (isinstance(field, list) and len(field) in (2, 3) and isinstance(field[0], str) and field[0]):
            report.error(location, f"must be [name, typestr] with a name (got {field!r})", "CORE-STRUCT-001")
            return None
        if len(field) == 3:
            message = f"field {field[0]!r} has the shape {field[2]!r}"
            raise UnsupportedError.at(report.key, message, "CORE-STRUCT-004", location)
        if isinstance(field[1], list):
            message = f"field {field[0]!r} is itself structured"
            raise UnsupportedError.at(report.key, message, "CORE-STRUCT-001", location)
        parsed = parse_dtype(field[1], report)
        if parsed is None:
            return None
        if parsed[1] is not None:
            orders.add(parsed[1])
        fields.append((field[0], parsed[0].numpy_dtype))
    if len(orders) > 1:
        message = "its multi-byte fields have different byte orders"
        raise UnsupportedError.at(report.key, message, "ZARR2-STRUCT-002", "dtype")
    try:
        return DataType.structured(np.dtype(fields)), orders.pop() if orders else None
    except (TypeError, ValueError) as error:
        report.error("dtype", f"is no record of named fields: {error}", "CORE-STRUCT-001")
        return None


def format_dtype(dtype: DataType, endian: Endian | None) -> Any:
    """The typestr of a data type serialised with ``endian``; ``|`` for types without byte order,
    ``|O`` for the variable-length types (ZARR2-VLEN-001), and a list of ``[name, typestr]`` for
    ``structured`` (ZARR2-STRUCT-001)."""
    if dtype.is_variable:
        return OBJECT_DTYPE
    if dtype.is_structured:
        return [[name, format_dtype(field, endian)] for name, field in dtype.fields]
    order = "|" if not dtype.has_byte_order else "<" if endian == "little" else ">"
    return order + dtype.numpy_dtype.str[1:]


def record_bytes(raw: bytes, dtype: DataType, endian: Endian | None, *, stored: bool) -> bytes:
    """A ``structured`` fill value's bytes in the fields' stored byte order (``stored=True``) or back
    in native order: its Base64 holds the record as the chunks do (ZARR2-STRUCT-001)."""
    if not dtype.is_structured:
        return raw
    order = with_endian(dtype.numpy_dtype, endian)
    source, target = (dtype.numpy_dtype, order) if stored else (order, dtype.numpy_dtype)
    return np.frombuffer(raw, dtype=source).astype(target).tobytes()

"""The canonical names of data types and the canonical array files (``array.json`` and ``array.bin``:
conformance/suite/canonical.py, schemas/project/array.schema.json) for the zarr-python 2 adapter, with the
standard library and NumPy only: its environment has no zn5. Object arrays travel as length-prefixed
elements (PROTO-VLEN-001, PROTO-VLEN-002)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

LENGTH = 4
"""Bytes of the little-endian length before each variable-length element (PROTO-VLEN-001)."""
OBJECT_NAMES = ("string", "bytes", "json")
"""The canonical types of object arrays besides ``ragged[T]``."""


def type_name(dtype: np.dtype[Any]) -> str:
    """The canonical name of a NumPy type (lengths in bytes, as Zarr v3's length_bytes)."""
    kind, size = dtype.kind, dtype.itemsize
    if dtype.fields is not None:  # PROTO-STRUCT-001
        fields = [[name, type_name(dtype.fields[name][0])] for name in dtype.names or ()]
        return "structured" + json.dumps(fields, separators=(",", ":"))
    if kind == "b":
        return "bool"
    if kind in "iuf":
        return {"i": "int", "u": "uint", "f": "float"}[kind] + str(8 * size)
    if kind == "c":
        return f"complex{8 * size}"
    if kind == "V":
        return f"r{8 * size}"
    if kind == "S":
        return f"fixed_length_bytes[{size}]"
    if kind == "U":
        return f"fixed_length_utf32[{size // 4}]"  # characters (CORE-DTYPE-004)
    unit, count = np.datetime_data(dtype)
    return f"numpy.{'datetime64' if kind == 'M' else 'timedelta64'}[{count}{unit}]"


def canonical_dtype(name: str) -> np.dtype[Any]:
    """The little-endian NumPy type of a canonical name (the inverse of :func:`type_name`)."""
    for prefix, code in (("int", "i"), ("uint", "u"), ("float", "f"), ("complex", "c")):
        if name.startswith(prefix) and name[len(prefix) :].isdigit():
            return np.dtype(f"<{code}{int(name[len(prefix) :]) // 8}")
    if name == "bool":
        return np.dtype("|b1")
    if name.startswith("structured["):
        return np.dtype(
            [(field, canonical_dtype(kind)) for field, kind in json.loads(name[len("structured") :])]
        )
    if name[0] == "r" and name[1:].isdigit():
        return np.dtype(f"V{int(name[1:]) // 8}")
    family, _, argument = name.rstrip("]").partition("[")
    if family == "fixed_length_bytes":
        return np.dtype(f"S{argument}")
    if family == "fixed_length_utf32":
        return np.dtype(f"<U{argument}")
    return np.dtype(f"<{'M8' if family == 'numpy.datetime64' else 'm8'}[{argument}]")


def ragged_items(name: str) -> np.dtype[Any] | None:
    """The little-endian item type of a canonical ``ragged[T]`` name, else None."""
    return canonical_dtype(name[len("ragged[") : -1]) if name.startswith("ragged[") else None


def element_bytes(value: Any, name: str) -> bytes:
    """The bytes of an element of an object array (PROTO-VLEN-001, PROTO-VLEN-002): UTF-8 for text,
    bytes as they are, a ragged element's items little endian, a JSON value's text; else its text (zarr
    2 returns the integer 0 for missing elements of object arrays whose fill value is 0, which a ragged
    element shows as the one item 0)."""
    items = ragged_items(name)
    if items is not None:
        if value is None:
            raise ValueError(f"zarr 2 returned None for an element, which no {name} element is")
        return np.atleast_1d(np.asarray(value, dtype=items)).tobytes()
    if name == "json":
        try:
            return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("utf-8")
        except TypeError as error:
            raise ValueError(f"zarr 2 returned an element that is no JSON value: {error}") from None
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def object_element(raw: bytes, name: str) -> Any:
    """The element of canonical type ``name`` whose bytes are ``raw``."""
    items = ragged_items(name)
    if items is not None:
        return np.frombuffer(raw, dtype=items).astype(items.newbyteorder("="))
    if name == "json":
        return json.loads(raw)
    return raw.decode("utf-8") if name == "string" else raw


def byte_order(dtype: np.dtype[Any]) -> str:
    """NumPy's byte order character of a type; a record's is its multi-byte fields' ("|" if none)."""
    if dtype.fields is None:
        return dtype.byteorder
    orders = [byte_order(field) for field, *_ in dtype.fields.values()]
    return next((order for order in orders if order != "|"), "|")


def little_endian(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """C-contiguous with little-endian elements."""
    dtype = values.dtype if byte_order(values.dtype) == "|" else values.dtype.newbyteorder("<")
    return np.ascontiguousarray(values, dtype=dtype)


def write_array(values: np.ndarray[Any, Any], folder: Path, name: str | None = None) -> None:
    """``array.json`` and ``array.bin`` (canonical.write_array's format); ``name`` is the canonical type
    of an object array."""
    folder.mkdir(parents=True, exist_ok=True)
    if values.dtype.kind == "O":
        elements = [element_bytes(value, name or "string") for value in values.ravel()]
        raw = b"".join(len(data).to_bytes(LENGTH, "little") + data for data in elements)
    else:
        raw = little_endian(values).tobytes()
    (folder / "array.bin").write_bytes(raw)
    document = {
        "data_type": name or type_name(values.dtype),
        "shape": list(values.shape),
        "file": "array.bin",
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    (folder / "array.json").write_text(
        json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def read_array(path: Path) -> np.ndarray[Any, Any]:
    """The values of an ``array.json`` and its bytes."""
    document = json.loads(path.read_text(encoding="utf-8"))
    raw = (path.parent / document["file"]).read_bytes()
    if hashlib.sha256(raw).hexdigest() != document["sha256"]:
        raise ValueError(f"{path}: the bytes do not match their sha256")
    name = document["data_type"]
    if name in OBJECT_NAMES or ragged_items(name) is not None:
        return read_objects(raw, name, document["shape"])
    return np.frombuffer(raw, dtype=canonical_dtype(name)).reshape(document["shape"])


def read_objects(raw: bytes, name: str, shape: list[int]) -> np.ndarray[Any, Any]:
    """The object array of length-prefixed ``string`` or ``bytes`` elements (PROTO-VLEN-001)."""
    elements, position = [], 0
    while position < len(raw):
        length = int.from_bytes(raw[position : position + LENGTH], "little")
        elements.append(object_element(raw[position + LENGTH : position + LENGTH + length], name))
        position += LENGTH + length
    values = np.empty(len(elements), dtype=object)
    for index, element in enumerate(elements):  # one element each, however much an element looks like a row
        values[index] = element
    return values.reshape(shape)

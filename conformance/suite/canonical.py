"""The canonical, format-independent forms the corpus, the adapters and the runner exchange.

* A node is described by the core model (schemas/project/node.schema.json); fill values are the
  element's little-endian bytes in hex, exact for NaN payloads, negative zero and 64-bit integers.
* Array values are raw little-endian C-order bytes beside an ``array.json``
  (schemas/project/array.schema.json). Variable-length values are, in C order, each element's byte
  length as a little-endian uint32 followed by its bytes: UTF-8 for ``string``, the bytes for
  ``bytes`` (PROTO-VLEN-001), the items in little-endian order for ``ragged[T]``, the UTF-8 JSON text
  for ``json`` (PROTO-VLEN-002); a variable-length fill value's hex is those bytes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from zn5.reference.codecs.bytes import with_endian
from zn5.reference.model.dtype import (
    VARIABLE_KINDS,
    DataType,
    element,
    object_element,
    ragged_items,
    same_element,
)
from zn5.reference.model.node import ArrayModel, GroupModel

ARRAY_DOCUMENT = "array.json"
ARRAY_BYTES = "array.bin"
LENGTH = 4
"""Bytes of the length before each variable-length element (PROTO-VLEN-001)."""


def little_endian(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """``values`` with a little-endian (or byte-order free) element type, C contiguous; a record's
    fields each little endian (PROTO-STRUCT-001)."""
    return np.ascontiguousarray(values, dtype=with_endian(values.dtype, "little"))


def canonical_bytes(value: Any, dtype: np.dtype[Any]) -> bytes:
    """The bytes of one variable-length element in the array values (PROTO-VLEN-001, PROTO-VLEN-002)."""
    if dtype.kind == "O" and object_element(dtype) == "ragged":
        return little_endian(np.asarray(value, dtype=ragged_items(dtype))).tobytes()
    return DataType.of(dtype).to_bytes(value)


def canonical_element(raw: bytes, dtype: np.dtype[Any]) -> Any:
    """The variable-length element whose bytes in the array values are ``raw`` (PROTO-VLEN-002)."""
    if dtype.kind == "O" and object_element(dtype) == "ragged":
        items = ragged_items(dtype)
        return np.frombuffer(raw, dtype=with_endian(items, "little")).astype(items)
    return element(dtype, raw)


def fill_value_json(model: ArrayModel) -> dict[str, str] | None:
    """The tagged fill value: the element's little-endian bytes in hex, or None when undefined."""
    if model.fill_value is None:
        return None
    if model.data_type.is_variable:
        dtype = model.data_type.numpy_dtype
        return {"hex": canonical_bytes(element(dtype, model.fill_value), dtype).hex()}
    fill = np.frombuffer(model.fill_value, dtype=model.data_type.numpy_dtype, count=1)
    return {"hex": little_endian(fill).tobytes().hex()}


def describe_node(model: ArrayModel | GroupModel) -> dict[str, Any]:
    """The canonical description of a node."""
    if isinstance(model, GroupModel):
        return {"node_type": "group", "attributes": dict(model.attributes)}
    return {
        "node_type": "array",
        "shape": list(model.shape),
        "data_type": model.data_type.name,
        "chunk_grid": {"name": "regular", "chunk_shape": list(model.chunk_grid.chunk_shape)},
        "chunk_key_encoding": {
            "name": model.chunk_key_encoding.name,
            "separator": model.chunk_key_encoding.separator,
        },
        "fill_value": fill_value_json(model),
        "codecs": [{"name": codec.name, "configuration": codec.configuration()} for codec in model.codecs],
        "dimension_names": None if model.dimension_names is None else list(model.dimension_names),
        "attributes": dict(model.attributes),
    }


def write_array(values: np.ndarray[Any, Any], folder: Path, data_type: str | None = None) -> Path:
    """Write ``values`` as ``array.json`` + ``array.bin`` into ``folder``; return the document's path."""
    folder.mkdir(parents=True, exist_ok=True)
    name = data_type or DataType.of(values.dtype).name
    raw = encode_values(values, name)
    (folder / ARRAY_BYTES).write_bytes(raw)
    document = {
        "data_type": name,
        "shape": list(values.shape),
        "file": ARRAY_BYTES,
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    path = folder / ARRAY_DOCUMENT
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def encode_values(values: np.ndarray[Any, Any], data_type: str) -> bytes:
    """The bytes of ``array.bin``: raw little-endian elements, or length-prefixed variable-length ones."""
    dtype = numpy_dtype(data_type)
    if dtype.kind not in VARIABLE_KINDS:
        return little_endian(values).tobytes()
    parts = []
    for value in np.asarray(values, dtype=object).ravel():
        data = canonical_bytes(value, dtype)
        parts += [len(data).to_bytes(LENGTH, "little"), data]
    return b"".join(parts)


def _decode_variable(raw: bytes, count: int, dtype: np.dtype[Any]) -> np.ndarray[Any, Any]:
    """``count`` length-prefixed elements; ValueError unless they use exactly ``raw``."""
    values: list[Any] = []
    position = 0
    for _ in range(count):
        length = int.from_bytes(raw[position : position + LENGTH], "little")
        end = position + LENGTH + length
        if end > len(raw):
            raise ValueError(f"element {len(values)} runs past the end of the {len(raw)} bytes")
        values.append(canonical_element(raw[position + LENGTH : end], dtype))
        position = end
    if position != len(raw):
        raise ValueError(f"{len(raw) - position} bytes follow the last of {count} elements")
    return np.asarray(values, dtype=dtype) if dtype.kind == "T" else object_array(values, dtype)


def object_array(values: list[Any], dtype: np.dtype[Any]) -> np.ndarray[Any, Any]:
    """A one-dimensional array of the object ``dtype`` with one element per value (NumPy would turn
    values that are equal-length sequences into another axis)."""
    out = np.empty(len(values), dtype=dtype)
    for index, value in enumerate(values):
        out[index] = value
    return out


def read_array_document(path: Path) -> tuple[dict[str, Any], bytes]:
    """An ``array.json`` and the raw bytes it names; raise ValueError when they disagree."""
    document = json.loads(path.read_text(encoding="utf-8"))
    raw = (path.parent / document["file"]).read_bytes()
    if hashlib.sha256(raw).hexdigest() != document["sha256"]:
        raise ValueError(f"{path}: the bytes of {document['file']} do not match their sha256")
    return document, raw


def numpy_dtype(name: str) -> np.dtype[Any]:
    """The little-endian NumPy type of a canonical data type name (inverse of ``DataType.name``)."""
    simple = {"bool": "|b1"} | {
        f"{family}{bits}": f"<{kind}{bits // 8}"
        for family, kind, sizes in (
            ("int", "i", (8, 16, 32, 64)),
            ("uint", "u", (8, 16, 32, 64)),
            ("float", "f", (16, 32, 64)),
            ("complex", "c", (64, 128)),
        )
        for bits in sizes
    }
    if name in simple:
        return np.dtype(simple[name])
    if name in ("string", "bytes", "json") or name.startswith("ragged["):
        return DataType.of(name).numpy_dtype
    if name.startswith("structured["):  # its fields as JSON [name, canonical type] pairs (PROTO-STRUCT-001)
        return np.dtype([(field, numpy_dtype(kind)) for field, kind in json.loads(name[len("structured") :])])
    if name.startswith("r") and name[1:].isdigit():
        return np.dtype(f"V{int(name[1:]) // 8}")
    family, _, argument = name.partition("[")
    argument = argument.rstrip("]")
    codes = {
        "fixed_length_bytes": "S",
        "fixed_length_utf32": "<U",
        "numpy.datetime64": "<M8",
        "numpy.timedelta64": "<m8",
    }
    if family not in codes or not argument:
        raise ValueError(f"unknown canonical data type {name!r}")
    if family.startswith("numpy."):
        return np.dtype(f"{codes[family]}[{argument}]")
    return np.dtype(f"{codes[family]}{int(argument)}")  # bytes, or characters of UTF-32 (CORE-DTYPE-004)


def decode_values(document: dict[str, Any], raw: bytes) -> np.ndarray[Any, Any]:
    """The array an ``array.json`` document and its bytes hold."""
    dtype = numpy_dtype(document["data_type"])
    count = int(np.prod(document["shape"], dtype=np.int64))
    if dtype.kind in VARIABLE_KINDS:
        return _decode_variable(raw, count, dtype).reshape(document["shape"])
    if len(raw) != count * dtype.itemsize:
        raise ValueError(f"{len(raw)} bytes cannot hold {count} elements of {document['data_type']}")
    return np.frombuffer(raw, dtype=dtype).reshape(document["shape"])


def difference(
    expected: np.ndarray[Any, Any], actual: np.ndarray[Any, Any], expected_type: str, actual_type: str
) -> str | None:
    """None when two arrays hold the same elements (any NaN matches any NaN); else what differs, readably."""
    if expected_type != actual_type:
        return f"data type {actual_type} instead of {expected_type}"
    if expected.shape != actual.shape:
        return f"shape {list(actual.shape)} instead of {list(expected.shape)}"
    if expected.dtype.kind in VARIABLE_KINDS:
        pairs = zip(expected.reshape(-1), actual.reshape(-1), strict=True)
        same = [same_element(expected.dtype, first, second) for first, second in pairs]
        return _report(expected, actual, ~np.array(same, dtype=bool).reshape(expected.shape))
    same = np.frombuffer(expected.tobytes(), np.uint8) == np.frombuffer(actual.tobytes(), np.uint8)
    if expected.dtype.kind in "fc":
        both_nan = np.isnan(expected) & np.isnan(actual)
        element_same = same.reshape(*expected.shape, -1).all(axis=-1) if expected.size else same
        mismatched = ~(element_same | both_nan)
    else:
        mismatched = ~same.reshape(*expected.shape, -1).all(axis=-1) if expected.size else same
    return _report(expected, actual, mismatched)


def _report(
    expected: np.ndarray[Any, Any], actual: np.ndarray[Any, Any], mismatched: np.ndarray[Any, Any]
) -> str | None:
    if not mismatched.any():
        return None
    where = [tuple(int(i) for i in index) for index in np.argwhere(mismatched)[:5]]
    samples = ", ".join(f"{list(i)}: expected {expected[i]!r}, got {actual[i]!r}" for i in where)
    return f"{int(mismatched.sum())} of {expected.size} elements differ; first: {samples}"

"""The tensorstore adapter: Zarr v2 (driver ``zarr``), Zarr v3 (``zarr3``) and N5 (``n5``) arrays.

Run it as ``python -m zn5.conformance.adapters.tensorstore``.

What the adapter converts, and nothing else: the canonical selection to a tensorstore index
expression; the canonical node description to the metadata JSON tensorstore creates an array from;
the metadata JSON tensorstore exposes (``TensorStore.spec().to_json()["metadata"]``) back to the
canonical description, through each dialect's fixed rules (Zarr v2 byte order and ``order``, N5's
reserved keys, its ``v2``/``/`` block keys and zero fill); tensorstore's errors to the protocol's
error categories. tensorstore shows an N5 dataset in its declared axis order (``dimensions`` as
written, first axis fastest inside a block), which is the canonical order: nothing is transposed.

What tensorstore has no API for is not made up here, and such cases are skipped with the reason: it
has no group API and does not expose Zarr v2 ``.zattrs`` (metadata cases of groups and of Zarr v2
arrays); a codec or data type it implements in one format but not in another (``numcodecs.zlib`` and
fixed-length bytes in Zarr v3, ``lzma`` in Zarr v2), since capability tokens do not name a format; and
raw values, which its Python API hands over as zero-size NumPy voids (see ``RAW_VALUES``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import tensorstore as ts

from zn5.conformance.adapters import BaseAdapter, CannotRunError, fill_element, fill_json, v3_codec
from zn5.conformance.adapters.kits.python.zn5_adapter_kit import (
    BLOSC_SHUFFLES,
    N5_RESERVED,
    Declaration,
)
from zn5.conformance.suite.canonical import numpy_dtype
from zn5.reference.model.dtype import DataType

DRIVERS = {"zarr2": "zarr", "zarr3": "zarr3", "n5": "n5"}
DECLARED = Declaration.load(Path(__file__).with_name("capabilities.json"))
RAW_VALUES = (
    f"tensorstore {version('tensorstore')}'s Python API hands raw (r<N>, |V<n>) elements over as a NumPy "
    "array of zero-size void elements (its 'byte' type is numpy.dtype('V')) along an extra axis of N/8: "
    "the values cannot be read from Python"
)
CATEGORY_PATTERNS = (  # tensorstore raises ValueError for most problems; its message names the status
    ("not-found", re.compile(r"NOT_FOUND|not found", re.IGNORECASE)),
    ("store", re.compile(r"Invalid key")),  # its key-value store refuses a key, e.g. one with ".."
    ("unsupported", re.compile(r"not registered|not supported|unsupported|UNIMPLEMENTED", re.IGNORECASE)),
    ("selection", re.compile(r"OUT_OF_RANGE|out of bounds|outside", re.IGNORECASE)),
)


# --- opening --------------------------------------------------------------------------------------------


def kvstore(folder: Path, url: str | None = None) -> dict[str, Any]:
    """The key-value store of a store: its folder (driver ``file``), or in a run over HTTP the URL it is
    served at (driver ``http``, tensorstore's own HTTP store; PROTO-022)."""
    if url is None:
        return {"driver": "file", "path": f"{folder}/"}
    return {"driver": "http", "base_url": f"{url}/"}


def spec(folder: Path, node: str, format: str, url: str | None = None) -> dict[str, Any]:
    """The spec of the array at ``node`` of the store in ``folder`` (or at ``url``): the node path goes
    to tensorstore as it is, in the driver's ``path`` member, which tensorstore joins to the store's
    path itself."""
    return {"driver": DRIVERS[format], "kvstore": kvstore(folder, url), "path": node}


def open_array(folder: Path, node: str, format: str, url: str | None = None) -> Any:
    """The array, opened for reading only."""
    return ts.open(spec(folder, node, format, url), open=True, read=True).result()


def read_values(array: Any, key: Any) -> np.ndarray[Any, Any]:
    """The values of ``key`` (NumPy-style indexing, with steps and integer indices)."""
    view = array if key is ... else array[key]
    return np.asarray(view.read().result())


# --- canonical description -> tensorstore metadata ------------------------------------------------------


def v2_compressor(codec: Mapping[str, Any]) -> dict[str, Any]:
    """A numcodecs-style compressor object for tensorstore's zarr driver."""
    ids = {"gzip": "gzip", "numcodecs.zlib": "zlib", "numcodecs.bz2": "bz2", "zstd": "zstd", "blosc": "blosc"}
    config = dict(codec["configuration"])
    if codec["name"] == "blosc":  # Zarr v2's blosc has no typesize and numbers its shuffles
        config.pop("typesize", None)
        config["shuffle"] = BLOSC_SHUFFLES.index(config["shuffle"])
    if codec["name"] == "zstd" and config.pop("checksum", False):  # its Zarr v2 zstd has only "level"
        raise CannotRunError("tensorstore's zarr driver has no zstd checksum option")
    if codec["name"] not in ids:  # let tensorstore refuse what it has no compressor for
        return {"id": codec["name"], **config}
    return {"id": ids[codec["name"]], **config}


def byte_axis(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Fixed-length bytes or raw values as tensorstore holds them: one-byte elements (its "char" or
    "byte" type) along an extra last axis as long as the element."""
    dtype = values.dtype
    flat = np.ascontiguousarray(values).reshape(-1).view(f"{dtype.kind}1")
    return flat.reshape(*values.shape, dtype.itemsize)


def zarr2_metadata(description: Mapping[str, Any], dtype: np.dtype[Any]) -> dict[str, Any]:
    """A ``.zarray``: [transpose] → order F, bytes → the dtype's byte order, the last codec → compressor."""
    codecs = list(description["codecs"])
    order = "C"
    if codecs and codecs[0]["name"] == "transpose":
        order, codecs = "F", codecs[1:]
    position = next(i for i, codec in enumerate(codecs) if codec["name"] == "bytes")
    endian = codecs[position]["configuration"].get("endian", "little")
    stored = dtype if dtype.byteorder == "|" else dtype.newbyteorder("<" if endian == "little" else ">")
    after = codecs[position + 1 :]
    filters = codecs[:position] + after[:-1]
    return {
        "zarr_format": 2,
        "shape": list(description["shape"]),
        "chunks": list(description["chunk_grid"]["chunk_shape"]),
        "dtype": stored.str,
        "order": order,
        "compressor": v2_compressor(after[-1]) if after else None,
        "filters": [v2_compressor(codec) for codec in filters] or None,
        "dimension_separator": description["chunk_key_encoding"]["separator"],
    }


def zarr3_metadata(description: Mapping[str, Any]) -> dict[str, Any]:
    """A ``zarr.json`` document: the canonical codecs are Zarr v3 codec objects already."""
    encoding = description["chunk_key_encoding"]
    document: dict[str, Any] = {
        "zarr_format": 3,
        "node_type": "array",
        "shape": list(description["shape"]),
        "data_type": description["data_type"],
        "chunk_grid": {
            "name": "regular",
            "configuration": {"chunk_shape": list(description["chunk_grid"]["chunk_shape"])},
        },
        "chunk_key_encoding": {
            "name": encoding["name"],
            "configuration": {"separator": encoding["separator"]},
        },
        "codecs": [dict(codec) for codec in description["codecs"]],
    }
    if description.get("dimension_names") is not None:
        document["dimension_names"] = list(description["dimension_names"])
    if description["attributes"]:
        document["attributes"] = dict(description["attributes"])
    return document


def n5_compression(compression: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The N5 ``compression`` object of the n5.block codec's compression chain."""
    if not compression:
        return {"type": "raw"}
    (codec,) = compression
    name, config = codec["name"], dict(codec["configuration"])
    if name in ("gzip", "numcodecs.zlib"):
        return {"type": "gzip", "level": config["level"], "useZlib": name == "numcodecs.zlib"}
    if name == "numcodecs.bz2":
        return {"type": "bzip2", "blockSize": config["level"]}
    if name == "numcodecs.lzma":
        return {"type": "xz", "preset": config["preset"]}
    if name == "zstd":
        return {"type": "zstd", "level": config["level"]}
    if name == "blosc":
        return {
            "type": "blosc",
            "cname": config["cname"],
            "clevel": config["clevel"],
            "shuffle": BLOSC_SHUFFLES.index(config["shuffle"]),
            "blocksize": config.get("blocksize", 0),
        }
    if name == "n5.lz4":
        return {"type": "lz4", "blockSize": config["blockSize"]}
    return {"type": name, **config}  # let tensorstore refuse it


def n5_metadata(description: Mapping[str, Any]) -> dict[str, Any]:
    """An N5 ``attributes.json`` of a dataset (canonical order is the declared order)."""
    (block,) = description["codecs"]
    return {
        "dimensions": list(description["shape"]),
        "blockSize": list(description["chunk_grid"]["chunk_shape"]),
        "dataType": description["data_type"],
        "compression": n5_compression(block["configuration"]["compression"]),
        **description["attributes"],
    }


# --- tensorstore metadata -> canonical description ------------------------------------------------------


def describe_zarr3(document: Mapping[str, Any], dtype: np.dtype[Any], fill: Any) -> dict[str, Any]:
    """The canonical description of the zarr.json tensorstore exposes."""
    encoding = document["chunk_key_encoding"]
    default_separator = "/" if encoding["name"] == "default" else "."
    names = document.get("dimension_names")
    return {
        "node_type": "array",
        "shape": list(document["shape"]),
        "data_type": DataType.of(dtype).name,
        "chunk_grid": {
            "name": "regular",
            "chunk_shape": list(document["chunk_grid"]["configuration"]["chunk_shape"]),
        },
        "chunk_key_encoding": {
            "name": encoding["name"],
            "separator": encoding.get("configuration", {}).get("separator", default_separator),
        },
        "fill_value": fill_json(fill, dtype),
        "codecs": [v3_codec(codec) for codec in document["codecs"]],
        "dimension_names": None if names is None else list(names),
        "attributes": dict(document.get("attributes", {})),
    }


def canonical_n5_compression(compression: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The n5.block codec's compression chain of the N5 compression object tensorstore exposes."""
    kind = compression["type"]
    if kind == "raw":
        return []
    if kind == "gzip":
        level = compression.get("level", -1)
        name = "numcodecs.zlib" if compression.get("useZlib", False) else "gzip"
        return [{"name": name, "configuration": {"level": 6 if level == -1 else level}}]
    if kind == "bzip2":
        return [{"name": "numcodecs.bz2", "configuration": {"level": compression.get("blockSize", 9)}}]
    if kind == "xz":
        preset = compression.get("preset", 6)
        return [
            {
                "name": "numcodecs.lzma",
                "configuration": {"format": 1, "check": -1, "preset": preset, "filters": None},
            }
        ]
    if kind == "zstd":
        return [{"name": "zstd", "configuration": {"level": compression.get("level", 3), "checksum": False}}]
    if kind == "blosc":
        return [
            {
                "name": "blosc",
                "configuration": {
                    "cname": compression["cname"],
                    "clevel": compression["clevel"],
                    "shuffle": BLOSC_SHUFFLES[compression["shuffle"]],
                    "typesize": compression.get("typesize", 1),
                    "blocksize": compression.get("blocksize", 0),
                },
            }
        ]
    return [{"name": kind, "configuration": {k: v for k, v in compression.items() if k != "type"}}]


def describe_n5(document: Mapping[str, Any], dtype: np.dtype[Any]) -> dict[str, Any]:
    """The canonical description of the N5 attributes tensorstore exposes: no fill value in N5 (zero)."""
    return {
        "node_type": "array",
        "shape": list(document["dimensions"]),
        "data_type": DataType.of(dtype).name,
        "chunk_grid": {"name": "regular", "chunk_shape": list(document["blockSize"])},
        "chunk_key_encoding": {"name": "v2", "separator": "/"},
        "fill_value": fill_json(0, dtype),
        "codecs": [
            {
                "name": "n5.block",
                "configuration": {"compression": canonical_n5_compression(document["compression"])},
            }
        ],
        "dimension_names": None,
        "attributes": {k: v for k, v in document.items() if k not in N5_RESERVED},
    }


class TensorstoreAdapter(BaseAdapter, declared=DECLARED):
    """tensorstore on Zarr v2, Zarr v3 and N5 arrays."""

    def open_array(self, store: Path, node: str, format: str, scratch: Path) -> Any:
        return open_array(store, node, format, self.store_url(store))

    def read(self, array: Any, key: Any, format: str) -> Any:
        values = read_values(array, key)
        if values.dtype.itemsize == 0:
            raise CannotRunError(RAW_VALUES)
        return values

    def open_node(self, store: Path, node: str, format: str, scratch: Path) -> Any:
        if format == "zarr2":
            raise CannotRunError("tensorstore exposes no Zarr v2 attributes (.zattrs) and has no group API")
        url = self.store_url(store)
        try:
            return open_array(store, node, format, url)
        except Exception:
            if not _has_array_document(kvstore(store, url), node.strip("/"), format):
                raise CannotRunError(f"tensorstore has no group API; /{node} is no array") from None
            raise

    def describe(self, node: Any, format: str) -> dict[str, Any]:
        document = node.spec().to_json()["metadata"]
        dtype = np.dtype(node.dtype.numpy_dtype)
        if format == "n5":
            return describe_n5(document, dtype)
        return describe_zarr3(document, dtype, node.fill_value)

    def plan_write(self, target: Mapping[str, Any]) -> Any:
        """The metadata tensorstore creates the array from, and ``ts.open``'s fill value argument."""
        description = target["metadata"]
        format = target["format"]
        if description["node_type"] == "group":
            raise CannotRunError("tensorstore has no group API")
        if format == "zarr2" and description["attributes"]:
            raise CannotRunError("tensorstore's zarr driver cannot write Zarr v2 attributes (.zattrs)")
        dtype = numpy_dtype(description["data_type"])
        fill = fill_element(description["fill_value"], dtype)
        if fill is not None and dtype.kind in "SV":  # one fill byte per position of the byte axis
            fill = byte_axis(np.asarray(fill, dtype=dtype))
        if format == "zarr2":
            metadata = zarr2_metadata(description, dtype)
            if fill is None:
                metadata["fill_value"] = None
        elif format == "zarr3":
            metadata = zarr3_metadata(description)
        else:
            metadata = n5_metadata(description)
        return metadata, {} if fill is None or format == "n5" else {"fill_value": fill}

    def create_array(self, store: Path, target: Mapping[str, Any], plan: Any) -> Any:
        metadata, extra = plan
        create = {**spec(store, target["node"], target["format"]), "metadata": metadata}
        return ts.open(create, create=True, **extra).result()

    def write(self, array: Any, key: Any, values: np.ndarray[Any, Any], format: str) -> None:
        if array.rank > values.ndim:  # "|S<n>" and raw types: tensorstore adds an axis of n bytes
            values = byte_axis(values)
        array[key].write(values).result()

    def category(self, error: Exception, phase: str) -> str:
        if isinstance(error, IndexError):
            return "selection"
        text = str(error)
        for name, pattern in CATEGORY_PATTERNS:
            if pattern.search(text) and (name != "selection" or phase == "read"):
                return name
        return "metadata" if phase == "open" else "chunk"


def _has_array_document(store: Mapping[str, Any], node: str, format: str) -> bool:
    """Whether the node at ``node`` of the key-value store ``store`` has an array document of
    ``format`` (to tell a group from a broken array); read through tensorstore's own store."""
    name = "zarr.json" if format == "zarr3" else "attributes.json"
    key = f"{node}/{name}" if node else name
    found = ts.KvStore.open(store).result().read(key).result()
    if found.state != "value":
        return False
    try:
        document = json.loads(bytes(found.value))
    except ValueError:
        return True
    if format == "zarr3":
        return not (isinstance(document, dict) and document.get("node_type") == "group")
    return isinstance(document, dict) and any(
        key in document for key in ("dimensions", "dataType", "blockSize")
    )

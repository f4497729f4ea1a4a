"""The zarr-python 3 adapter: every case kind of Zarr v2 and v3 through zarr-python's public API.

Run it as ``python -m zn5.conformance.adapters.zarr_python``. The zarrs-python adapter
(``zn5.conformance.adapters.zarrs_python``) is this class with another codec pipeline configured:
everything that drives the library lives here, once.

What the adapter converts, and nothing else: the canonical node description to ``zarr.create_array``'s
arguments (codecs by kind, byte order, fill value) and back from zarr's metadata objects; the canonical
selection to a NumPy key; the library's exceptions to the protocol's error categories.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, Literal

import numcodecs
import numcodecs.errors
import numpy as np
import zarr
import zarr.errors
import zarr.storage

from zn5.conformance.adapters import BaseAdapter, array_result, rejected, selection_key, zn5_version
from zn5.conformance.canonical import decode_values, numpy_dtype, read_array_document
from zn5.reference.model.dtype import DataType

ZarrFormat = Literal[2, 3]
FORMATS: dict[str, ZarrFormat] = {"zarr2": 2, "zarr3": 3}
ARRAY_TO_ARRAY = ("transpose", "numcodecs.delta")
ARRAY_TO_BYTES = ("bytes", "sharding_indexed")
V2_IDS = {  # canonical codec name -> numcodecs id, for Zarr v2 filters and compressors
    "gzip": "gzip",
    "numcodecs.zlib": "zlib",
    "zstd": "zstd",
    "blosc": "blosc",
    "numcodecs.bz2": "bz2",
    "numcodecs.lz4": "lz4",
    "numcodecs.lzma": "lzma",
    "numcodecs.delta": "delta",
    "numcodecs.crc32": "crc32",
}
CANONICAL_NAMES = {v2_id: name for name, v2_id in V2_IDS.items()}
BLOSC_SHUFFLES = ("noshuffle", "shuffle", "bitshuffle")
CAPABILITIES = (
    "format:zarr2",
    "format:zarr3",
    "op:read",
    "op:metadata",
    "op:write",
    *(f"codec:{name}" for name in ("bytes", "transpose", "sharding_indexed", "crc32c", *V2_IDS)),
    *(f"dtype:{name}" for name in ("bool", "float16", "float32", "float64", "complex64", "complex128")),
    *(f"dtype:{sign}int{bits}" for sign in ("", "u") for bits in (8, 16, 32, 64)),
    *(f"dtype:r{bits}" for bits in (8, 16, 24, 32, 64)),
    "dtype:fixed_length_bytes",
    "dtype:fixed_length_utf32",
    "dtype:numpy.datetime64",
    "dtype:numpy.timedelta64",
    *(f"chunk-key:{name}-{sep}" for name in ("default", "v2") for sep in ("dot", "slash")),
    "feature:empty-axis",
    "feature:implicit-group",
    "feature:nested-sharding",
    "feature:undefined-fill",
    "feature:zero-dimensional",
)
NOT_FOUND = (FileNotFoundError, zarr.errors.NodeNotFoundError)
UNSUPPORTED = (zarr.errors.UnknownCodecError, numcodecs.errors.UnknownCodecError, NotImplementedError)


def version(distribution: str) -> str:
    """The installed version of a distribution."""
    return metadata.version(distribution)


def plain(value: Any) -> Any:
    """A JSON value with tuples as lists (zarr's ``to_dict`` keeps tuples)."""
    return json.loads(json.dumps(value))


# --- canonical description -> zarr.create_array ---------------------------------------------------------


def fill_scalar(fill: Mapping[str, str] | None, dtype: np.dtype[Any]) -> Any:
    """The fill element of a canonical ``{"hex": …}`` fill value, or None when undefined."""
    if fill is None:
        return None
    return np.frombuffer(bytes.fromhex(fill["hex"]), dtype=dtype, count=1)[0]


def v2_codec(codec: Mapping[str, Any]) -> Any:
    """The numcodecs object of a canonical Zarr v2 filter or compressor."""
    config = dict(codec["configuration"])
    if codec["name"] == "blosc":  # Zarr v2's blosc has no typesize and numbers its shuffles
        config.pop("typesize", None)
        config["shuffle"] = BLOSC_SHUFFLES.index(config["shuffle"])
    return numcodecs.get_codec({"id": V2_IDS[codec["name"]], **config})


def v3_group(name: str) -> str:
    """The argument of ``zarr.create_array`` that takes a Zarr v3 codec: by the codec's kind."""
    if name in ARRAY_TO_ARRAY:
        return "filters"
    return "serializer" if name in ARRAY_TO_BYTES else "compressors"


def create_arguments(description: Mapping[str, Any], zarr_format: ZarrFormat) -> dict[str, Any]:
    """``zarr.create_array``'s keyword arguments for a canonical array description."""
    codecs = list(description["codecs"])
    dtype = numpy_dtype(description["data_type"])
    key_encoding = description["chunk_key_encoding"]
    arguments: dict[str, Any] = {
        "shape": tuple(description["shape"]),
        "chunks": tuple(description["chunk_grid"]["chunk_shape"]),
        "fill_value": fill_scalar(description["fill_value"], dtype),
        "zarr_format": zarr_format,
        "attributes": dict(description["attributes"]),
        "chunk_key_encoding": {"name": key_encoding["name"], "separator": key_encoding["separator"]},
    }
    if zarr_format == 3:
        groups: dict[str, list[dict[str, Any]]] = {"filters": [], "serializer": [], "compressors": []}
        for codec in codecs:
            groups[v3_group(codec["name"])].append(
                {"name": codec["name"], "configuration": dict(codec["configuration"])}
            )
        (serializer,) = groups["serializer"]
        arguments.update(
            dtype=dtype,
            dimension_names=description.get("dimension_names"),
            filters=groups["filters"],
            serializer=serializer,
            compressors=groups["compressors"],
        )
        return arguments
    # Zarr v2: a leading transpose that reverses the axes is order "F"; the bytes codec's endian is the
    # dtype's byte order; the compressor is the last codec after bytes, and the filters all the others.
    order = "C"
    if codecs and codecs[0]["name"] == "transpose":
        order, codecs = "F", codecs[1:]
    position = next(i for i, codec in enumerate(codecs) if codec["name"] == "bytes")
    if codecs[position]["configuration"].get("endian") == "big" and dtype.byteorder != "|":
        dtype = dtype.newbyteorder(">")
    others = codecs[:position] + codecs[position + 1 :]
    compressor = others.pop() if position < len(codecs) - 1 else None
    arguments.update(
        dtype=dtype,
        order=order,
        filters=[v2_codec(codec) for codec in others] or None,
        compressors=None if compressor is None else v2_codec(compressor),
    )
    return arguments


# --- zarr's metadata objects -> canonical description ---------------------------------------------------


def canonical_v2_codec(config: Mapping[str, Any], dtype: np.dtype[Any]) -> dict[str, Any]:
    """The canonical form of a numcodecs configuration (``{"id": …, …}``) found in Zarr v2 metadata."""
    members = {name: value for name, value in config.items() if name != "id"}
    name = CANONICAL_NAMES.get(config["id"], config["id"])
    if name == "blosc":
        shuffle = members.get("shuffle", 1)
        if shuffle == -1:  # numcodecs' AUTOSHUFFLE: bit shuffle for 1-byte elements, byte shuffle else
            shuffle = 2 if dtype.itemsize == 1 else 1
        members = {
            "cname": members["cname"],
            "clevel": members["clevel"],
            "shuffle": BLOSC_SHUFFLES[shuffle],
            "typesize": dtype.itemsize,
            "blocksize": members.get("blocksize", 0),
        }
    return {"name": name, "configuration": members}


def describe_v2(meta: Any) -> list[dict[str, Any]]:
    """The canonical codec chain of a Zarr v2 array: [transpose], filters, bytes, compressor."""
    dtype = meta.dtype.to_native_dtype()
    chain: list[dict[str, Any]] = []
    if meta.order == "F" and len(meta.shape) > 1:
        chain.append(
            {"name": "transpose", "configuration": {"order": list(reversed(range(len(meta.shape))))}}
        )
    filters = [canonical_v2_codec(f.get_config(), dtype) for f in meta.filters or ()]
    array_filters = [f for f in filters if f["name"] in ARRAY_TO_ARRAY]
    chain.extend(array_filters)
    endian = {"<": "little", ">": "big", "=": sys.byteorder}.get(dtype.byteorder)
    chain.append({"name": "bytes", "configuration": {} if endian is None else {"endian": endian}})
    chain.extend(f for f in filters if f["name"] not in ARRAY_TO_ARRAY)
    if meta.compressor is not None:
        chain.append(canonical_v2_codec(meta.compressor.get_config(), dtype))
    return chain


def canonical_v3_codec(codec: Mapping[str, Any]) -> dict[str, Any]:
    """A Zarr v3 codec object as zarr serialises it, with its configuration always present."""
    configuration = dict(codec.get("configuration", {}))
    if codec["name"] == "sharding_indexed":
        for member in ("codecs", "index_codecs"):
            configuration[member] = [canonical_v3_codec(inner) for inner in configuration[member]]
    return {"name": codec["name"], "configuration": configuration}


def fill_hex(fill: Any, dtype: np.dtype[Any]) -> dict[str, str] | None:
    """The canonical fill value: the element's little-endian bytes in hex."""
    if fill is None:
        return None
    little = dtype if dtype.byteorder == "|" else dtype.newbyteorder("<")
    return {"hex": np.asarray(fill, dtype=dtype).astype(little).tobytes().hex()}


def describe(node: Any) -> dict[str, Any]:
    """The canonical description of a zarr Array or Group, from its metadata object."""
    if isinstance(node, zarr.Group):
        return {"node_type": "group", "attributes": plain(dict(node.attrs))}
    meta = node.metadata
    if meta.zarr_format == 2:
        dtype = meta.dtype.to_native_dtype()
        codecs = describe_v2(meta)
        grid: tuple[int, ...] = meta.chunks
        key_encoding = {"name": "v2", "separator": meta.dimension_separator}
        names = None
    else:
        dtype = meta.data_type.to_native_dtype()
        codecs = [canonical_v3_codec(codec) for codec in plain(meta.to_dict())["codecs"]]
        grid = meta.chunk_grid.chunk_shape
        encoding = meta.chunk_key_encoding
        key_encoding = {"name": encoding.name, "separator": encoding.separator}
        names = None if meta.dimension_names is None else list(meta.dimension_names)
    return {
        "node_type": "array",
        "shape": list(meta.shape),
        "data_type": DataType.of(dtype).name,
        "chunk_grid": {"name": "regular", "chunk_shape": list(grid)},
        "chunk_key_encoding": key_encoding,
        "fill_value": fill_hex(meta.fill_value, dtype),
        "codecs": codecs,
        "dimension_names": names,
        "attributes": plain(dict(meta.attributes)),
    }


# --- errors ---------------------------------------------------------------------------------------------


def category(error: BaseException, phase: str) -> str:
    """The protocol's error category of an exception the library raised."""
    if isinstance(error, NOT_FOUND):
        return "not-found"
    if isinstance(error, UNSUPPORTED):
        return "unsupported"
    if phase == "open":
        return "metadata"
    if isinstance(error, IndexError | zarr.errors.ArrayIndexError):
        return "selection"
    return "chunk"


def refusal(error: BaseException, phase: str) -> dict[str, Any]:
    """The rejected reply for an exception of the library."""
    message = f"{type(error).__name__}: {error}"
    cause = error.__cause__
    if cause is not None:  # zarrs-python raises bare errors "from" the one that says what is wrong
        message += f" (from {type(cause).__name__}: {cause})"
    return rejected(category(error, phase), phase, message)


class ZarrPythonAdapter(BaseAdapter):
    """zarr-python 3 (its own codec pipeline) on Zarr v2 and v3."""

    name = "zarr-python"
    distribution = "zarr"
    homepage = "https://github.com/zarr-developers/zarr-python"
    config: ClassVar[Mapping[str, Any]] = MappingProxyType({})
    """zarr configuration set around every case (zarrs-python sets its codec pipeline here)."""

    def __init__(self) -> None:
        self.implementation = {
            "name": self.name,
            "version": version(self.distribution),
            "language": "python",
            "homepage": self.homepage,
        }
        self.adapter_version = zn5_version()

    def capabilities(self) -> list[str]:
        return list(CAPABILITIES)

    @contextmanager
    def configured(self) -> Iterator[None]:
        """The library as configured for this adapter; zarr's warnings about its own choices silenced."""
        with zarr.config.set(dict(self.config)), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield

    def run_case(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
        with self.configured():
            operation = case["operation"]
            if operation["op"] == "write":
                return self._write(case, input, output)
            if operation["op"] == "metadata":
                return self._metadata(case, input)
            if "stores" in case["input"]:
                return self._equivalence(case, input, output)
            return self._read(case, input, output)

    @staticmethod
    def _store(folder: Path, *, read_only: bool) -> zarr.storage.LocalStore:
        return zarr.storage.LocalStore(folder, read_only=read_only)

    def _read_values(self, folder: Path, node: str, zarr_format: ZarrFormat, selection: Any) -> Any:
        """Open the array and read ``selection``; a refusal reply (dict) or the values."""
        phase = "open"
        try:
            array = zarr.open_array(
                self._store(folder, read_only=True), path=node, zarr_format=zarr_format, mode="r"
            )
            phase = "read"
            values = array[selection_key(selection)]
        except Exception as error:
            return refusal(error, phase)
        return np.asarray(values)

    def _read(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
        values = self._read_values(
            input / case["input"]["store"],
            case["input"].get("node", ""),
            FORMATS[case["format"]],
            case["operation"].get("selection"),
        )
        if isinstance(values, dict):
            return values
        return array_result(values, output, DataType.of(values.dtype).name)

    def _equivalence(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
        arrays = {}
        for format_name, folder in sorted(case["input"]["stores"].items()):
            if format_name not in FORMATS:
                continue
            values = self._read_values(
                input / folder,
                case["input"].get("node", ""),
                FORMATS[format_name],
                case["operation"].get("selection"),
            )
            if isinstance(values, dict):
                return values
            array_result(values, output, DataType.of(values.dtype).name, format_name)
            arrays[format_name] = f"{format_name}/array.json"
        return {"status": "ok", "result": {"arrays": arrays}}

    def _metadata(self, case: dict[str, Any], input: Path) -> dict[str, Any]:
        try:
            node = zarr.open(
                self._store(input / case["input"]["store"], read_only=True),
                path=case["input"].get("node", ""),
                zarr_format=FORMATS[case["format"]],
                mode="r",
            )
        except Exception as error:
            return refusal(error, "open")
        return {"status": "ok", "result": {"node": describe(node)}}

    def _write(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
        target = case["operation"]["target"]
        description = target["metadata"]
        zarr_format = FORMATS[target["format"]]
        store = self._store(output / "store", read_only=False)
        if description["node_type"] == "group":
            try:
                zarr.create_group(
                    store, path=target["node"], zarr_format=zarr_format, attributes=description["attributes"]
                )
            except Exception as error:
                return refusal(error, "write")
            return {"status": "ok", "result": {"store": "store"}}
        document, raw = read_array_document(input / case["input"]["array"])
        values = decode_values(document, raw)
        arguments = create_arguments(description, zarr_format)
        try:
            array = zarr.create_array(store, name=target["node"], **arguments)
            array[...] = values
        except Exception as error:
            return refusal(error, "write")
        return {"status": "ok", "result": {"store": "store"}}

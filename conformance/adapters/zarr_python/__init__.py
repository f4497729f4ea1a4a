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
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, Literal

import numcodecs
import numcodecs.errors
import numpy as np
import zarr
import zarr.dtype
import zarr.errors
import zarr.storage

from zn5.conformance.adapters import BaseAdapter, Reply, fill_element, fill_json, rejected, v3_codec
from zn5.conformance.adapters.kits.python.zn5_adapter_kit import (
    BLOSC_SHUFFLES,
    CHUNK_KEYS,
    CORE_FEATURES,
    NUMBER_DTYPES,
    NUMPY_DTYPES,
    RAW_DTYPES,
    VARIABLE_LENGTH,
    filtered_type,
)
from zn5.conformance.suite.canonical import numpy_dtype
from zn5.reference.model.dtype import DataType

ZarrFormat = Literal[2, 3]
NUMCODECS_FILTERS = ("fixedscaleoffset", "quantize", "bitround", "astype", "packbits")
NUMCODECS_CHECKSUMS = ("shuffle", "fletcher32", "adler32", "jenkins_lookup3")
FORMATS: dict[str, ZarrFormat] = {"zarr2": 2, "zarr3": 3}
ARRAY_TO_ARRAY = ("transpose", "numcodecs.delta", *(f"numcodecs.{f}" for f in NUMCODECS_FILTERS))
ARRAY_TO_BYTES = ("bytes", "sharding_indexed", "vlen-utf8", "vlen-bytes")
OBJECT_CODECS = ("vlen-utf8", "vlen-bytes")
"""The Zarr v2 object codecs of the variable-length types: the first filter, in place of ``bytes``."""
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
    "crc32c": "crc32c",  # numcodecs' CRC32C, as a Zarr v2 filter or compressor
    **{f"numcodecs.{id_}": id_ for id_ in (*NUMCODECS_FILTERS, *NUMCODECS_CHECKSUMS)},
}
CANONICAL_NAMES = {v2_id: name for name, v2_id in V2_IDS.items()}
CLAIMS = (
    *(f"codec:{name}" for name in ("bytes", "transpose", "sharding_indexed", *V2_IDS)),
    *NUMBER_DTYPES,
    *RAW_DTYPES,
    *NUMPY_DTYPES,
    *VARIABLE_LENGTH,
    *CHUNK_KEYS,
    *CORE_FEATURES,
    "feature:nested-sharding",
    "feature:known-deviations",
    "store:http",
)
NOT_FOUND = (FileNotFoundError, zarr.errors.NodeNotFoundError)
UNSUPPORTED = (zarr.errors.UnknownCodecError, numcodecs.errors.UnknownCodecError, NotImplementedError)


def plain(value: Any) -> Any:
    """A JSON value with tuples as lists (zarr's ``to_dict`` keeps tuples)."""
    return json.loads(json.dumps(value))


# --- canonical description -> zarr.create_array ---------------------------------------------------------


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


def zarr_dtype(name: str) -> Any:
    """zarr's data type of a canonical name: NumPy's, but zarr's own for ``bytes`` (an object dtype
    could hold anything)."""
    return zarr.dtype.VariableLengthBytes() if name == "bytes" else numpy_dtype(name)


def create_arguments(description: Mapping[str, Any], zarr_format: ZarrFormat) -> dict[str, Any]:
    """``zarr.create_array``'s keyword arguments for a canonical array description."""
    codecs = list(description["codecs"])
    dtype = numpy_dtype(description["data_type"])
    zarr_type = zarr_dtype(description["data_type"])
    key_encoding = description["chunk_key_encoding"]
    arguments: dict[str, Any] = {
        "shape": tuple(description["shape"]),
        "chunks": tuple(description["chunk_grid"]["chunk_shape"]),
        "fill_value": fill_element(description["fill_value"], dtype),
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
            dtype=zarr_type,
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
    position = next(i for i, codec in enumerate(codecs) if codec["name"] in ("bytes", *OBJECT_CODECS))
    if codecs[position]["configuration"].get("endian") == "big" and dtype.byteorder != "|":
        zarr_type = dtype.newbyteorder(">")
    serializer = codecs[position]["name"]
    objects = [numcodecs.get_codec({"id": serializer})] if serializer in OBJECT_CODECS else []
    others = codecs[:position] + codecs[position + 1 :]
    compressor = others.pop() if position < len(codecs) - 1 else None
    arguments.update(
        dtype=zarr_type,
        order=order,
        filters=[*objects, *(v2_codec(codec) for codec in others)] or None,
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
    numcodecs_filters = [f for f in meta.filters or () if CANONICAL_NAMES.get(f.codec_id) in ARRAY_TO_ARRAY]
    encoded = filtered_type(numcodecs_filters, np.zeros(1, dtype), np.dtype("u1"))
    endian = {"<": "little", ">": "big", "=": sys.byteorder}.get(encoded.byteorder)
    if len(array_filters) < len(filters):  # numcodecs' bytes and object filters hand the compressor bytes
        encoded = np.dtype("u1")
    objects = [f for f in filters if f["name"] in OBJECT_CODECS]
    chain.extend(
        objects or [{"name": "bytes", "configuration": {} if endian is None else {"endian": endian}}]
    )
    chain.extend(f for f in filters if f["name"] not in (*ARRAY_TO_ARRAY, *OBJECT_CODECS))
    if meta.compressor is not None:
        chain.append(canonical_v2_codec(meta.compressor.get_config(), encoded))
    return chain


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
        codecs = [v3_codec(codec) for codec in plain(meta.to_dict())["codecs"]]
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
        "fill_value": fill_json(meta.fill_value, dtype),
        "codecs": codecs,
        "dimension_names": names,
        "attributes": plain(dict(meta.attributes)),
    }


def local_store(folder: Path, *, read_only: bool) -> zarr.storage.LocalStore:
    """zarr's store of a folder."""
    return zarr.storage.LocalStore(folder, read_only=read_only)


def input_store(folder: Path, url: str | None) -> zarr.storage.StoreLike:
    """zarr's read-only store of an input store: its folder, or in a run over HTTP the URL it is served
    at, through zarr's own fsspec store (fsspec's HTTP file system on aiohttp; PROTO-022)."""
    if url is None:
        return local_store(folder, read_only=True)
    return zarr.storage.FsspecStore.from_url(url, read_only=True)


class ZarrPythonAdapter(BaseAdapter):
    """zarr-python 3 (its own codec pipeline) on Zarr v2 and v3."""

    name = "zarr-python"
    distribution = "zarr"
    homepage = "https://github.com/zarr-developers/zarr-python"
    formats = tuple(FORMATS)
    claims = CLAIMS
    config: ClassVar[Mapping[str, Any]] = MappingProxyType({})
    """zarr configuration set around every case (zarrs-python sets its codec pipeline here)."""

    @contextmanager
    def session(self) -> Iterator[None]:
        """The library as configured for this adapter; zarr's warnings about its own choices silenced."""
        with zarr.config.set(dict(self.config)), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield

    def open_array(self, store: Path, node: str, format: str, scratch: Path) -> Any:
        opened = input_store(store, self.store_url(store))
        return zarr.open_array(opened, path=node, zarr_format=FORMATS[format], mode="r")

    def open_node(self, store: Path, node: str, format: str, scratch: Path) -> Any:
        opened = input_store(store, self.store_url(store))
        return zarr.open(opened, path=node, zarr_format=FORMATS[format], mode="r")

    def describe(self, node: Any, format: str) -> dict[str, Any]:
        return describe(node)

    def plan_write(self, target: Mapping[str, Any]) -> Any:
        """``zarr.create_array``'s arguments for an array."""
        if target["metadata"]["node_type"] == "group":
            return None
        return create_arguments(target["metadata"], FORMATS[target["format"]])

    def write_group(self, store: Path, target: Mapping[str, Any], plan: Any) -> None:
        zarr.create_group(
            local_store(store, read_only=False),
            path=target["node"],
            zarr_format=FORMATS[target["format"]],
            attributes=target["metadata"]["attributes"],
        )

    def create_array(self, store: Path, target: Mapping[str, Any], plan: Any) -> Any:
        return zarr.create_array(local_store(store, read_only=False), name=target["node"], **plan)

    def category(self, error: Exception, phase: str) -> str:
        if isinstance(error, NOT_FOUND):
            return "not-found"
        if isinstance(error, UNSUPPORTED):
            return "unsupported"
        if phase == "open":
            return "metadata"
        if isinstance(error, IndexError | zarr.errors.ArrayIndexError):
            return "selection"
        return "chunk"

    def refusal(self, error: Exception, phase: str) -> Reply:
        message = f"{type(error).__name__}: {error}"
        cause = error.__cause__
        if cause is not None:  # zarrs-python raises bare errors "from" the one that says what is wrong
            message += f" (from {type(cause).__name__}: {cause})"
        return rejected(self.category(error, phase), phase, message)

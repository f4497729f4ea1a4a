"""The z5py adapter: Zarr v2, Zarr v3 and N5 through z5py's h5py-like API.

Run it as ``python -m zn5.conformance.adapters.z5py``.

What the adapter converts, and nothing else:

* z5py tells Zarr from N5 by the suffix of the container's folder (or by Zarr metadata at its root).
  The scratch store is called ``store``, so the adapter opens it through a symlink named
  ``input.zarr`` or ``input.n5`` inside the output folder; the input is never changed.
* z5py shows an N5 dataset with its axes reversed (C order). The adapter reverses the selection and
  transposes what it reads, and reverses shape and chunks when it creates a dataset, so that results are
  in N5's declared order (DESIGN.md section 3); for writes it hands z5py the transposed values.
* z5py reads no stepped slices ("Nontrivial steps are not supported"): a selection with steps is read
  as its enclosing contiguous box through z5py, then strided with NumPy.
* The canonical node description becomes ``create_dataset``'s arguments (compression name and options,
  fill value, separator, shards); z5py's groups, attributes and N5 datasets become canonical
  descriptions. z5py exposes neither the fill value nor the chunk key separator of a Zarr array, so
  metadata cases of Zarr arrays are skipped with that reason; what z5py cannot be asked to write
  (big-endian, a separator its chunk key encoding does not use) is skipped too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import z5py

from zn5.conformance.adapters import BaseAdapter, CannotRunError, fill_element, fill_json
from zn5.conformance.adapters.kits.python.zn5_adapter_kit import (
    BLOSC_SHUFFLES,
    N5_RESERVED,
    Declaration,
)
from zn5.conformance.suite.canonical import numpy_dtype
from zn5.reference.model.dtype import DataType

SUFFIXES = {"zarr2": ".zarr", "zarr3": ".zarr", "n5": ".n5"}
DECLARED = Declaration.load(Path(__file__).with_name("capabilities.json"))

DEFAULT_INDEX_CODECS = ({"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"})

# --- opening and reading --------------------------------------------------------------------------------


def container(store: Path, format: str, scratch: Path) -> Path:
    """A path to ``store`` whose suffix tells z5py the format: a symlink inside ``scratch``."""
    link = scratch / f"input{SUFFIXES[format]}"
    if not link.is_symlink():
        scratch.mkdir(exist_ok=True)
        link.symlink_to(store.resolve(), target_is_directory=True)
    return link


def open_node(store: Path, node: str, format: str, scratch: Path) -> Any:
    """The z5py Group or Dataset at ``node``, opened read-only."""
    root = z5py.File(str(container(store, format, scratch)), "r", use_zarr_format=format != "n5")
    return root[node] if node else root


def split_steps(key: Any, shape: Sequence[int]) -> tuple[Any, Any]:
    """A contiguous key z5py reads, and the NumPy key that strides its result to the asked selection."""
    if key is ...:
        return ..., ...
    contiguous, strides = [], []
    for item, size in zip(key, shape, strict=False):
        if isinstance(item, slice) and item.step not in (None, 1):
            start, stop, step = item.indices(size)
            if step < 0:  # leave it to z5py, which refuses it
                contiguous.append(item)
                strides.append(slice(None))
                continue
            contiguous.append(slice(start, max(start, stop)))
            strides.append(slice(None, None, step))
        else:
            contiguous.append(item)
            if not isinstance(item, int):
                strides.append(slice(None))
    return tuple(contiguous), tuple(strides)


def read_dataset(dataset: Any, key: Any, format: str) -> np.ndarray[Any, Any]:
    """The values of ``key`` (in declared order) of a z5py dataset."""
    reverse = format == "n5"
    if reverse and key is not ...:
        key = tuple(reversed(key))
    contiguous, strides = split_steps(key, dataset.shape)
    values = np.asarray(dataset[contiguous])
    if strides is not ...:
        values = values[strides]
    return np.ascontiguousarray(values.T if reverse else values)


# --- canonical description -> z5py.create_dataset -------------------------------------------------------


class CannotExpressError(Exception):
    """The target asks for something z5py's create_dataset has no argument for."""


def compression(codec: Mapping[str, Any] | None, format: str) -> tuple[str, dict[str, Any]]:
    """z5py's compression name and options for a canonical bytes→bytes codec."""
    if codec is None:
        return "raw", {}
    name, config = codec["name"], dict(codec["configuration"])
    if name == "blosc":
        options = {
            "codec": config["cname"],
            "level" if format == "zarr3" else "clevel": config["clevel"],
            "shuffle": BLOSC_SHUFFLES.index(config["shuffle"]),
            "blocksize": config.get("blocksize", 0),
        }
        return "blosc", options
    if name == "zstd":
        if config.get("checksum"):
            raise CannotExpressError("z5py's zstd has no checksum option")
        return "zstd", {"level": config["level"]}
    simple = {"gzip": "gzip", "numcodecs.zlib": "zlib", "numcodecs.bz2": "bzip2"}
    if name in simple:
        return simple[name], {"level": config["level"]}
    if name == "numcodecs.lzma" and format == "n5":
        return "xz", {"level": config["preset"]}
    raise CannotExpressError(f"z5py has no {format} compression for the codec {name}")


def zarr_chain(codecs: Sequence[Mapping[str, Any]], format: str) -> tuple[str, dict[str, Any]]:
    """The compression of a chain [bytes (little-endian), compressor?], which is all z5py writes."""
    if not codecs or codecs[0]["name"] != "bytes" or len(codecs) > 2:
        raise CannotExpressError("z5py writes only the chain bytes, then at most one compressor")
    if codecs[0]["configuration"].get("endian", "little") != "little":
        raise CannotExpressError("z5py writes little-endian only")
    return compression(codecs[1] if len(codecs) == 2 else None, format)


def n5_compression(block: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """z5py's N5 compression for the n5.block codec."""
    chain = block["configuration"]["compression"]
    if not chain:
        return "raw", {}
    (codec,) = chain
    if codec["name"] == "n5.lz4":
        raise CannotExpressError("z5py's N5 lz4 takes no blockSize")
    if codec["name"] == "numcodecs.zlib":
        raise CannotExpressError("z5py's N5 gzip has no useZlib option")
    name, options = compression(codec, "n5")
    if name == "blosc":
        options["nthreads"] = 1
    return name, options


def check_chunks(shape: Sequence[int], chunks: Sequence[int]) -> None:
    """Refuse a chunk larger than a non-empty axis: ``create_dataset`` cuts chunks to the shape (an
    empty axis goes to z5py as it is)."""
    if any(chunk > size > 0 for size, chunk in zip(shape, chunks, strict=True)):
        raise CannotExpressError("z5py's create_dataset cuts a chunk larger than the array to the shape")


def check_shard_index(sharding: Mapping[str, Any]) -> None:
    """Refuse a shard index z5py does not write: it has no argument for the index location or codecs and
    always writes the index at the end, as little-endian bytes with a crc32c checksum."""
    location = sharding.get("index_location", "end")
    codecs = [
        (codec["name"], codec.get("configuration", {}).get("endian", "little"))
        for codec in sharding.get("index_codecs", DEFAULT_INDEX_CODECS)
    ]
    if location != "end" or codecs != [("bytes", "little"), ("crc32c", "little")]:
        raise CannotExpressError(
            "z5py's create_dataset has no argument for the shard index location or codecs (it writes the "
            "index at the end, as little-endian bytes and crc32c)"
        )


def create_arguments(description: Mapping[str, Any], format: str) -> dict[str, Any]:
    """``Group.create_dataset``'s keyword arguments for a canonical array description."""
    dtype = numpy_dtype(description["data_type"])
    shape = list(description["shape"])
    chunks = list(description["chunk_grid"]["chunk_shape"])
    codecs = list(description["codecs"])
    encoding = description["chunk_key_encoding"]
    fill = description["fill_value"]
    arguments: dict[str, Any] = {"dtype": dtype}
    sharded = len(codecs) == 1 and codecs[0]["name"] == "sharding_indexed"
    check_chunks(shape, codecs[0]["configuration"]["chunk_shape"] if sharded else chunks)
    if format == "n5":
        name, options = n5_compression(codecs[0])
        return {**arguments, "shape": shape[::-1], "chunks": chunks[::-1], "compression": name, **options}
    if fill is None:
        raise CannotExpressError("z5py cannot write an undefined (null) fill value")
    arguments["fillvalue"] = fill_element(fill, dtype).item()
    if format == "zarr2":
        name, options = zarr_chain(codecs, format)
        return {
            **arguments,
            "shape": shape,
            "chunks": chunks,
            "compression": name,
            "dimension_separator": encoding["separator"],
            **options,
        }
    separator = "." if encoding["name"] == "v2" else "/"
    if encoding["separator"] != separator:
        raise CannotExpressError(f"z5py's {encoding['name']} chunk key encoding always uses {separator!r}")
    if description.get("dimension_names") is not None:
        raise CannotExpressError("z5py writes no dimension names")
    arguments.update(zarr_format=3, chunk_key_encoding=encoding["name"])
    if sharded:
        sharding = codecs[0]["configuration"]
        check_shard_index(sharding)
        name, options = zarr_chain(sharding["codecs"], format)
        return {
            **arguments,
            "shape": shape,
            "chunks": list(sharding["chunk_shape"]),
            "shards": chunks,
            "compression": name,
            **options,
        }
    name, options = zarr_chain(codecs, format)
    return {**arguments, "shape": shape, "chunks": chunks, "compression": name, **options}


# --- z5py -> canonical description ----------------------------------------------------------------------


def canonical_n5_compression(name: str, options: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The n5.block compression chain of z5py's compression name and options of an N5 dataset."""
    if name == "raw":
        return []
    if name == "gzip":
        level = options.get("level", -1)
        return [{"name": "gzip", "configuration": {"level": 6 if level == -1 else level}}]
    if name == "zlib":
        return [{"name": "numcodecs.zlib", "configuration": {"level": options.get("level", 6)}}]
    if name == "bzip2":
        return [{"name": "numcodecs.bz2", "configuration": {"level": options.get("level", 9)}}]
    if name == "xz":
        preset = options.get("level", 6)
        config = {"format": 1, "check": -1, "preset": preset, "filters": None}
        return [{"name": "numcodecs.lzma", "configuration": config}]
    if name == "zstd":
        return [{"name": "zstd", "configuration": {"level": options.get("level", 3), "checksum": False}}]
    if name == "blosc":  # z5py names the level "level" here, though create_dataset takes "clevel"
        config = {
            "cname": options["codec"],
            "clevel": options["level"],
            "shuffle": BLOSC_SHUFFLES[options["shuffle"]],
            "typesize": 1,
            "blocksize": options.get("blocksize", 0),
        }
        return [{"name": "blosc", "configuration": config}]
    return [{"name": name, "configuration": dict(options)}]


def describe_n5_dataset(dataset: Any) -> dict[str, Any]:
    """The canonical description of an N5 dataset as z5py shows it (axes reversed back)."""
    dtype = np.dtype(dataset.dtype)
    # "raw" has no options, and z5py's compression_opts fails on it (json "null" has no pop)
    options = {} if dataset.compression == "raw" else dataset.compression_opts
    chain = canonical_n5_compression(dataset.compression, options)
    return {
        "node_type": "array",
        "shape": list(dataset.shape)[::-1],
        "data_type": DataType.of(dtype).name,
        "chunk_grid": {"name": "regular", "chunk_shape": list(dataset.chunks)[::-1]},
        "chunk_key_encoding": {"name": "v2", "separator": "/"},
        "fill_value": fill_json(0, dtype),  # N5 has no fill value: missing blocks read as zero
        "codecs": [{"name": "n5.block", "configuration": {"compression": chain}}],
        "dimension_names": None,
        "attributes": {k: v for k, v in dict(dataset.attrs).items() if k not in N5_RESERVED},
    }


class Z5pyAdapter(BaseAdapter, declared=DECLARED):
    """z5py on Zarr v2, Zarr v3 and N5."""

    def open_array(self, store: Path, node: str, format: str, scratch: Path) -> Any:
        dataset = open_node(store, node, format, scratch)
        if not isinstance(dataset, z5py.Dataset):
            raise KeyError(f"/{node} is a group, not a dataset")
        return dataset

    def read(self, array: Any, key: Any, format: str) -> Any:
        return read_dataset(array, key, format)

    def open_node(self, store: Path, node: str, format: str, scratch: Path) -> Any:
        return open_node(store, node, format, scratch)

    def describe(self, node: Any, format: str) -> dict[str, Any]:
        if isinstance(node, z5py.Dataset):
            if format != "n5":
                raise CannotRunError(
                    "z5py exposes neither the fill value nor the chunk key separator of a Zarr array"
                )
            return describe_n5_dataset(node)
        attributes = dict(node.attrs)
        if format == "n5":
            attributes = {k: v for k, v in attributes.items() if k not in N5_RESERVED}
        return {"node_type": "group", "attributes": attributes}

    def store_name(self, format: str) -> str:
        return f"store{SUFFIXES[format]}"

    def plan_write(self, target: Mapping[str, Any]) -> Any:
        """The arguments of ``z5py.File`` and, for an array, of ``create_dataset``."""
        description = target["metadata"]
        file_arguments: dict[str, Any] = {"zarr_format": 3} if target["format"] == "zarr3" else {}
        if description["node_type"] != "array":
            return file_arguments, None
        try:
            arguments = create_arguments(description, target["format"])
        except CannotExpressError as reason:
            raise CannotRunError(f"{reason} (z5py {version('z5py')}); the case asks for it") from None
        for key in ("dimension_separator", "zarr_format"):  # arguments of z5py.File, not of the dataset
            if key in arguments:
                file_arguments[key] = arguments.pop(key)
        return file_arguments, arguments

    def write_group(self, store: Path, target: Mapping[str, Any], plan: Any) -> None:
        file_arguments, _ = plan
        root = z5py.File(str(store), "w", use_zarr_format=target["format"] != "n5", **file_arguments)
        group = root.require_group(target["node"]) if target["node"] else root
        group.attrs.update(target["metadata"]["attributes"])

    def create_array(self, store: Path, target: Mapping[str, Any], plan: Any) -> Any:
        file_arguments, arguments = plan
        format, attributes = target["format"], target["metadata"]["attributes"]
        root = z5py.File(str(store), "w", use_zarr_format=format != "n5", **file_arguments)
        dataset = root.create_dataset(target["node"], **arguments)
        if attributes:
            dataset.attrs.update(attributes)
        return dataset

    def write(self, array: Any, key: Any, values: np.ndarray[Any, Any], format: str) -> None:
        """``values`` stored at ``key`` (declared order): for N5, both reversed to z5py's view."""
        if format == "n5":
            key = key if key is ... else tuple(reversed(key))
            values = values.T
        array[key] = np.ascontiguousarray(values)

    def category(self, error: Exception, phase: str) -> str:
        text = str(error).lower()
        if isinstance(error, KeyError | FileNotFoundError) or "does not exist" in text or "not found" in text:
            return "not-found"
        if "not supported" in text or "unsupported" in text or "invalid data type" in text:
            return "unsupported"
        if phase == "read" and isinstance(error, IndexError | ValueError) and "range" in text:
            return "selection"
        return "metadata" if phase == "open" else "chunk"

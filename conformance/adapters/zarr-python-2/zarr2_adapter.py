"""The zarr-python 2 adapter: Zarr v2 and N5 (``zarr.N5Store``) through zarr 2.18's public API.

It runs in its own virtual environment (``.venv`` beside this file, made by ``ci.sh`` from
``requirements.txt``), where zn5 is not installed, so it is self-contained: the protocol loop and the
canonical node description (schemas/project/node.schema.json) are written here, the canonical type names
and array files in ``zarr2_canonical.py`` beside it, with the standard library and NumPy. Only the protocol
version, the capability vocabulary, the selection key and the type numcodecs filters hand on come from the
project's Python adapter kit (``../kits/python/zn5_adapter_kit.py``, standard library only), imported from
its place in the repository.

What it converts, and nothing else: zarr 2 shows an N5 dataset reversed, as a C-order array whose shape
is ``dimensions`` backwards; the adapter reverses selections and shapes and transposes values, so that
everything it hands back is in N5's declared order. Canonical descriptions go to ``zarr.create``'s
arguments and zarr's array objects back to canonical descriptions (an N5 gzip level of -1, which zarr 2
keeps as it is, becomes the level it stands for, 6); exceptions become error categories.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
from zarr2_canonical import (  # beside this file
    byte_order,
    canonical_dtype,
    element_bytes,
    little_endian,
    object_element,
    ragged_items,
    read_array,
    type_name,
    write_array,
)

if TYPE_CHECKING:  # the project's type checker sees the kit as part of zn5
    from zn5.conformance.adapters.kits.python import zn5_adapter_kit as kit
else:  # zarr 2's environment has no zn5: the kit is imported from its folder in the repository
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "kits" / "python"))
    import zn5_adapter_kit as kit

# zarr 2 is imported by name: the project's type checker sees zarr 3, whose API differs.
zarr: Any = importlib.import_module("zarr")
numcodecs: Any = importlib.import_module("numcodecs")

ADAPTER_VERSION = "2"
"""1 to 2: categorize, and the known deviations of RFC 0012, are claimed."""
NUMCODECS_FILTERS = ("fixedscaleoffset", "quantize", "bitround", "astype", "packbits", "categorize")
CANONICAL_NAMES = {  # numcodecs id -> canonical codec name
    "gzip": "gzip",
    "zlib": "numcodecs.zlib",
    "zstd": "zstd",
    "blosc": "blosc",
    "bz2": "numcodecs.bz2",
    "lz4": "numcodecs.lz4",
    "lzma": "numcodecs.lzma",
    "delta": "numcodecs.delta",
    "crc32": "numcodecs.crc32",
    "vlen-array": "numcodecs.vlen-array",
    "json2": "numcodecs.json2",
    "msgpack2": "numcodecs.msgpack2",
    **{
        id_: f"numcodecs.{id_}"
        for id_ in (*NUMCODECS_FILTERS, "shuffle", "fletcher32", "adler32", "jenkins_lookup3")
    },
}
V2_IDS = {name: codec_id for codec_id, name in CANONICAL_NAMES.items()}
OBJECT_TYPES = {
    "vlen-utf8": "string",
    "vlen-bytes": "bytes",
    "numcodecs.json2": "json",
    "numcodecs.msgpack2": "json",
    "numcodecs.vlen-array": "ragged",
}
"""The object codecs of the variable-length types, by canonical name (``ragged``: ``ragged[T]`` of the
codec's ``dtype``)."""
ARRAY_FILTERS = ("numcodecs.delta", *(f"numcodecs.{id_}" for id_ in NUMCODECS_FILTERS))
N5_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float32", "float64")
CAPABILITIES = sorted(
    {
        "format:zarr2",
        "format:n5",
        "op:read",
        "op:metadata",
        "op:write",
        *(f"codec:{name}" for name in ("bytes", "transpose", "n5.block", *V2_IDS)),
        *kit.NUMBER_DTYPES,
        *kit.RAW_DTYPES,
        *kit.NUMPY_DTYPES,
        *kit.VARIABLE_LENGTH,
        "dtype:ragged",
        "dtype:json",
        "dtype:structured",
        "chunk-key:v2-dot",
        "chunk-key:v2-slash",
        *kit.CORE_FEATURES,
        "feature:known-deviations",
        "store:http",
    }
)


# --- canonical data types


def object_type(node: Any) -> str:
    """The canonical type of a zarr 2 object array: its first filter's (``string`` for object codecs
    whose objects are not bytes, such as pickle)."""
    if not node.filters:
        return "string"
    first = node.filters[0]
    name = OBJECT_TYPES.get(CANONICAL_NAMES.get(first.codec_id, first.codec_id), "string")
    return f"ragged[{type_name(np.dtype(first.dtype))}]" if name == "ragged" else name


# --- zarr 2's view <-> canonical descriptions --------------------------------------------------------


def canonical_codec(config: dict[str, Any], dtype: np.dtype[Any]) -> dict[str, Any]:
    """The canonical form of a numcodecs configuration."""
    members = {key: value for key, value in config.items() if key != "id"}
    if config["id"] == "blosc":
        shuffle = members.get("shuffle", 1)
        if shuffle == -1:  # AUTOSHUFFLE: bit shuffle for 1-byte elements
            shuffle = 2 if dtype.itemsize == 1 else 1
        members = {
            "cname": members["cname"],
            "clevel": members["clevel"],
            "shuffle": kit.BLOSC_SHUFFLES[shuffle],
            "typesize": dtype.itemsize,
            "blocksize": members.get("blocksize", 0),
        }
    return {"name": CANONICAL_NAMES.get(config["id"], config["id"]), "configuration": members}


def canonical_n5_codec(config: dict[str, Any], dtype: np.dtype[Any]) -> dict[str, Any]:
    """The canonical form of the numcodecs configuration zarr 2 makes of an N5 compression.

    N5Store passes an N5 gzip ``level`` through unchanged; N5's ``-1`` is zlib's default level, 6.
    """
    codec = canonical_codec(config, dtype)
    if config["id"] in ("gzip", "zlib") and codec["configuration"].get("level") == -1:
        codec["configuration"]["level"] = 6
    return codec


def numcodecs_codec(codec: dict[str, Any]) -> Any:
    """The numcodecs object of a canonical codec."""
    config = dict(codec["configuration"])
    if codec["name"] == "blosc":
        config.pop("typesize", None)
        config["shuffle"] = kit.BLOSC_SHUFFLES.index(config["shuffle"])
    return numcodecs.get_codec({"id": V2_IDS.get(codec["name"], codec["name"]), **config})


def fill_json(fill: Any, dtype: np.dtype[Any], name: str) -> dict[str, str] | None:
    """The canonical fill value: the element's little-endian bytes in hex."""
    if fill is None:
        return None
    if name == "json":  # any JSON value, 0 included, is the element itself (ZARR2-FILL-012)
        return {"hex": element_bytes(fill, name).hex()}
    if dtype.kind == "O":  # zarr 2's default 0 stands for no element: the empty one
        return {"hex": (element_bytes(fill, name) if isinstance(fill, str | bytes) else b"").hex()}
    return {"hex": little_endian(np.asarray(fill, dtype=dtype).reshape(1)).tobytes().hex()}


def describe(node: Any, n5: bool) -> dict[str, Any]:
    """The canonical description of a zarr 2 array or group (for N5: declared order, n5.block)."""
    attributes = json.loads(json.dumps(dict(node.attrs)))
    if isinstance(node, zarr.hierarchy.Group):
        return {"node_type": "group", "attributes": attributes}
    dtype, ndim = node.dtype, node.ndim
    name = object_type(node) if dtype.kind == "O" else type_name(dtype)
    if n5:
        inner = node.compressor.compressor_config
        compression = [] if inner is None else [canonical_n5_codec(inner, dtype)]
        codecs = [{"name": "n5.block", "configuration": {"compression": compression}}]
        shape, chunks, separator = node.shape[::-1], node.chunks[::-1], "/"
    else:
        codecs = []
        if node.order == "F" and ndim > 1:
            codecs.append({"name": "transpose", "configuration": {"order": list(range(ndim))[::-1]}})
        filters = [canonical_codec(f.get_config(), dtype) for f in node.filters or ()]
        codecs += [f for f in filters if f["name"] in ARRAY_FILTERS]
        array_filters = [f for f in node.filters or () if CANONICAL_NAMES.get(f.codec_id) in ARRAY_FILTERS]
        encoded = kit.filtered_type(array_filters, np.zeros(1, dtype), np.dtype("u1"))
        endian = {"<": "little", ">": "big", "=": sys.byteorder}.get(byte_order(encoded))
        objects = [f for f in filters if f["name"] in OBJECT_TYPES]
        codecs += objects or [
            {"name": "bytes", "configuration": {} if endian is None else {"endian": endian}}
        ]
        codecs += [f for f in filters if f["name"] not in (*ARRAY_FILTERS, *OBJECT_TYPES)]
        if len(array_filters) < len(filters):  # numcodecs' bytes and object filters hand it bytes
            encoded = np.dtype("u1")
        if node.compressor is not None:
            codecs.append(canonical_codec(node.compressor.get_config(), encoded))
        # zarr 2 has no public accessor for the array's dimension_separator
        shape, chunks, separator = node.shape, node.chunks, node._dimension_separator or "."
    return {
        "node_type": "array",
        "shape": list(shape),
        "data_type": name,
        "chunk_grid": {"name": "regular", "chunk_shape": list(chunks)},
        "chunk_key_encoding": {"name": "v2", "separator": separator},
        "fill_value": fill_json(node.fill_value, dtype, name),
        "codecs": codecs,
        "dimension_names": None,
        "attributes": attributes,
    }


def create_arguments(description: dict[str, Any], n5: bool) -> dict[str, Any]:
    """``zarr.create``'s keyword arguments for a canonical array description."""
    name = description["data_type"]
    if name in OBJECT_TYPES.values() or ragged_items(name) is not None:
        return object_arguments(description)
    dtype = canonical_dtype(name)
    fill = description["fill_value"]
    codecs = list(description["codecs"])
    shape = tuple(description["shape"])
    chunks = tuple(description["chunk_grid"]["chunk_shape"])
    arguments: dict[str, Any] = {
        "fill_value": None if fill is None else np.frombuffer(bytes.fromhex(fill["hex"]), dtype, count=1)[0],
    }
    if n5:  # one n5.block codec; zarr 2 shows the dataset reversed
        compression = codecs[0]["configuration"]["compression"]
        return {
            **arguments,
            "shape": shape[::-1],
            "chunks": chunks[::-1],
            "dtype": dtype,
            "compressor": numcodecs_codec(compression[0]) if compression else None,
        }
    order = "C"
    if codecs and codecs[0]["name"] == "transpose":
        order, codecs = "F", codecs[1:]
    position = next(i for i, codec in enumerate(codecs) if codec["name"] == "bytes")
    if codecs[position]["configuration"].get("endian") == "big" and byte_order(dtype) != "|":
        dtype = dtype.newbyteorder(">")
    others = codecs[:position] + codecs[position + 1 :]
    compressor = others.pop() if position < len(codecs) - 1 else None
    return {
        **arguments,
        "shape": shape,
        "chunks": chunks,
        "dtype": dtype,
        "order": order,
        "filters": [numcodecs_codec(codec) for codec in others] or None,
        "compressor": None if compressor is None else numcodecs_codec(compressor),
        "dimension_separator": description["chunk_key_encoding"]["separator"],
    }


def object_arguments(description: dict[str, Any]) -> dict[str, Any]:
    """``zarr.create``'s arguments for a variable-length array: an object array whose object codec is
    the chain's array-to-bytes codec (ZARR2-VLEN-001, ZARR2-VLEN-007), or its categorize filter, whose
    codes zarr 2 stores as bytes in the byte order of its ``astype`` (CODEC-CATEGORIZE-001); a ragged
    array's fill is null (ZARR2-FILL-011)."""
    codecs = [codec for codec in description["codecs"] if codec["name"] != "bytes"]
    order = "C"
    if codecs and codecs[0]["name"] == "transpose":
        order, codecs = "F", codecs[1:]
    fill = description["fill_value"]
    compressor = codecs.pop() if len(codecs) > 1 else None
    return {
        "shape": tuple(description["shape"]),
        "chunks": tuple(description["chunk_grid"]["chunk_shape"]),
        "dtype": object,
        "object_codec": numcodecs_codec(codecs[0]),
        "fill_value": None
        if fill is None or ragged_items(description["data_type"]) is not None
        else object_element(bytes.fromhex(fill["hex"]), description["data_type"]),
        "order": order,
        "filters": [numcodecs_codec(codec) for codec in codecs[1:]] or None,
        "compressor": None if compressor is None else numcodecs_codec(compressor),
        "dimension_separator": description["chunk_key_encoding"]["separator"],
    }


# --- the cases ---------------------------------------------------------------------------------------


def rejected(error: BaseException, phase: str) -> dict[str, Any]:
    """The reply for an exception of the library."""
    if isinstance(error, KeyError | FileNotFoundError) or type(error).__name__.endswith("NotFoundError"):
        category = "not-found"
    elif "codec not available" in str(error) or isinstance(error, NotImplementedError):
        category = "unsupported"
    else:
        category = "metadata" if phase == "open" else "chunk"
    message = f"{type(error).__name__}: {error}"
    return {"status": "rejected", "error": {"category": category, "phase": phase, "message": message}}


def store(folder: Path, format: str) -> Any:
    """zarr 2's store of a folder: N5Store for N5, DirectoryStore for Zarr v2."""
    return zarr.N5Store(str(folder)) if format == "n5" else zarr.DirectoryStore(str(folder))


def input_store(input: Path, url: str | None, relative: str, format: str) -> Any:
    """zarr 2's read-only store of the input store at ``relative``: its folder, or in a run over HTTP
    (``url``, the run message's input_url) the URL it is served at, through zarr 2's own fsspec stores
    (FSStore, N5FSStore) on fsspec's HTTP file system (PROTO-021, PROTO-022)."""
    if url is None:
        return store(input / relative, format)
    where = f"{url}/{relative}"
    return zarr.N5FSStore(where, mode="r") if format == "n5" else zarr.storage.FSStore(where, mode="r")


def read(opened: Any, node: str, format: str, selection: list[Any] | None) -> Any:
    """The values read from the store ``opened`` (in N5's declared order) and the canonical type of an
    object array (else None), or a rejected reply."""
    key = kit.selection_key(selection)
    phase = "open"
    try:
        array = zarr.open_array(store=opened, path=node, mode="r")
        name = object_type(array) if array.dtype.kind == "O" else None
        phase = "read"
        if format == "n5":
            values = np.asarray(array[key[::-1] if isinstance(key, tuple) else key]).T
        else:
            values = np.asarray(array[key])
    except Exception as error:
        return rejected(error, phase)
    return values, name


def run(case: dict[str, Any], input: Path, output: Path, url: str | None = None) -> dict[str, Any]:
    """The reply (without seq) for one case; ``url`` is the run message's input_url in a run over HTTP."""
    operation, source = case["operation"], case["input"]
    node = source.get("node", "")
    if operation["op"] == "write":
        target = operation["target"]
        description, n5 = target["metadata"], target["format"] == "n5"
        values = None if description["node_type"] == "group" else read_array(input / source["array"])
        try:
            destination = store(output / "store", target["format"])
            if values is None:
                group = zarr.open_group(store=destination, path=target["node"], mode="w")
                group.attrs.update(description["attributes"])
            else:
                array = zarr.create(
                    store=destination, path=target["node"], **create_arguments(description, n5)
                )
                array.attrs.update(description["attributes"])
                array[...] = values.T if n5 else values
        except Exception as error:
            return rejected(error, "write")
        return {"status": "ok", "result": {"store": "store"}}
    if operation["op"] == "metadata":
        try:
            where = input_store(input, url, source["store"], case["format"])
            opened = zarr.open(store=where, path=node, mode="r")
        except Exception as error:
            return rejected(error, "open")
        return {"status": "ok", "result": {"node": describe(opened, case["format"] == "n5")}}
    if "stores" in source:  # equivalence: every store whose format zarr 2 reads
        arrays = {}
        for format, folder in sorted(source["stores"].items()):
            if format not in ("zarr2", "n5"):
                continue
            values = read(input_store(input, url, folder, format), node, format, operation.get("selection"))
            if isinstance(values, dict):
                return values
            write_array(values[0], output / format, values[1])
            arrays[format] = f"{format}/array.json"
        return {"status": "ok", "result": {"arrays": arrays}}
    opened = input_store(input, url, source["store"], case["format"])
    values = read(opened, node, case["format"], operation.get("selection"))
    if isinstance(values, dict):
        return values
    write_array(values[0], output, values[1])
    return {"status": "ok", "result": {"array": "array.json"}}


def handle(message: dict[str, Any]) -> dict[str, Any] | None:
    """The reply to one protocol message."""
    if message.get("cmd") == "hello":
        return {
            "protocol": kit.PROTOCOL,
            "implementation": {
                "name": "zarr-python-2",
                "version": zarr.__version__,
                "language": "python",
                "homepage": "https://github.com/zarr-developers/zarr-python",
            },
            "adapter": {"version": ADAPTER_VERSION},
            "capabilities": CAPABILITIES,
        }
    if message.get("cmd") != "run":
        return None
    try:
        input, output = Path(message["input"]), Path(message["output"])
        reply = run(message["case"], input, output, message.get("input_url"))
    except Exception as error:
        reply = {"status": "adapter-error", "message": f"{type(error).__name__}: {error}"}
        reply["traceback"] = traceback.format_exc()
    return {"seq": message["seq"], **reply}


def serve(stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Answer messages, one JSON object per line, until ``stop`` or end of input."""
    for line in stdin:
        try:
            message = json.loads(line) if line.strip() else None
        except ValueError:
            message = None
        if not isinstance(message, dict):
            continue
        if message.get("cmd") == "stop":
            break
        reply = handle(message)
        if reply is not None:
            stdout.write(json.dumps(reply).encode("utf-8") + b"\n")
            stdout.flush()
    return 0


def main() -> int:
    """Serve on the real streams; file descriptor 1 goes to stderr so nothing else reaches the stream."""
    warnings.simplefilter("ignore")
    stdout = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return serve(sys.stdin.buffer, stdout)


if __name__ == "__main__":
    sys.exit(main())

"""The zarrita adapter: Zarr v3 (``zarrita.Array``, ``zarrita.Group``) and Zarr v2 (``zarrita.ArrayV2``,
``zarrita.GroupV2``) through zarrita 0.2.7's public API.

It runs in its own virtual environment (``.venv`` beside this file, made by ``ci.sh`` from
``requirements.txt``): zarrita pins ``zstandard<0.22``, which zn5 cannot share. The protocol glue is the
project's Python adapter kit (``../kits/python/zn5_adapter_kit.py``, standard library only), imported from
its place in the repository.

What it converts, and nothing else: canonical node descriptions to the arguments of ``Array.create`` and
``ArrayV2.create`` (codec descriptions go through zarrita's own metadata converter) and zarrita's metadata
objects back to canonical descriptions; a selection to the slices zarrita's indexer takes (it has no
integer or ``...`` indexing, so an integer becomes a one-wide slice whose axis is then dropped); the
library's exceptions to error categories.
"""

from __future__ import annotations

import importlib
import json
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import numpy as np

if TYPE_CHECKING:  # the project's type checker sees the kit as part of zn5
    from zn5.conformance.adapters.kits.python import zn5_adapter_kit as kit
else:  # the adapter's environment has no zn5: the kit is imported from its folder in the repository
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "kits" / "python"))
    import zn5_adapter_kit as kit

# zarrita is imported by name: it lives only in this adapter's environment, not in the project's.
zarrita: Any = importlib.import_module("zarrita")
zarrita_common: Any = importlib.import_module("zarrita.common")
zarrita_metadata: Any = importlib.import_module("zarrita.metadata")
zarrita_sync: Any = importlib.import_module("zarrita.sync")
numcodecs: Any = importlib.import_module("numcodecs")

T = TypeVar("T")
V3_TYPES = ("bool", *(f"{s}int{b}" for s in ("", "u") for b in (8, 16, 32, 64)), "float32", "float64")
"""zarrita's DataType enum: the only Zarr v3 data types it knows."""
V2_ONLY_TYPES = ("float16", "numpy.datetime64", "numpy.timedelta64")
"""The other NumPy type zarrita's ArrayV2 takes whose fill value is None, an int or a float (the only fill
values ArrayV2Metadata has: no complex pairs, no base64 strings, so no complex, raw or string types)."""
V3_CODECS = ("bytes", "transpose", "blosc", "gzip", "zstd", "crc32c", "sharding_indexed")
"""The codecs of zarrita.codecs.CodecPipeline.from_metadata."""
V2_IDS = {  # canonical codec name -> numcodecs id (ArrayV2 hands filters and compressors to numcodecs)
    "blosc": "blosc",
    "gzip": "gzip",
    "zstd": "zstd",
    "numcodecs.zlib": "zlib",
    "numcodecs.bz2": "bz2",
    "numcodecs.lz4": "lz4",
    "numcodecs.lzma": "lzma",
    "numcodecs.delta": "delta",
    "numcodecs.fixedscaleoffset": "fixedscaleoffset",
    "numcodecs.quantize": "quantize",
    "numcodecs.bitround": "bitround",
    "numcodecs.astype": "astype",
    "numcodecs.packbits": "packbits",
    "numcodecs.shuffle": "shuffle",
    "numcodecs.crc32": "crc32",
    "numcodecs.adler32": "adler32",
    "numcodecs.fletcher32": "fletcher32",
    "numcodecs.jenkins_lookup3": "jenkins_lookup3",
}
CANONICAL_NAMES = {codec_id: name for name, codec_id in V2_IDS.items()}
V2_ARRAY_FILTERS = ("delta", "fixedscaleoffset", "quantize", "bitround", "astype", "packbits")
"""numcodecs filters that turn an array into an array (canonically before ``bytes``)."""
TYPE_NAMES = {  # NumPy kind -> canonical name; lengths of fixed_length_utf32 count characters
    "b": "bool",
    "i": "int{bits}",
    "u": "uint{bits}",
    "f": "float{bits}",
    "c": "complex{bits}",
    "V": "r{bits}",
    "S": "fixed_length_bytes[{size}]",
    "U": "fixed_length_utf32[{chars}]",
}


def sync(coroutine: Any) -> Any:
    """Run one of zarrita's coroutines on zarrita's own event loop thread."""
    return zarrita_sync.sync(coroutine)


def library(phase: str, call: Callable[[], T]) -> T:
    """The result of a call into zarrita; whatever it raises is zarrita refusing the input."""
    try:
        return call()
    except kit.RefusedError:
        raise
    except Exception as error:
        raise kit.RefusedError(category(error, phase), f"{type(error).__name__}: {error}") from error


def category(error: BaseException, phase: str) -> str:
    """The error category of an exception zarrita raised in ``phase``."""
    if phase == "open" and type(error) is KeyError and not error.args:
        return "not-found"  # Group.open_or_array / GroupV2.open_or_array: no metadata document
    if isinstance(error, FileNotFoundError):
        return "not-found"
    if isinstance(error, NotImplementedError) or any(
        words in str(error) for words in ("Unsupported codec", "codec not available")
    ):
        return "unsupported"
    return {"open": "metadata", "read": "chunk"}.get(phase, "store")


# --- data types --------------------------------------------------------------------------------------


def canonical_type(dtype: np.dtype[Any]) -> str:
    """The canonical name of a NumPy type as zarrita's ArrayV2 holds it."""
    template = TYPE_NAMES.get(dtype.kind)
    if template is not None:
        return template.format(bits=8 * dtype.itemsize, size=dtype.itemsize, chars=dtype.itemsize // 4)
    unit, count = np.datetime_data(dtype)
    return f"numpy.{'datetime64' if dtype.kind == 'M' else 'timedelta64'}[{count}{unit}]"


def numpy_type(name: str) -> np.dtype[Any]:
    """The little-endian NumPy type of a canonical name."""
    if name == "bool":
        return np.dtype("|b1")
    for family, code in (("uint", "u"), ("int", "i"), ("float", "f"), ("complex", "c")):
        bits = name.removeprefix(family)
        if bits != name and bits.isdigit():
            return np.dtype(f"<{code}{int(bits) // 8}")
    if name[0] == "r" and name[1:].isdigit():
        return np.dtype(f"V{int(name[1:]) // 8}")
    family, _, argument = name.rstrip("]").partition("[")
    codes = {
        "fixed_length_bytes": "S",
        "fixed_length_utf32": "<U",
        "numpy.datetime64": "<M8",
        "numpy.timedelta64": "<m8",
    }
    if family not in codes:
        raise kit.RefusedError("unsupported", f"zarrita has no data type {name}")
    return np.dtype(
        f"{codes[family]}{argument}" if family.startswith("fixed") else f"{codes[family]}[{argument}]"
    )


def little_endian(values: np.ndarray[Any, Any]) -> bytes:
    """C-order bytes with every element little-endian."""
    dtype = values.dtype if values.dtype.byteorder in "|<" else values.dtype.newbyteorder("<")
    return np.ascontiguousarray(values, dtype=dtype).tobytes()


def fill_hex(fill: Any, dtype: np.dtype[Any]) -> dict[str, str]:
    """The canonical fill value: the element zarrita fills missing chunks with (it assigns the metadata's
    value into a NumPy array of the array's type), as little-endian hex."""
    element = np.zeros((), dtype=dtype)
    library("open", lambda: element.__setitem__((), fill))
    return {"hex": little_endian(element.reshape(1)).hex()}


# --- canonical descriptions -> zarrita ---------------------------------------------------------------


def v3_codec(codec: Mapping[str, Any]) -> Any:
    """zarrita's metadata object of a canonical Zarr v3 codec, through zarrita's own converter."""
    document = {"name": codec["name"], "configuration": dict(codec.get("configuration", {}))}
    if codec["name"] == "sharding_indexed":
        configuration = document["configuration"]
        for key in ("codecs", "index_codecs"):
            configuration[key] = [v3_codec(inner) for inner in configuration[key]]
        return zarrita_metadata.ShardingCodecMetadata(
            configuration=zarrita_metadata.ShardingCodecConfigurationMetadata(
                chunk_shape=tuple(configuration["chunk_shape"]),
                codecs=configuration["codecs"],
                index_codecs=configuration["index_codecs"],
                index_location=zarrita_metadata.ShardingCodecIndexLocation(
                    configuration.get("index_location", "end")
                ),
            )
        )
    if codec["name"] == "crc32c":
        document.pop("configuration")
    return zarrita_common.make_cattr().structure(document, zarrita_metadata.CodecMetadata)


def fill_element(metadata: Mapping[str, Any], dtype: np.dtype[Any]) -> Any:
    """The fill value as the plain Python value zarrita's create methods take (None when undefined). A
    datetime64 or timedelta64 fill is its int64 count (ZARR2-FILL-003): NumPy's ``item()`` would give None
    for NaT and a datetime or timedelta object, which zarrita cannot write, for units of seconds or more."""
    raw = kit.fill_bytes(metadata)
    if raw is None:
        return None
    element_type = np.dtype("<i8") if dtype.kind in "Mm" else dtype
    return np.frombuffer(raw, dtype=element_type, count=1)[0].item()


def write_v3(path: Any, metadata: Mapping[str, Any], values: np.ndarray[Any, Any]) -> None:
    """``zarrita.Array.create`` and a write of every element."""
    name = metadata["data_type"]
    if name not in V3_TYPES:
        raise kit.RefusedError("unsupported", f"zarrita 0.2.7 has no Zarr v3 data type {name}")
    encoding = metadata["chunk_key_encoding"]
    array = zarrita.Array.create(
        path,
        shape=tuple(metadata["shape"]),
        dtype=name,
        chunk_shape=tuple(metadata["chunk_grid"]["chunk_shape"]),
        fill_value=fill_element(metadata, numpy_type(name)),
        chunk_key_encoding=(encoding["name"], encoding.get("separator", "/")),
        codecs=[v3_codec(codec) for codec in metadata["codecs"]],
        dimension_names=metadata.get("dimension_names"),
        attributes=dict(metadata.get("attributes", {})),
    )
    array[whole(values.ndim)] = values


def v2_config(codec: Mapping[str, Any]) -> dict[str, Any]:
    """The numcodecs configuration of a canonical codec, as ArrayV2.create takes it."""
    if codec["name"] not in V2_IDS:
        raise kit.RefusedError("unsupported", f"zarrita's Zarr v2 arrays have no codec {codec['name']}")
    config = {"id": V2_IDS[codec["name"]], **codec.get("configuration", {})}
    if codec["name"] == "blosc":
        config.pop("typesize", None)
        config["shuffle"] = kit.BLOSC_SHUFFLES.index(config["shuffle"])
    return config


def write_v2(path: Any, metadata: Mapping[str, Any], values: np.ndarray[Any, Any]) -> None:
    """``zarrita.ArrayV2.create`` and a write of every element."""
    dtype = numpy_type(metadata["data_type"])
    codecs = list(metadata["codecs"])
    order = "C"
    if codecs and codecs[0]["name"] == "transpose":
        order, codecs = "F", codecs[1:]
    position = [codec["name"] for codec in codecs].index("bytes")
    if codecs[position].get("configuration", {}).get("endian") == "big" and dtype.byteorder != "|":
        dtype = dtype.newbyteorder(">")
    others = codecs[:position] + codecs[position + 1 :]
    compressor = others.pop() if position < len(codecs) - 1 else None
    array = zarrita.ArrayV2.create(
        path,
        shape=tuple(metadata["shape"]),
        dtype=dtype,
        chunks=tuple(metadata["chunk_grid"]["chunk_shape"]),
        dimension_separator=metadata["chunk_key_encoding"].get("separator", "."),
        fill_value=fill_element(metadata, dtype),
        order=order,
        filters=[v2_config(codec) for codec in others] or None,
        compressor=None if compressor is None else v2_config(compressor),
        attributes=dict(metadata.get("attributes", {})) or None,
    )
    array[whole(values.ndim)] = values


def whole(ndim: int) -> tuple[slice, ...]:
    """zarrita's key for every element (it takes no ``...``)."""
    return (slice(None),) * ndim


# --- zarrita -> canonical descriptions ---------------------------------------------------------------


def canonical_v3_codec(document: Mapping[str, Any], ndim: int) -> dict[str, Any]:
    """The canonical form of a codec as zarrita serialises it (``ArrayMetadata.to_bytes``)."""
    configuration = dict(document.get("configuration") or {})
    name = document["name"]
    if name == "bytes" and configuration.get("endian") is None:
        configuration.pop("endian", None)
    if name == "transpose" and isinstance(configuration["order"], str):  # zarrita's "C"/"F"
        axes = list(range(ndim))
        configuration["order"] = axes[::-1] if configuration["order"] == "F" else axes
    if name == "sharding_indexed":
        for key in ("codecs", "index_codecs"):
            configuration[key] = [canonical_v3_codec(inner, ndim) for inner in configuration[key]]
    return {"name": name, "configuration": configuration}


def describe_v3(node: Any) -> dict[str, Any]:
    """The canonical description of a zarrita Array or Group."""
    if isinstance(node, zarrita.Group):
        return {"node_type": "group", "attributes": dict(node.metadata.attributes)}
    meta = node.metadata
    document = json.loads(meta.to_bytes())
    return {
        "node_type": "array",
        "shape": list(meta.shape),
        "data_type": meta.data_type.value,
        "chunk_grid": {"name": "regular", "chunk_shape": list(meta.chunk_grid.configuration.chunk_shape)},
        "chunk_key_encoding": {
            "name": meta.chunk_key_encoding.name,
            "separator": meta.chunk_key_encoding.configuration.separator,
        },
        "fill_value": fill_hex(meta.fill_value, meta.dtype),
        "codecs": [canonical_v3_codec(codec, meta.ndim) for codec in document["codecs"]],
        "dimension_names": None if meta.dimension_names is None else list(meta.dimension_names),
        "attributes": document["attributes"],
    }


def canonical_v2_codec(config: Mapping[str, Any], dtype: np.dtype[Any]) -> dict[str, Any]:
    """The canonical form of a numcodecs configuration held by zarrita's ArrayV2Metadata."""
    members = {key: value for key, value in config.items() if key != "id"}
    if config["id"] == "blosc":
        members = canonical_blosc(members, dtype.itemsize)
    return {"name": CANONICAL_NAMES.get(config["id"], config["id"]), "configuration": members}


def canonical_blosc(members: Mapping[str, Any], typesize: int) -> dict[str, Any]:
    """numcodecs' Blosc configuration (cname, clevel, shuffle as a number, blocksize) in canonical form:
    the shuffle by name, numcodecs' automatic shuffle (-1) resolved, the type size of the data it gets."""
    shuffle = members.get("shuffle", 1)
    if shuffle == -1:
        shuffle = 2 if typesize == 1 else 1
    return {
        **members,
        "shuffle": kit.BLOSC_SHUFFLES[shuffle],
        "typesize": typesize,
        "blocksize": members.get("blocksize", 0),
    }


def encoded_type(filters: Sequence[Mapping[str, Any]], dtype: np.dtype[Any]) -> np.dtype[Any]:
    """The type of the data the array filters hand on: one element run through them with numcodecs."""
    sample: Any = np.zeros(1, dtype)
    for config in filters:
        sample = numcodecs.get_codec(dict(config)).encode(sample)
    result: np.dtype[Any] = np.asarray(sample).dtype
    return result


def describe_v2_codecs(meta: Any) -> list[dict[str, Any]]:
    """The canonical codec chain of an ArrayV2Metadata: transpose for order F, array filters, bytes,
    byte filters, the compressor."""
    dtype, filters = meta.dtype, list(meta.filters or ())
    codecs = []
    if meta.order == "F" and meta.ndim > 1:
        codecs.append({"name": "transpose", "configuration": {"order": list(range(meta.ndim))[::-1]}})
    array_filters = [f for f in filters if f["id"] in V2_ARRAY_FILTERS]
    codecs += [canonical_v2_codec(f, dtype) for f in array_filters]
    encoded = encoded_type(array_filters, dtype)
    endian = {"<": "little", ">": "big", "=": sys.byteorder}.get(encoded.byteorder)
    codecs.append({"name": "bytes", "configuration": {} if endian is None else {"endian": endian}})
    byte_filters = [f for f in filters if f["id"] not in V2_ARRAY_FILTERS]
    codecs += [canonical_v2_codec(f, dtype) for f in byte_filters]
    if meta.compressor is not None:
        codecs.append(canonical_v2_codec(meta.compressor, np.dtype("u1") if byte_filters else encoded))
    return codecs


def describe_v2(node: Any) -> dict[str, Any]:
    """The canonical description of a zarrita ArrayV2 or GroupV2."""
    attributes = json.loads(json.dumps(node.attributes or {}))
    if isinstance(node, zarrita.GroupV2):
        return {"node_type": "group", "attributes": attributes}
    meta = node.metadata
    return {
        "node_type": "array",
        "shape": list(meta.shape),
        "data_type": canonical_type(meta.dtype),
        "chunk_grid": {"name": "regular", "chunk_shape": list(meta.chunks)},
        "chunk_key_encoding": {"name": "v2", "separator": meta.dimension_separator},
        "fill_value": None if meta.fill_value is None else fill_hex(meta.fill_value, meta.dtype),
        "codecs": describe_v2_codecs(meta),
        "dimension_names": None,
        "attributes": attributes,
    }


# --- the adapter -------------------------------------------------------------------------------------


def selection_slices(
    selection: kit.Selection, shape: Sequence[int]
) -> tuple[tuple[slice, ...], tuple[Any, ...]]:
    """zarrita's key of a selection (slices only) and the NumPy key that drops the integer axes."""
    if selection is None:
        return whole(len(shape)), ()
    key: list[slice] = []
    drop: list[Any] = []
    for item, length in zip(selection, shape, strict=True):
        if isinstance(item, int):
            start = item + length if item < 0 else item
            key.append(slice(start, start + 1))
            drop.append(0)
        else:
            key.append(slice(*item))
            drop.append(slice(None))
    return tuple(key), tuple(drop)


class ZarritaAdapter(kit.Adapter):
    """zarrita 0.2.7: Zarr v3 and v2, read, describe and write."""

    name, language = "zarrita-py", "python"
    version = importlib.import_module("importlib.metadata").version("zarrita")
    homepage = "https://github.com/scalableminds/zarrita"
    capabilities = (
        "format:zarr2",
        "format:zarr3",
        "op:read",
        "op:metadata",
        "op:write",
        *(f"dtype:{name}" for name in (*V3_TYPES, *V2_ONLY_TYPES)),
        *(f"codec:{name}" for name in (*V3_CODECS, *V2_IDS)),
        *kit.CHUNK_KEYS,
        "feature:zero-dimensional",
        "feature:empty-axis",
        "feature:nested-sharding",
        "feature:known-deviations",
        "store:http",
    )
    format_gaps: ClassVar[Mapping[str, Sequence[str]]] = {
        "zarr3": [
            *(f"dtype:{name}" for name in V2_ONLY_TYPES),
            *(f"codec:{name}" for name in V2_IDS if name not in V3_CODECS),
        ],
        "zarr2": [
            "codec:crc32c",
            "codec:sharding_indexed",
            "chunk-key:default-dot",
            "chunk-key:default-slash",
        ],
    }

    def open(self, store: Path, node: str, format: str) -> Any:
        """The node at ``node``: ``Group.open_or_array`` (v3) or ``GroupV2.open_or_array`` (v2); in a run
        over HTTP through zarrita's RemoteStore (fsspec's HTTP file system on aiohttp, PROTO-022)."""
        url = self.store_url(store)
        path = (zarrita.LocalStore(store) if url is None else zarrita.RemoteStore(url)) / node
        if format == "zarr3":
            return library("open", lambda: sync(zarrita.Group.open_or_array(path)))
        return library("open", lambda: sync(zarrita.GroupV2.open_or_array(path)))

    def read(self, array: Any, selection: kit.Selection) -> kit.Values:
        """The values of ``selection``, read with zarrita's ``__getitem__``."""
        if isinstance(array, zarrita.Group | zarrita.GroupV2):
            raise kit.RefusedError("not-found", f"{array.store_path} is a group, not an array")
        key, drop = selection_slices(selection, array.shape)
        values = np.asarray(library("read", lambda: array[key]))[drop]
        return kit.Values(little_endian(values), canonical_type(values.dtype), values.shape)

    def describe(self, node: Any, format: str) -> dict[str, Any]:
        """The canonical description of what zarrita's metadata objects hold."""
        return describe_v3(node) if format == "zarr3" else describe_v2(node)

    def write(
        self, store: Path, format: str, node: str, metadata: Mapping[str, Any], values: kit.Values | None
    ) -> None:
        """Create the node with zarrita's create methods, then write every element."""
        path = zarrita.LocalStore(store) / node
        attributes = dict(metadata.get("attributes", {}))
        if values is None:
            group = zarrita.Group if format == "zarr3" else zarrita.GroupV2
            library("write", lambda: group.create(path, attributes=attributes))
            return
        array = np.frombuffer(values.raw, dtype=numpy_type(values.data_type)).reshape(values.shape)
        writer = write_v3 if format == "zarr3" else write_v2
        library("write", lambda: writer(path, metadata, array))


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    sys.exit(kit.serve(ZarritaAdapter()))

"""The GDAL adapter: Zarr v2 through the multidimensional API of GDAL's Zarr driver (``osgeo.gdal``).

It runs under Debian's ``/usr/bin/python3`` with Debian's ``python3-gdal`` (GDAL 3.6.2 in bookworm) and
``python3-numpy``; ``ci.sh`` installs them when they are missing. The protocol glue is the project's
Python adapter kit (``../kits/python/zn5_adapter_kit.py``), imported from its place in the repository.

What it converts, and nothing else: a node path to the folder GDAL opens (GDAL is pointed at the array's
own folder, so a store without root group metadata opens too); a selection to the start, count and step
of ``MDArray.ReadAsArray`` (an integer index is a count of one whose axis is then dropped); what GDAL
returns to little-endian bytes with the canonical name of GDAL's own data type (never the type of the
stored metadata: a type GDAL widens is reported as GDAL gives it); a canonical description to the options
of ``CreateMultiDimensional`` and ``CreateMDArray``; GDAL's errors to error categories.

GDAL's "ZARR_V3" is the pre-1.0 draft layout (``meta/root/*.array.json``), so this adapter declares Zarr
v2 only; it declares no metadata operation, because GDAL's API does not expose a Zarr array's codec
chain, chunk key encoding or stored data type.
"""

from __future__ import annotations

import importlib
import json
import math
import struct
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # the project's type checker sees the kit as part of zn5
    from zn5.conformance.adapters.kits.python.zn5_adapter_kit import (
        Adapter,
        CannotRunError,
        RefusedError,
        Selection,
        Values,
        fill_bytes,
        serve,
    )
else:  # the adapter's interpreter has no zn5: the kit is imported from its folder in the repository
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "kits" / "python"))
    from zn5_adapter_kit import Adapter, CannotRunError, RefusedError, Selection, Values, fill_bytes, serve

# osgeo is imported by name: it lives only in Debian's system Python, not in the project's environment.
gdal: Any = importlib.import_module("osgeo.gdal")

GDAL_TYPES = {  # GDAL's numeric data types -> canonical names
    "Byte": "uint8",
    "UInt16": "uint16",
    "Int16": "int16",
    "UInt32": "uint32",
    "Int32": "int32",
    "UInt64": "uint64",
    "Int64": "int64",
    "Float32": "float32",
    "Float64": "float64",
    "CFloat32": "complex64",
    "CFloat64": "complex128",
}
CREATE_TYPES = {name: gdal.GetDataTypeByName(gdal_name) for gdal_name, name in GDAL_TYPES.items()}
"""The canonical types GDAL creates arrays of (GDAL 3.6 has no Int8 and no boolean type)."""
COMPRESSORS = {  # canonical codec name -> (COMPRESS value, level option, level member)
    "blosc": ("BLOSC", "BLOSC_CLEVEL", "clevel"),
    "gzip": ("GZIP", "GZIP_LEVEL", "level"),
    "numcodecs.zlib": ("ZLIB", "ZLIB_LEVEL", "level"),
    "zstd": ("ZSTD", "ZSTD_LEVEL", "level"),
    "numcodecs.lzma": ("LZMA", "LZMA_PRESET", "preset"),
    "numcodecs.lz4": ("LZ4", "LZ4_ACCELERATION", "acceleration"),
}
BLOSC_SHUFFLES = {"noshuffle": "NONE", "shuffle": "BYTE", "bitshuffle": "BIT"}
READ_CODECS = ("bytes", "transpose", *COMPRESSORS, "numcodecs.delta")
"""The Zarr v2 compressors and filters GDAL 3.6's Zarr driver decodes (its CPLCompressor registry)."""
READ_TYPES = (*GDAL_TYPES.values(), "bool", "int8", "float16", "fixed_length_bytes", "fixed_length_utf32")
"""The Zarr v2 types it opens: bool, int8 and float16 widened to Byte, Int16 and Float32, the fixed-length
strings read as strings."""


def library_call(phase: str, call: Any) -> Any:
    """The result of a call into GDAL; a RuntimeError (GDAL's CE_Failure), or an OverflowError or
    ValueError of its bindings (``gdal_array`` allocating a dimension beyond NumPy's limit), is GDAL
    refusing the input."""
    try:
        return call()
    except (RuntimeError, OverflowError, ValueError) as error:
        raise RefusedError(category(str(error), phase), f"GDAL: {error}") from error


def category(message: str, phase: str) -> str:
    """The error category of a GDAL error message raised in ``phase``."""
    lowered = message.lower()
    if "does not exist" in lowered or "no such file" in lowered or "not recognized" in lowered:
        return "not-found"
    if "unsupported" in lowered or "not supported" in lowered:
        return "unsupported"
    return {"open": "metadata", "read": "chunk"}.get(phase, "store")


# --- reading -----------------------------------------------------------------------------------------


def dataset_name(location: str) -> str:
    """GDAL's name of the store at ``location``: the folder, or a ``/vsicurl/`` URL in the driver's own
    ``ZARR:"…"`` syntax, for GDAL's probe of the bare URL asks the server for the folder, which a static
    server answers 404 (it never lists) and GDAL takes as "no such file"."""
    return f'ZARR:"{location}"' if location.startswith("/vsicurl/") else location


def open_node(store: str, node: str) -> tuple[Any, Any]:
    """The dataset GDAL opens and the array (or group) at ``node`` in it.

    GDAL opens the store's root (a folder, or over HTTP a ``/vsicurl/`` URL) and resolves the node path
    itself (``OpenMDArrayFromFullname``, then ``OpenGroupFromFullname``); a store whose root has no
    metadata GDAL recognises is opened, as GDAL users open it, by pointing GDAL at the node's own folder
    (CORE-NODE-001).
    """
    try:
        dataset = gdal.OpenEx(dataset_name(store), gdal.OF_MULTIDIM_RASTER)
    except RuntimeError as error:
        # a root without metadata: "not recognized" from a folder, "Cannot find any of Zarr metadata
        # files" from the ZARR:"…" name of a URL
        if not node or not any(text in str(error) for text in ("not recognized", "Cannot find any of Zarr")):
            raise RefusedError(category(str(error), "open"), f"GDAL: {error}") from error
        return open_folder("/".join([store, *(part for part in node.split("/") if part)]))
    root = dataset.GetRootGroup()
    if not node.strip("/"):
        return dataset, root
    full_name = node if node.startswith("/") else f"/{node}"
    array = library_call("open", lambda: root.OpenMDArrayFromFullname(full_name))
    if array is not None:
        return dataset, array
    group = library_call("open", lambda: root.OpenGroupFromFullname(full_name))
    if group is None:
        raise RefusedError("not-found", f"GDAL finds no array or group {full_name}")
    return dataset, group


def open_folder(folder: str) -> tuple[Any, Any]:
    """The dataset GDAL opens in the node's folder and the array in it (or its root group)."""
    dataset = library_call("open", lambda: gdal.OpenEx(dataset_name(folder), gdal.OF_MULTIDIM_RASTER))
    root = dataset.GetRootGroup()
    name = folder.rsplit("/", 1)[-1]
    if name in (root.GetMDArrayNames() or []):
        return dataset, library_call("open", lambda: root.OpenMDArray(name))
    return dataset, root


def subset(selection: Selection, shape: Sequence[int]) -> tuple[list[int], list[int], list[int], list[int]]:
    """Start, count and step per axis of a selection for ``ReadAsArray``, and the axes an index drops."""
    starts, counts, steps, dropped = [], [], [], []
    items: Sequence[Any] = [[None, None, None]] * len(shape) if selection is None else selection
    for axis, (item, length) in enumerate(zip(items, shape, strict=True)):
        if isinstance(item, int):
            start, stop, step = slice(item, item + 1 if item != -1 else None).indices(length)
            dropped.append(axis)
        else:
            start, stop, step = slice(*item).indices(length)
        starts.append(start)
        counts.append(max(0, (stop - start + step - (1 if step > 0 else -1)) // step))
        steps.append(step)
    return starts, counts, steps, dropped


def read_values(array: Any, selection: Selection) -> Values:
    """The values of ``selection``, read by GDAL, as the canonical form of GDAL's own data type."""
    shape = [dimension.GetSize() for dimension in array.GetDimensions()]
    starts, counts, steps, dropped = subset(selection, shape)
    result_shape = [count for axis, count in enumerate(counts) if axis not in dropped]
    kind = array.GetDataType()
    if kind.GetClass() == gdal.GEDTC_STRING:
        strings = library_call("read", lambda: array.Read(starts, counts, steps))
        return Values(vlen_bytes(strings), "string", result_shape)
    if kind.GetClass() != gdal.GEDTC_NUMERIC:
        raise CannotRunError("GDAL returns compound data types, which the corpus has none of")
    values = library_call("read", lambda: array.ReadAsArray(starts, counts, steps))
    values = np.asarray(values).reshape(result_shape)
    name = GDAL_TYPES[gdal.GetDataTypeName(kind.GetNumericDataType())]
    return Values(np.ascontiguousarray(values, values.dtype.newbyteorder("<")).tobytes(), name, result_shape)


def vlen_bytes(strings: Sequence[str | bytes | None]) -> bytes:
    """The variable-length encoding of strings (PROTO-VLEN-001): a 4-byte length, then the UTF-8 bytes
    (an element GDAL hands back as ``bytes``, which it could not decode, with U+FFFD for what is not
    UTF-8)."""
    texts = [item.decode("utf-8", "replace") if isinstance(item, bytes) else item or "" for item in strings]
    encoded = [text.encode("utf-8") for text in texts]
    return b"".join(struct.pack("<I", len(item)) + item for item in encoded)


# --- writing -----------------------------------------------------------------------------------------


def array_options(metadata: Mapping[str, Any]) -> list[str]:
    """The ``CreateMDArray`` options of a canonical array description; CannotRunError for what GDAL's
    Zarr v2 writer has no option for."""
    chunks = metadata["chunk_grid"]["chunk_shape"]
    options = [f"BLOCKSIZE={','.join(str(size) for size in chunks)}"] if chunks else []
    separator = metadata["chunk_key_encoding"].get("separator", ".")
    options.append(f"DIM_SEPARATOR={separator}")
    codecs = list(metadata["codecs"])
    if codecs and codecs[0]["name"] == "transpose":
        order = codecs.pop(0)["configuration"]["order"]
        if list(order) != list(range(len(order)))[::-1]:
            raise CannotRunError("GDAL's Zarr v2 writer has only the C and F chunk layouts")
        options.append("CHUNK_MEMORY_LAYOUT=F")
    names = [codec["name"] for codec in codecs]
    if "bytes" not in names:
        raise CannotRunError(f"GDAL writes no array whose codecs are {names}")
    position = names.index("bytes")
    if codecs[position].get("configuration", {}).get("endian") == "big":
        raise CannotRunError("GDAL's Zarr writer always writes little-endian types")
    for codec in codecs[:position]:
        options += delta_options(codec)
    after = codecs[position + 1 :]
    if len(after) > 1:
        raise CannotRunError(f"GDAL's Zarr v2 writer takes one compressor and no byte filters, not {names}")
    options += compressor_options(after[0]) if after else ["COMPRESS=NONE"]
    return options


def delta_options(codec: Mapping[str, Any]) -> list[str]:
    """The options of GDAL's only Zarr v2 filter, delta, whose stored type must be the array's."""
    if codec["name"] != "numcodecs.delta":
        raise CannotRunError(f"GDAL's Zarr v2 writer has no filter {codec['name']}")
    configuration = codec.get("configuration", {})
    if configuration.get("astype", configuration["dtype"]) != configuration["dtype"]:
        raise CannotRunError("GDAL's Zarr v2 delta filter has no astype option")
    return ["FILTER=DELTA", f"DELTA_DTYPE={configuration['dtype']}"]


def compressor_options(codec: Mapping[str, Any]) -> list[str]:
    """The COMPRESS option of a compressor and its settings."""
    if codec["name"] not in COMPRESSORS:
        raise CannotRunError(f"GDAL's Zarr v2 writer has no compressor {codec['name']}")
    method, level_option, level_member = COMPRESSORS[codec["name"]]
    configuration = dict(codec.get("configuration", {}))
    options = [f"COMPRESS={method}"]
    if level_member in configuration:
        options.append(f"{level_option}={configuration.pop(level_member)}")
    if method == "BLOSC":
        options += [
            f"BLOSC_CNAME={configuration.pop('cname')}",
            f"BLOSC_SHUFFLE={BLOSC_SHUFFLES[configuration.pop('shuffle')]}",
            f"BLOSC_BLOCKSIZE={configuration.pop('blocksize', 0)}",
        ]
        configuration.pop("typesize", None)  # GDAL's blosc takes the type size from the array
    if method == "ZSTD" and configuration.pop("checksum", False) is not False:
        raise CannotRunError("GDAL's Zarr v2 zstd has no checksum option")
    if configuration:
        raise CannotRunError(f"GDAL's {method} has no option for {sorted(configuration)}")
    return options


def set_fill(array: Any, metadata: Mapping[str, Any]) -> None:
    """The fill value as GDAL's no-data value, set from the element's own bytes (``SetNoDataValueRaw``
    does not exist in the Python bindings, so by value, the same element)."""
    raw = fill_bytes(metadata)
    if raw is None:
        return
    name = metadata["data_type"]
    element = np.frombuffer(raw, dtype=numpy_type(name), count=1)[0]
    if name.startswith("complex"):
        raise CannotRunError("GDAL's no-data value of a complex array is its real part only")
    if name in ("int64", "uint64"):
        setter = array.SetNoDataValueInt64 if name == "int64" else array.SetNoDataValueUInt64
        library_call("write", lambda: setter(int(element)))
        return
    value = float(element)
    library_call("write", lambda: array.SetNoDataValueDouble(value))
    if math.isnan(value) and not math.isnan(array.GetNoDataValueAsDouble()):
        raise RefusedError("store", "GDAL did not keep the NaN fill value")


def numpy_type(name: str) -> np.dtype[Any]:
    """The little-endian NumPy type of a canonical numeric type name."""
    for family, code in (("uint", "u"), ("int", "i"), ("float", "f"), ("complex", "c")):
        bits = name.removeprefix(family)
        if bits != name and bits.isdigit():
            return np.dtype(f"<{code}{int(bits) // 8}")
    raise CannotRunError(f"GDAL creates no array of type {name}")


def set_attributes(node: Any, attributes: Mapping[str, Any]) -> None:
    """Each attribute as a GDAL attribute: a string or a number (not a bool) as a scalar attribute of
    that type (the bindings of GDAL 3.6 write numbers as doubles), anything else as a string attribute
    of the JSON subtype, which the Zarr driver writes as the JSON value it holds."""
    for key, value in attributes.items():
        if isinstance(value, str):
            kind, write = gdal.ExtendedDataType.CreateString(), "WriteString"
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**53:
            kind, write = gdal.ExtendedDataType.Create(gdal.GDT_Int64), "WriteDouble"  # exact below 2**53
        elif isinstance(value, float):
            kind, write = gdal.ExtendedDataType.Create(gdal.GDT_Float64), "WriteDouble"
        else:
            kind, write = gdal.ExtendedDataType.CreateString(0, gdal.GEDTST_JSON), "WriteString"
            value = json.dumps(value, ensure_ascii=False, allow_nan=False)
        attribute = library_call("write", lambda key=key, kind=kind: node.CreateAttribute(key, [], kind))
        setter = getattr(attribute, write)
        library_call("write", lambda setter=setter, value=value: setter(value))


def parent_group(root: Any, node: str) -> tuple[Any, str]:
    """The group that will hold ``node`` (its ancestors created as groups) and the node's own name."""
    *ancestors, name = node.split("/")
    group = root
    for ancestor in ancestors:
        group = library_call("write", lambda group=group, ancestor=ancestor: group.CreateGroup(ancestor))
    return group, name


def write_node(store: Path, node: str, metadata: Mapping[str, Any], values: Values | None) -> None:
    """Create a Zarr v2 store with GDAL (``CreateMultiDimensional`` with FORMAT=ZARR_V2) holding ``node``."""
    if not node:
        raise CannotRunError("GDAL's Zarr root is always a group: it writes no array at the root")
    data_type = metadata.get("data_type", "")
    if values is not None and data_type not in CREATE_TYPES:
        raise CannotRunError(f"GDAL 3.6 creates no array of type {data_type}")
    options = array_options(metadata) if values is not None else []  # before anything is written
    driver = gdal.GetDriverByName("Zarr")
    dataset = library_call("write", lambda: driver.CreateMultiDimensional(str(store), [], ["FORMAT=ZARR_V2"]))
    parent, name = parent_group(dataset.GetRootGroup(), node)
    if values is None:
        group = library_call("write", lambda: parent.CreateGroup(name))
        set_attributes(group, metadata.get("attributes", {}))
        return
    create_dimension = parent.CreateDimension
    dimensions = [
        library_call("write", lambda axis=axis, size=size: create_dimension(f"{name}_{axis}", "", "", size))
        for axis, size in enumerate(metadata["shape"])
    ]
    kind = gdal.ExtendedDataType.Create(CREATE_TYPES[data_type])
    array = library_call("write", lambda: parent.CreateMDArray(name, dimensions, kind, options))
    set_fill(array, metadata)
    set_attributes(array, metadata.get("attributes", {}))
    elements = np.frombuffer(values.raw, dtype=numpy_type(data_type)).reshape(values.shape)
    if elements.size:
        library_call("write", lambda: array.Write(elements))
    # GDAL writes the metadata when its objects close: when this function returns and drops them


# --- the adapter -------------------------------------------------------------------------------------


class GdalAdapter(Adapter):
    """GDAL's Zarr driver: Zarr v2, read and write, through the multidimensional API."""

    name, language = "gdal", "c++"
    version = gdal.__version__
    homepage = "https://gdal.org/drivers/raster/zarr.html"
    capabilities = (
        "format:zarr2",
        "op:read",
        "op:write",
        *(f"dtype:{name}" for name in READ_TYPES),
        *(f"codec:{name}" for name in READ_CODECS),
        "chunk-key:v2-dot",
        "chunk-key:v2-slash",
        "feature:zero-dimensional",
        "feature:undefined-fill",
        "feature:implicit-group",
        "feature:known-deviations",
        "store:http",
    )

    def open(self, store: Path, node: str, format: str) -> Any:
        """The node's folder opened by GDAL (an array's own folder, so no root group metadata is needed)."""
        url = self.store_url(store)  # over HTTP: GDAL's own HTTP file system, /vsicurl/ (PROTO-022)
        return open_node(str(store) if url is None else f"/vsicurl/{url}", node)

    def read(self, array: Any, selection: Selection) -> Values:
        """The values of ``selection``, read with ``MDArray.ReadAsArray``."""
        _, node = array
        if not hasattr(node, "ReadAsArray"):
            raise RefusedError("not-found", "GDAL opened a group there, not an array")
        return read_values(node, selection)

    def write(
        self, store: Path, format: str, node: str, metadata: Mapping[str, Any], values: Values | None
    ) -> None:
        """Create the node with GDAL's multidimensional API, then write every element."""
        write_node(store, node, metadata, values)


if __name__ == "__main__":
    gdal.UseExceptions()
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")  # no .aux.xml beside the stores it opens
    sys.exit(serve(GdalAdapter()))

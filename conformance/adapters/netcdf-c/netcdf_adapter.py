"""The netCDF-C adapter: Zarr v2 through NCZarr, the Zarr support of the netCDF-C library, driven by its
Python binding netCDF4-python (``netCDF4.Dataset("file://<store>#mode=zarr,file")``).

It runs under Debian's own ``/usr/bin/python3`` with Debian's ``python3-netcdf4`` (1.6.2 on libnetcdf
4.9.0), which ``ci.sh`` installs. The protocol glue is the project's Python adapter kit
(``../kits/python/zn5_adapter_kit.py``, standard library only), imported from its place in the repository.

What it converts, and nothing else: a node path to the netCDF group or variable of that path; a selection
to netCDF4-python's indexing (integers, slices with steps); a canonical array description to the
arguments of ``createVariable`` (netCDF types, ``chunksizes``, ``fill_value`` (``False``, netCDF's
no-fill, for an undefined fill), ``endian``, and the ``compression``/``complevel``/``blosc_shuffle`` that
netCDF4-python offers for the codecs NCZarr maps to Zarr v2 compressors: ``zlib``, ``bz2``, ``zstd``,
``blosc``); JSON attributes to netCDF attributes and back; the library's exceptions to error categories.
Stores are written in pure Zarr mode without the xarray dimension names (``mode=zarr,noxarray,file``).

What netCDF-C has no API for is not made up here: netCDF4-python 1.6.2 exposes neither a variable's chunk
key separator, nor its Zarr fill value (NCZarr shows no ``_FillValue`` attribute for it), nor its memory
order, so an array's metadata case is skipped with that reason; group metadata is described. NCZarr has no
way to choose the chunk key separator of one variable, so a write asking for ``/`` is skipped.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:  # the project's type checker sees the kit as part of zn5
    from zn5.conformance.adapters.kits.python import zn5_adapter_kit as kit
else:  # Debian's python3 has no zn5: the kit is imported from its folder in the repository
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "kits" / "python"))
    import zn5_adapter_kit as kit

# netCDF4 is imported by name: it is Debian's python3-netcdf4, not part of the project's environment.
netcdf4: Any = importlib.import_module("netCDF4")

READ_MODE = "zarr,file"
WRITE_MODE = "zarr,noxarray,file"
"""Pure Zarr without ``_ARRAY_DIMENSIONS``. The order of the words matters: NCZarr 4.9.0 loops for ever
(``nccopy`` and ``Dataset(..., "w")`` alike) on ``mode=zarr,file,noxarray``."""
TYPES = ("int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64")
"""The netCDF-4 atomic numeric types (NC_BYTE … NC_DOUBLE) that NCZarr maps to Zarr v2 dtypes."""
COMPRESSIONS = {"numcodecs.zlib": "zlib", "numcodecs.bz2": "bzip2", "zstd": "zstd", "blosc": "blosc"}
"""Canonical codec -> the ``compression`` of netCDF4-python's createVariable (NCZarr's Zarr compressor ids
zlib, bz2, zstd and blosc, all through HDF5 filter plugins)."""
BLOSC_NAMES = {"blosclz": "blosc_lz", "lz4": "blosc_lz4", "lz4hc": "blosc_lz4hc", "zlib": "blosc_zlib"}
BLOSC_SHUFFLES = ("noshuffle", "shuffle", "bitshuffle")


def url(store: Path, mode: str) -> str:
    """The NCZarr URL of a store folder."""
    return f"file://{store.resolve()}#mode={mode}"


def numpy_type(name: str) -> np.dtype[Any]:
    """The little-endian NumPy type of a canonical numeric type name."""
    if name not in TYPES:
        raise kit.RefusedError("unsupported", f"netCDF-C has no data type {name}")
    return np.dtype(name).newbyteorder("<")


def canonical_type(dtype: np.dtype[Any]) -> str:
    """The canonical name of a NumPy numeric type."""
    kinds = {"i": "int", "u": "uint", "f": "float"}
    if dtype.kind not in kinds:
        raise kit.RefusedError("unsupported", f"netCDF4-python returned {dtype}, no canonical numeric type")
    return f"{kinds[dtype.kind]}{8 * dtype.itemsize}"


def category(error: BaseException, phase: str) -> str:
    """The error category of an exception netCDF-C (through netCDF4-python) raised in ``phase``."""
    if isinstance(error, KeyError | FileNotFoundError | IndexError) and phase == "open":
        return "not-found"
    return {"open": "metadata", "read": "chunk"}.get(phase, "store")


# --- attributes --------------------------------------------------------------------------------------


def attribute_value(value: Any) -> Any:
    """A JSON value of a netCDF attribute as netCDF4-python returns it (NumPy scalars and arrays, str)."""
    if isinstance(value, np.ndarray):
        return [attribute_value(item) for item in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def attributes(node: Any) -> dict[str, Any]:
    """The attributes of a netCDF group or variable, as the library shows them."""
    return {name: attribute_value(node.getncattr(name)) for name in node.ncattrs()}


def set_attributes(node: Any, document: Mapping[str, Any]) -> None:
    """Hand the JSON attributes of a canonical description to ``setncattr`` as they are; netCDF4-python
    refuses the values it has no netCDF type for (objects, null, booleans) with TypeError. netCDF's
    attribute model has no such values, so the case cannot be run (skipped), not refused."""
    for name, value in document.items():
        try:
            node.setncattr(name, value)
        except TypeError as error:
            reason = f"netCDF has no attribute type for {name!r}: {value!r} ({error})"
            raise kit.CannotRunError(reason) from error


# --- writing -----------------------------------------------------------------------------------------


def compression(codecs: Sequence[Mapping[str, Any]], itemsize: int) -> dict[str, Any]:
    """The createVariable arguments of the codecs after ``bytes``: one compressor or none."""
    if not codecs:
        return {}
    if len(codecs) > 1 or codecs[0]["name"] not in COMPRESSIONS:
        names = ", ".join(codec["name"] for codec in codecs)
        raise kit.RefusedError("unsupported", f"netCDF-C takes one compressor after bytes, not {names}")
    name, configuration = codecs[0]["name"], codecs[0].get("configuration", {})
    if name != "blosc":
        return {"compression": COMPRESSIONS[name], "complevel": configuration.get("level", 1)}
    if configuration.get("typesize", itemsize) != itemsize or configuration.get("blocksize", 0) != 0:
        raise kit.RefusedError("unsupported", "netCDF4-python sets no blosc typesize or blocksize of its own")
    cname = configuration["cname"]
    return {
        "compression": BLOSC_NAMES.get(cname, f"blosc_{cname}"),
        "complevel": configuration["clevel"],
        "blosc_shuffle": BLOSC_SHUFFLES.index(configuration["shuffle"]),
    }


def variable_arguments(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """createVariable's keyword arguments for a canonical array description."""
    codecs = list(metadata["codecs"])
    names = [codec["name"] for codec in codecs]
    if "bytes" not in names or names.index("bytes") != 0:
        raise kit.RefusedError("unsupported", f"netCDF-C writes C-order arrays without filters, not {names}")
    dtype = numpy_type(metadata["data_type"])
    endian = codecs[0].get("configuration", {}).get("endian", "little")
    fill = kit.fill_bytes(metadata)
    arguments: dict[str, Any] = {
        "endian": endian if dtype.itemsize > 1 else "native",
        # fill_value=False is netCDF's NC_NOFILL, which NCZarr writes as "fill_value": null
        "fill_value": False if fill is None else np.frombuffer(fill, dtype=dtype, count=1)[0],
        **compression(codecs[1:], dtype.itemsize),
    }
    if metadata["shape"]:
        arguments["chunksizes"] = tuple(metadata["chunk_grid"]["chunk_shape"])
    return arguments


def parent_group(dataset: Any, node: str) -> tuple[Any, str]:
    """The netCDF group that holds ``node`` (its ancestors created) and the node's own name."""
    *ancestors, name = node.split("/")
    group = dataset
    for ancestor in ancestors:
        group = group.groups[ancestor] if ancestor in group.groups else group.createGroup(ancestor)
    return group, name


def write_array(group: Any, name: str, metadata: Mapping[str, Any], values: np.ndarray[Any, Any]) -> None:
    """createVariable with one new dimension per axis (length 0 is netCDF's unlimited), then every
    element."""
    dimensions = []
    for axis, length in enumerate(metadata["shape"]):
        dimension = f"{name}_{axis}"
        group.createDimension(dimension, length or None)
        dimensions.append(dimension)
    dtype = numpy_type(metadata["data_type"])
    variable = group.createVariable(name, dtype, tuple(dimensions), **variable_arguments(metadata))
    variable.set_auto_maskandscale(False)
    set_attributes(variable, metadata.get("attributes", {}))
    if values.size:
        variable[...] = values


# --- the adapter -------------------------------------------------------------------------------------


class Opened:
    """A node of an open NCZarr dataset; the dataset is closed once the node has been read or described."""

    def __init__(self, dataset: Any, node: Any) -> None:
        self.dataset, self.node = dataset, node

    def close(self) -> None:
        """Close the dataset (the library's file handle)."""
        self.dataset.close()


class NetcdfAdapter(kit.Adapter):
    """netCDF-C's NCZarr through netCDF4-python: Zarr v2, read, write, group metadata."""

    name, language = "netcdf-c", "c"
    version = netcdf4.__netcdf4libversion__
    homepage = "https://github.com/Unidata/netcdf-c"
    capabilities = (
        "format:zarr2",
        "op:read",
        "op:metadata",
        "op:write",
        *(f"dtype:{name}" for name in TYPES),
        "codec:bytes",
        *(f"codec:{name}" for name in COMPRESSIONS),
        "chunk-key:v2-dot",
        "chunk-key:v2-slash",
        "feature:zero-dimensional",
        "feature:empty-axis",
        "feature:undefined-fill",
        "feature:known-deviations",
    )
    library_errors: ClassVar[tuple[type[BaseException], ...]] = (
        OSError,
        RuntimeError,
        ValueError,
        KeyError,
        IndexError,
    )

    def category(self, error: BaseException, phase: str) -> str:
        """The error category of a netCDF-C error raised in ``phase``."""
        return category(error, phase)

    def open(self, store: Path, node: str, format: str) -> Opened:
        """The group or variable at ``node`` of the store, opened read-only in pure Zarr mode."""
        dataset = netcdf4.Dataset(url(store, READ_MODE), "r")
        try:
            found = dataset[node] if node else dataset
        except BaseException:
            dataset.close()
            raise
        return Opened(dataset, found)

    def read(self, array: Opened, selection: kit.Selection) -> kit.Values:
        """The values of ``selection``, read with netCDF4-python's indexing (fill and scale not applied)."""
        try:
            variable = array.node
            if not isinstance(variable, netcdf4.Variable):
                raise kit.RefusedError("not-found", f"{variable.path} is a netCDF group, not a variable")
            variable.set_auto_maskandscale(False)
            values = np.asarray(variable[kit.selection_key(selection)])
        finally:
            array.close()
        little = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("<"))
        return kit.Values(little.tobytes(), canonical_type(values.dtype), values.shape)

    def describe(self, node: Opened, format: str) -> dict[str, Any]:
        """The canonical description of a netCDF group; an array's metadata case is skipped."""
        try:
            if isinstance(node.node, netcdf4.Variable):
                raise kit.CannotRunError(
                    "netCDF4-python 1.6.2 exposes no chunk key separator, no Zarr fill value and no memory "
                    "order of a variable: its array description cannot be had from the library"
                )
            return {"node_type": "group", "attributes": attributes(node.node)}
        finally:
            node.close()

    def write(
        self, store: Path, format: str, node: str, metadata: Mapping[str, Any], values: kit.Values | None
    ) -> None:
        """Create the node in a new pure Zarr dataset, then write every element."""
        if metadata.get("chunk_key_encoding", {}).get("separator", ".") != ".":
            raise kit.CannotRunError("NCZarr has no per-variable choice of the chunk key separator")
        dataset = netcdf4.Dataset(url(store, WRITE_MODE), "w")
        try:
            if values is None:
                group = parent_group(dataset, node)[0].createGroup(node.split("/")[-1]) if node else dataset
                set_attributes(group, metadata.get("attributes", {}))
            else:
                group, name = parent_group(dataset, node)
                array = np.frombuffer(values.raw, dtype=numpy_type(values.data_type)).reshape(values.shape)
                write_array(group, name, metadata, array)
        finally:
            dataset.close()


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    sys.exit(kit.serve(NetcdfAdapter()))

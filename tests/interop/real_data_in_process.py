"""The stores of the real-data collection that zarr-python 3 and xarray write in this process
(test_real_data.py): zarr-python 3 arrays, groups and layouts and xarray datasets, each read back by the
library that wrote it."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numcodecs
import numpy as np
import xarray as xr
import zarr
import zarr.codecs
import zarr.codecs.numcodecs as zarr_numcodecs
import zarr.dtype

from .real_data_trees import Tree, zarr_tree
from .real_data_values import CHUNKS, sample


@dataclass(frozen=True)
class InProcess:
    """A store zarr-python 3 or xarray writes in this process: ``write(root)`` writes it (a zip file
    when ``suffix`` is ``".zip"``); the same library reads it back."""

    library: Literal["zarr-python-3", "xarray"]
    write: Callable[[Path], None]
    suffix: str = ""


def zarr3(
    kind: str, *, written: tuple[slice, ...] = (slice(None),), zarr_format: Literal[2, 3] = 3, **options: Any
) -> InProcess:
    """zarr-python 3 creates one array (``zarr.create_array``) with ``options`` and writes the sample
    of ``kind`` into the region ``written``; the rest stays missing (read as the fill value)."""

    def write(root: Path) -> None:
        data = sample(kind)
        settings = {"dtype": data.dtype, "chunks": CHUNKS, **options}
        array = zarr.create_array(root, shape=data.shape, zarr_format=zarr_format, **settings)
        array[written] = data[written]

    return InProcess("zarr-python-3", write)


def zarr3_read(root: Path) -> Tree:
    """What zarr-python 3 reads back: every node, consolidated metadata used where there is some."""
    store = zarr.storage.ZipStore(root, mode="r") if root.suffix == ".zip" else root
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numcodecs codecs are not in the Zarr version 3 specification"
        return dict(zarr_tree(zarr.open(store, mode="r")))


def xarray_read(root: Path) -> Tree:
    """What xarray reads back, undecoded (no CF decoding, no masking): the variables' values, with the
    nodes and attributes zarr-python 3 (which xarray reads through) sees."""
    tree = zarr3_read(root)
    groups = [path for path, node in tree.items() if node.kind == "group"]
    for group in groups:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Failed to open Zarr store with consolidated metadata"
            dataset = xr.open_zarr(root, group=group, decode_cf=False, chunks=None, consolidated=None)
        with dataset:
            for name, variable in dataset.variables.items():
                path = f"{group}/{name}".lstrip("/")
                tree[path] = replace(tree[path], values=np.asarray(variable.values))
    return tree


def numcodec(name: str, **configuration: Any) -> Any:
    """The numcodecs codec ``name`` in Zarr v3 (zarr.codecs.numcodecs), made without zarr-python's
    warning that it is not in the Zarr v3 specification."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(zarr_numcodecs, name)(**configuration)


FIRST_ROW = (slice(0, 5),)
"""The first row of chunks: the rest stays missing."""
SHARDS = (10, 12)

ZARR3_ARRAYS: dict[str, InProcess] = {
    "zarr3-float32-default": zarr3("<f4", written=FIRST_ROW),
    "zarr3-int16-fill-7": zarr3("<i2", written=FIRST_ROW, fill_value=7),
    "zarr3-float64-nan-fill": zarr3("<f8", written=FIRST_ROW, fill_value=np.nan),
    "zarr3-uint8-sharded": zarr3("|u1", shards=SHARDS),
    "zarr3-float32-sharded-missing": zarr3("<f4", written=FIRST_ROW, shards=SHARDS),
    "zarr3-string": zarr3("str", written=FIRST_ROW, dtype=str),
    "zarr3-string-sharded": zarr3("str", dtype=str, shards=SHARDS),
    "zarr3-variable-length-bytes": zarr3("bytes", written=FIRST_ROW, dtype=zarr.dtype.VariableLengthBytes()),
    "zarr3-fixed-length-utf32": zarr3("<U6", written=FIRST_ROW),
    "zarr3-fixed-bytes": zarr3("|S6", written=FIRST_ROW),
    "zarr3-datetime64-nat-fill": zarr3("<M8[ns]", written=FIRST_ROW, fill_value=np.datetime64("NaT")),
    "zarr3-timedelta64": zarr3("<m8[s]"),
    "zarr3-bool": zarr3("|b1", written=FIRST_ROW),
    "zarr3-complex64": zarr3("<c8"),
    "zarr3-float16": zarr3("<f2"),
    "zarr3-int8": zarr3("|i1", written=FIRST_ROW, fill_value=-1),
    "zarr3-uint64": zarr3("<u8"),
    "zarr3-uint64-max-fill": zarr3("<u8", written=FIRST_ROW, fill_value=2**64 - 1),
    "zarr3-complex128-nan-infinity-fill": zarr3(
        "<c16", written=FIRST_ROW, fill_value=complex(np.nan, np.inf)
    ),
    "zarr3-datetime64-ten-seconds": zarr3("<M8[10s]", written=FIRST_ROW),
    "zarr3-big-endian": zarr3("<i4", serializer=zarr.codecs.BytesCodec(endian="big")),
    "zarr3-gzip": zarr3("<f8", compressors=zarr.codecs.GzipCodec()),
    "zarr3-blosc": zarr3("<i4", compressors=zarr.codecs.BloscCodec()),
    "zarr3-blosc-zstd-bitshuffle": zarr3(
        "<f8", compressors=zarr.codecs.BloscCodec(cname="zstd", shuffle="bitshuffle", typesize=8)
    ),
    "zarr3-zstd-checksum": zarr3("<i4", compressors=zarr.codecs.ZstdCodec(level=3, checksum=True)),
    "zarr3-uncompressed": zarr3("<u2", written=FIRST_ROW, compressors=None),
    "zarr3-crc32c": zarr3("<i2", compressors=[zarr.codecs.ZstdCodec(), zarr.codecs.Crc32cCodec()]),
    "zarr3-transpose": zarr3("<i4", filters=[zarr.codecs.TransposeCodec(order=(1, 0))]),
    "zarr3-chunk-key-encoding-v2": zarr3("<f4", chunk_key_encoding={"name": "v2", "separator": "."}),
    "zarr3-chunk-key-encoding-dot": zarr3("<i2", chunk_key_encoding={"name": "default", "separator": "."}),
    "zarr3-dimension-names": zarr3("<f4", dimension_names=["y", "x"], attributes={"units": "m"}),
    "zarr3-numcodecs-delta-zlib": zarr3(
        "<i4", filters=[numcodec("Delta", dtype="<i4")], compressors=[numcodec("Zlib", level=1)]
    ),
    "zarr3-numcodecs-fixedscaleoffset": zarr3(
        "<f8", filters=[numcodec("FixedScaleOffset", offset=-20, scale=10, dtype="<f8", astype="<u2")]
    ),
    "zarr3-numcodecs-bitround": zarr3("<f4", filters=[numcodec("BitRound", keepbits=8)]),
    "zarr3-numcodecs-quantize": zarr3("<f8", filters=[numcodec("Quantize", digits=2, dtype="<f8")]),
    "zarr3-numcodecs-blosc": zarr3("<f4", compressors=[numcodec("Blosc", cname="zstd")]),
    "zarr3-numcodecs-shuffle-lz4": zarr3(
        "<i4", compressors=[numcodec("Shuffle", elementsize=4), numcodec("LZ4")]
    ),
    "zarr3-numcodecs-fletcher32": zarr3("<i2", compressors=[zarr.codecs.ZstdCodec(), numcodec("Fletcher32")]),
    "zarr3-numcodecs-crc32": zarr3("<u4", compressors=[numcodec("CRC32")]),
    "zarr3-v2-default": zarr3("<i4", written=FIRST_ROW, zarr_format=2),
    "zarr3-v2-string": zarr3("str", written=FIRST_ROW, zarr_format=2, dtype=str),
    "zarr3-v2-bytes": zarr3("bytes", zarr_format=2, dtype=zarr.dtype.VariableLengthBytes()),
    "zarr3-v2-fixed-unicode": zarr3("<U6", written=FIRST_ROW, zarr_format=2),
    "zarr3-v2-datetime64-nat-fill": zarr3(
        "<M8[s]", written=FIRST_ROW, zarr_format=2, fill_value=np.datetime64("NaT")
    ),
    "zarr3-v2-numcodecs-delta-blosc": zarr3(
        "<i4", zarr_format=2, filters=[numcodecs.Delta(dtype="<i4")], compressors=numcodecs.Blosc()
    ),
    "zarr3-v2-order-f": zarr3("<f8", written=FIRST_ROW, zarr_format=2, order="F"),
    "zarr3-v2-fill-value-none": zarr3("<i4", zarr_format=2, fill_value=None),
    "zarr3-v2-fixed-bytes": zarr3("|S6", written=FIRST_ROW, zarr_format=2),
    "zarr3-v2-complex128-nan-fill": zarr3("<c16", written=FIRST_ROW, zarr_format=2, fill_value=np.nan),
    "zarr3-sharded-gzip": zarr3("<f8", written=FIRST_ROW, shards=SHARDS, compressors=zarr.codecs.GzipCodec()),
    "zarr3-sharded-big-endian": zarr3("<i2", shards=SHARDS, serializer=zarr.codecs.BytesCodec(endian="big")),
}
"""zarr-python 3 arrays: its defaults in both formats, sharding, its string, bytes and time types, and
numcodecs codecs in Zarr v3 (zarr.codecs.numcodecs) and Zarr v2."""


def zarr3_group(zarr_format: Literal[2, 3], *, consolidated: bool) -> InProcess:
    """zarr-python 3 writes nested groups with attributes (NaN and infinity among them) and arrays."""

    def write(root: Path) -> None:
        group = zarr.open_group(root, mode="w", zarr_format=zarr_format)
        group.attrs.update({"title": "Zürich", "missing": float("nan"), "big": float("inf"), "n": [1, None]})
        sub = group.create_group("a").create_group("b", attributes={"level": 2})
        values = sample("<f8")
        array = sub.create_array("c", shape=values.shape, chunks=CHUNKS, dtype=values.dtype)
        array[...] = values
        array.attrs["scale_factor"] = float("nan")
        group.create_array("d", shape=(4,), dtype="i1", fill_value=3)
        group.create_group("empty")
        if consolidated:
            zarr.consolidate_metadata(root)

    return InProcess("zarr-python-3", write)


def weather() -> xr.Dataset:
    """A dataset as people keep one: object and fixed-width string coordinates, a datetime coordinate,
    float data with a NaN, a datetime variable with NaT, a timedelta variable, a float variable to pack
    into integers."""
    station = np.array(["Zürich", "", "São Paulo", "a\x00b"], dtype=object)
    time = np.datetime64("2021-01-01T00", "ns") + np.arange(6) * np.timedelta64(6, "h")
    temperature = np.arange(24, dtype="<f4").reshape(4, 6) / 4 - 2
    temperature[1, 2] = np.nan
    seen = np.array(["2020-05-01T12:00", "NaT", "2021-01-01", "1999-12-31"], dtype="M8[ns]")
    duration = np.array([3600, 60, -1, 0], dtype="m8[s]").astype("m8[ns]")
    return xr.Dataset(
        {
            "temperature": (("station", "time"), temperature, {"units": "degC"}),
            "pressure": (("time",), np.linspace(990.0, 1010.0, 6)),
            "last_seen": (("station",), seen),
            "duration": (("station",), duration),
        },
        coords={"station": station, "time": time, "code": ("station", np.array(["ZRH", "", "GRU", "x"]))},
        attrs={"title": "real data", "history": "written by xarray"},
    )


def xarray_dataset(
    zarr_format: Literal[2, 3],
    *,
    encoded: bool = True,
    temperature: dict[str, Any] | None = None,
    append: bool = False,
    dask: bool = False,
    **to_zarr: Any,
) -> InProcess:
    """xarray writes :func:`weather` with its defaults, or ``encoded``: float data with ``_FillValue``
    NaN and chunks (and the encoding ``temperature``), integer packing with ``scale_factor``, time in
    hours; ``to_zarr`` options as given; ``append`` writes it in two parts along time; ``dask`` writes
    it from dask chunks (of 3 times), in parallel."""

    def write(root: Path) -> None:
        dataset = weather().chunk({"time": 3}) if dask else weather()
        encoding: dict[str, dict[str, Any]] = {}
        if encoded:
            encoding = {
                "temperature": {"chunks": (2, 3), "_FillValue": np.nan, **(temperature or {})},
                "pressure": {"dtype": "int16", "scale_factor": 0.1, "_FillValue": -9999},
                "time": {"units": "hours since 2021-01-01", "dtype": "int64"},
            }
        if append:
            dataset.isel(time=slice(0, 3)).to_zarr(
                root, zarr_format=zarr_format, encoding=encoding, **to_zarr
            )
            dataset.isel(time=slice(3, 6)).to_zarr(root, append_dim="time", **to_zarr)
        else:
            dataset.to_zarr(root, zarr_format=zarr_format, encoding=encoding, **to_zarr)

    return InProcess("xarray", write)


def xarray_tree(zarr_format: Literal[2, 3]) -> InProcess:
    """xarray writes a DataTree: the dataset at the root, a part of it in a group, and a subgroup."""

    def write(root: Path) -> None:
        dataset = weather()
        raw = xr.Dataset({"counts": ("sample", np.arange(5, dtype="<u2"), {"units": "1"})})
        parts = {"/": dataset, "/obs": dataset[["temperature"]], "/obs/raw": raw}
        xr.DataTree.from_dict(parts).to_zarr(root, zarr_format=zarr_format)

    return InProcess("xarray", write)


def xarray_groups(zarr_format: Literal[2, 3]) -> InProcess:
    """xarray writes two datasets into groups of one store (``group=``, appending to the store)."""

    def write(root: Path) -> None:
        weather().to_zarr(root, group="surface/stations", zarr_format=zarr_format)
        weather()[["pressure"]].to_zarr(root, group="upper", mode="a", zarr_format=zarr_format)

    return InProcess("xarray", write)


def zarr3_zip(root: Path) -> None:
    """zarr-python 3 writes a group with an array into a zip file."""
    with zarr.storage.ZipStore(root, mode="w") as store:
        group = zarr.open_group(store, mode="w", attributes={"zipped": True})
        values = sample("<i4")
        group.create_array("x", shape=values.shape, chunks=CHUNKS, dtype=values.dtype)[...] = values


def zarr3_legacy(root: Path) -> None:
    """zarr-python 3's zarr.create (the zarr-python 2 signature) with a numcodecs compressor, Zarr v2."""
    values = sample("<f8")
    array = zarr.create(
        values.shape,
        chunks=CHUNKS,
        dtype=values.dtype,
        compressor=numcodecs.Blosc(),
        store=root,
        zarr_format=2,
        fill_value=np.nan,
    )
    array[:5] = values[:5]


ZARR3_LAYOUTS: dict[str, InProcess] = {
    "zarr3-zip-store": InProcess("zarr-python-3", zarr3_zip, suffix=".zip"),
    "zarr3-v2-legacy-create": InProcess("zarr-python-3", zarr3_legacy),
    "zarr3-structured": zarr3("<i4", dtype=[("x", "<i4"), ("y", "<f8")]),
    "zarr3-infinity-fill": zarr3("<f4", written=FIRST_ROW, fill_value=-np.inf),
    "zarr3-group-attributes": zarr3_group(3, consolidated=False),
    "zarr3-consolidated": zarr3_group(3, consolidated=True),
    "zarr3-v2-consolidated": zarr3_group(2, consolidated=True),
}
"""zarr-python 3 beyond one array: zip files, its zarr-python 2 signature, structured records, an
infinite fill value, groups with attributes, consolidated metadata."""

XARRAY_STORES: dict[str, InProcess] = {
    "xarray-zarr2-consolidated": xarray_dataset(2, consolidated=True),
    "xarray-zarr3-consolidated": xarray_dataset(3, consolidated=True),
    "xarray-zarr2-unconsolidated": xarray_dataset(2, consolidated=False),
    "xarray-zarr3-unconsolidated": xarray_dataset(3, consolidated=False),
    "xarray-zarr3-sharded": xarray_dataset(3, consolidated=True, temperature={"shards": (4, 6)}),
    "xarray-zarr2-blosc-zstd": xarray_dataset(
        2, consolidated=True, temperature={"compressors": [numcodecs.Blosc(cname="zstd")]}
    ),
    "xarray-zarr2-appended": xarray_dataset(2, consolidated=True, append=True),
    "xarray-zarr3-appended": xarray_dataset(3, consolidated=True, append=True),
    "xarray-zarr2-defaults": xarray_dataset(2, encoded=False),
    "xarray-zarr2-dask": xarray_dataset(2, encoded=False, dask=True),
    "xarray-zarr3-dask": xarray_dataset(3, dask=True),
    "xarray-zarr3-defaults": xarray_dataset(3, encoded=False),
    "xarray-zarr2-groups": xarray_groups(2),
    "xarray-zarr3-groups": xarray_groups(3),
    "xarray-zarr2-datatree": xarray_tree(2),
    "xarray-zarr3-datatree": xarray_tree(3),
}
"""xarray's Dataset.to_zarr in both formats: its defaults, consolidated or not, chunks, shards and a
compressor through encoding, a dataset appended along time, datasets in groups, and a DataTree."""

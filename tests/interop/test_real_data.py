"""A collection of stores as people really write them, read by the reference value for value (issue #13).

Each store of :data:`STORES` is written by a real library with its defaults and the options people
commonly use: zarr-python 2.18.7 (numcodecs 0.15.2, in the virtual environment of its adapter, all its
stores in one process, from the table ``real_data_zarr2.toml``), zarr-python 3.1.6 and xarray
(numcodecs 0.16.6, in this process). The writing library reads each store back; the reference must open
every node the library sees, with the same attributes, and read every array value for value (NaN
equals NaN, NaT equals NaT, object arrays element by element). ``zn5 validate --chunks --json`` (the
command's own entry point, in one process for all the stores) must find no error in any of them: what
real writers break is reported as deviations or warnings, never as errors.

Stores the reference refuses on purpose are listed in :data:`REFUSALS` with the requirement that says
so, and are checked to be refused, not silently read. Where the reference and a library disagree about a
valid store, the case is a strict xfail naming the library, its version and the difference
(:data:`DISAGREEMENTS`); the last test counts the stores read and asserts at least 99% of them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numcodecs
import numpy as np
import pytest
import xarray as xr
import zarr
import zarr.codecs
import zarr.codecs.numcodecs as zarr_numcodecs
import zarr.dtype

import zn5.reference as zn5

pytestmark = pytest.mark.interop

Array = np.ndarray[Any, Any]
SHAPE, CHUNKS = (13, 17), (5, 6)
"""Every chunk grid has edge chunks on both axes."""
TEXTS = ("", "a", "Zürich", "äβ€😀", "a\x00b", "line\nbreak", "x" * 40)
LABELS = ("female", "male", "unknown")


def strings(count: int) -> list[str]:
    """Strings of every kind (empty, non-ASCII, emoji, NUL, newline, long), each made unique."""
    return [f"{TEXTS[i % len(TEXTS)]}{i}" for i in range(count)]


def json_values(count: int) -> list[Any]:
    """JSON values of every kind: objects, arrays, text, numbers, booleans and null."""
    pool: list[Any] = [{"a": [1, None]}, "text", 2.5, None, [[1], [2]], {"b": {"c": True}}, -7, False]
    return [pool[i % len(pool)] for i in range(count)]


def objects(elements: list[Any]) -> Array:
    """An object array of ``SHAPE`` holding ``elements`` as they are (arrays, lists, dicts included)."""
    out = np.empty(len(elements), dtype=object)
    for index, element in enumerate(elements):
        out[index] = element
    return out.reshape(SHAPE)


def numbers(dtype: np.dtype[Any]) -> Array:
    """Values of ``dtype`` spread over its range, a different one in (nearly) every element."""
    count = int(np.prod(SHAPE))
    steps: Array = (np.arange(count) * 37) % 251
    if dtype.kind == "b":
        flags: Array = steps % 3 == 0
        return flags.reshape(SHAPE)
    if dtype.kind in "iu":
        low = 125 if dtype.kind == "i" else 0
        return ((steps - low) * (np.iinfo(dtype).max // 251)).astype(dtype).reshape(SHAPE)
    if dtype.kind in "fc":
        real = np.arange(count) * 0.37 - 20.0
        return (real + (1j * real[::-1] if dtype.kind == "c" else 0)).astype(dtype).reshape(SHAPE)
    if dtype.kind in "mM":  # units since the epoch
        return (np.arange(count) * 3601 - 100).astype(dtype).reshape(SHAPE)
    if dtype.kind == "U":
        return np.array([text[: dtype.itemsize // 4] for text in strings(count)], dtype=dtype).reshape(SHAPE)
    if dtype.kind == "S":
        return np.array([text.encode()[: dtype.itemsize] for text in strings(count)], dtype=dtype).reshape(
            SHAPE
        )
    raise ValueError(f"no sample values for {dtype}")


def sample(kind: str) -> Array:
    """The values a store holds: of a NumPy type (``"<i4"``, ``"M8[ns]"``), or of an object kind
    (``str``, ``bytes``, ``ragged`` int32 arrays, ``json`` values, ``label`` texts)."""
    count = int(np.prod(SHAPE))
    if kind == "str":
        return objects(strings(count))
    if kind == "bytes":
        return objects([text.encode() for text in strings(count)])
    if kind == "ragged":
        return objects([np.arange(i % 5, dtype="<i4") - i for i in range(count)])
    if kind == "json":
        return objects(json_values(count))
    if kind == "label":
        return objects([LABELS[i % 4] if i % 4 < 3 else LABELS[0] for i in range(count)])
    return numbers(np.dtype(kind))


# --- The library's view of a store ------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One node as a reader sees it: array or group, its attributes (as JSON text, so that NaN equals
    NaN), and an array's values."""

    kind: Literal["array", "group"]
    attributes: str
    values: Array | None = None


Tree = dict[str, Node]
"""Every node of a store by its path ("" is the root)."""


def attributes_text(attributes: Any) -> str:
    """Attributes as sorted JSON text; NaN and infinities as JavaScript names, equal when equal."""
    return json.dumps(dict(attributes), sort_keys=True, allow_nan=True)


def zarr_tree(node: Any, path: str = "") -> Iterator[tuple[str, Node]]:
    """What zarr-python 3 reads: every node under ``node``, arrays read whole."""
    if isinstance(node, zarr.Array):
        yield path, Node("array", attributes_text(node.attrs), np.asarray(node[...]))
        return
    yield path, Node("group", attributes_text(node.attrs))
    for name, child in sorted(node.members()):
        yield from zarr_tree(child, f"{path}/{name}".lstrip("/"))


def reference_tree(node: zn5.Array | zn5.Group, path: str = "") -> Iterator[tuple[str, Node]]:
    """What the reference reads: every node under ``node``, arrays read whole; an N5 dataset's axes
    reversed, into the C-order view zarr-python 2 gives of it (N5-AXIS-001, N5-AXIS-004)."""
    if isinstance(node, zn5.Array):
        values = np.asarray(node[...])
        yield path, Node("array", attributes_text(node.attrs), values.T if node.format == "n5" else values)
        return
    yield path, Node("group", attributes_text(node.attrs))
    for name, child in node.members():
        yield from reference_tree(child, f"{path}/{name}".lstrip("/"))


def read_with_reference(root: Path) -> Tree:
    """The whole store as the reference reads it; the deviations it tolerates warn, and are let be."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        node = zn5.open(root)
        return dict(reference_tree(node))


# --- Value for value ---------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """An element as comparable Python data: arrays as (type, list), NumPy scalars as Python ones, NaN
    as a marker that equals itself."""
    if isinstance(value, np.ndarray):
        return (value.dtype.str, [plain(v) for v in value.tolist()])
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, dict):
        return {key: plain(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float) and value != value:
        return "NaN"
    return value


def difference(read: Array, expected: Array) -> str | None:
    """How the reference's values differ from the library's, or None when they are the same."""
    if read.shape != expected.shape:
        return f"shape {read.shape} != {expected.shape}"
    if expected.dtype.kind in "mMfcbiu" and read.dtype.kind in "mMfcbiu":
        if (read.dtype.kind, read.dtype.itemsize) != (expected.dtype.kind, expected.dtype.itemsize):
            return f"type {read.dtype} != {expected.dtype}"
        if expected.dtype.kind in "mM":
            same = read.dtype == expected.dtype and np.array_equal(read.view("i8"), expected.view("i8"))
        else:
            same = np.array_equal(read, expected, equal_nan=expected.dtype.kind in "fc")
        return None if same else "values differ"
    for index in np.ndindex(expected.shape):
        if plain(read[index]) != plain(expected[index]):
            return f"element {index}: {read[index]!r} != {expected[index]!r}"
    return None


def tree_differences(read: Tree, expected: Tree) -> list[str]:
    """Every way the reference's read of a store differs from the library's."""
    found = [f"nodes {sorted(read)} != {sorted(expected)}"] if sorted(read) != sorted(expected) else []
    for path in sorted(set(read) & set(expected)):
        mine, theirs = read[path], expected[path]
        if mine.kind != theirs.kind:
            found.append(f"/{path}: {mine.kind} != {theirs.kind}")
        if mine.attributes != theirs.attributes:
            found.append(f"/{path}: attributes {mine.attributes} != {theirs.attributes}")
        if mine.values is not None and theirs.values is not None:
            problem = difference(mine.values, theirs.values)
            if problem is not None:
                found.append(f"/{path}: {problem}")
    return found


# --- zarr-python 2 --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zarr2:
    """A store zarr-python 2 writes: ``code`` runs in its environment with ``root``, ``data`` (the
    sample of kind ``data``), ``create`` (``zarr.open_array`` at root with ``data``'s shape and type,
    chunks ``CHUNKS``, and the options given), and ``np``, ``zarr``, ``numcodecs``. A ``store`` the code
    sets is what zarr-python 2 reads back (N5, zip). The store is ``root`` with ``suffix`` (a zip file:
    ``".zip"``)."""

    data: str
    code: str
    suffix: str = ""


ZARR2_RUNNER = """
import json, sys, traceback, warnings
from pathlib import Path
import numcodecs, numpy as np, zarr

def nodes(node, path=""):
    yield path, node
    if isinstance(node, zarr.hierarchy.Group):
        for name, child in sorted(node.items()):
            yield from nodes(child, (path + "/" + name).lstrip("/"))

def dump(store, folder):
    folder.mkdir()
    index = {}
    for number, (path, node) in enumerate(nodes(zarr.open(store, mode="r"))):
        entry = index[path] = {"attributes": json.dumps(node.attrs.asdict(), sort_keys=True)}
        if isinstance(node, zarr.Array):
            np.save(folder / f"{number}.npy", node[...], allow_pickle=True)
            entry["values"] = f"{number}.npy"
    (folder / "index.json").write_text(json.dumps(index))

def write(case, chunks):
    root = str(case / "store")
    data = np.load(case / "input.npy", allow_pickle=True)
    def create(**options):
        options = {"shape": data.shape, "dtype": data.dtype, "chunks": chunks, **options}
        return zarr.open_array(root, mode="w", **options)
    scope = {"root": root, "data": data, "create": create, "np": np, "zarr": zarr, "numcodecs": numcodecs}
    exec((case / "write.py").read_text(encoding="utf-8"), scope)
    dump(scope.get("store", root), case / "read")

work, chunks = Path(sys.argv[1]), tuple(json.loads(sys.argv[2]))
for case in sorted(work.iterdir()):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            write(case, chunks)
    except Exception:
        (case / "error.txt").write_text(traceback.format_exc(), encoding="utf-8")
"""
"""Writes every zarr-python 2 store of a folder, each from its ``write.py`` and ``input.npy``, and dumps
what zarr-python 2 reads back (``read/index.json``, one ``.npy`` per array; object arrays pickled: the
files are this test's own), or the traceback of a failed write (``error.txt``)."""


def zarr2_stores(work: Path, python: Path) -> dict[str, Path]:
    """Write every zarr-python 2 store of :data:`STORES` under ``work`` in one process: each case's
    folder by its name (the store is its ``store``)."""
    cases = {name: case for name, case in STORES.items() if isinstance(case, Zarr2)}
    for name, case in cases.items():
        folder = work / name
        folder.mkdir(parents=True)
        (folder / "write.py").write_text(case.code, encoding="utf-8")
        np.save(folder / "input.npy", sample(case.data), allow_pickle=True)
    subprocess.run([str(python), "-c", ZARR2_RUNNER, str(work), json.dumps(CHUNKS)], check=True)
    return {name: work / name for name in cases}


def zarr2_read(root: Path) -> Tree:
    """What zarr-python 2 read back from the store it wrote at ``root`` (in its case's folder)."""
    folder = root.parent
    error = folder / "error.txt"
    if error.exists():
        raise AssertionError(
            f"zarr-python 2 failed to write or read back the store:\n{error.read_text(encoding='utf-8')}"
        )
    index = json.loads((folder / "read" / "index.json").read_text(encoding="utf-8"))
    tree: Tree = {}
    for path, entry in index.items():
        attributes = attributes_text(json.loads(entry["attributes"]))
        if "values" in entry:
            values = np.load(folder / "read" / entry["values"], allow_pickle=True)
            tree[path] = Node("array", attributes, values)
        else:
            tree[path] = Node("group", attributes)
    return tree


ZARR2_TABLE = Path(__file__).with_name("real_data_zarr2.toml")
"""The zarr-python 2 stores: the code that writes each (the Python it runs is data here)."""
MISSING = "a = create({options}); a[:5] = data[:5]"
"""The first row of chunks written, the rest missing: read as the fill value."""
WHOLE = "create({options})[...] = data"


def zarr2_table() -> dict[str, Zarr2]:
    """The stores of :data:`ZARR2_TABLE`: an entry's ``options`` made into the code that creates the
    array with them and writes all of it, or (``missing``) its first row of chunks."""
    table = tomllib.loads(ZARR2_TABLE.read_text(encoding="utf-8"))
    return {
        name: Zarr2(
            entry["data"],
            entry.get("code")
            or (MISSING if entry.get("missing") else WHOLE).format(options=entry["options"]),
            entry.get("suffix", ""),
        )
        for name, entry in table.items()
    }


# --- zarr-python 3 and xarray ------------------------------------------------------------------------


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

STORES: dict[str, Zarr2 | InProcess] = {
    **zarr2_table(),
    **ZARR3_ARRAYS,
    **ZARR3_LAYOUTS,
    **XARRAY_STORES,
}
REFUSALS: dict[str, tuple[str, str]] = {
    "zarr2-object-pickle": ("CORE-VLEN-005", "a pickle object codec would run code the store holds"),
    "zarr3-structured": (
        "ZARR3-DTYPE-002",
        "the reference reads no Zarr v3 structured data_type yet (RFC 0014)",
    ),
}
"""The stores the reference refuses on purpose: the requirement, and why."""
DISAGREEMENTS: dict[str, str] = {
    "zarr2-object-vlen-utf8-missing-chunks": "zarr-python 2.18.7 reads the missing chunks of a vlen-utf8 "
    "array with its default fill value 0 as the integer 0, where the reference reads the empty string "
    "(ZARR2-FILL-009, known deviation)",
}
"""The stores the reference reads otherwise than their library: what differs (each a strict xfail)."""


# --- The tests ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """A store of the collection, written: where it is, and what its writer reads back."""

    root: Path
    reader: Callable[[Path], Tree]

    def read_back(self) -> Tree:
        """What the store's library reads back from it."""
        return self.reader(self.root)


@pytest.fixture(scope="session")
def collection(zarr2_python: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Written]:
    """Every store of :data:`STORES`, written once for the session."""
    work = tmp_path_factory.mktemp("real-data")
    written = {
        name: Written(folder / f"store{STORES[name].suffix}", zarr2_read)
        for name, folder in zarr2_stores(work / "zarr-python-2", zarr2_python).items()
    }
    for name, case in STORES.items():
        if isinstance(case, InProcess):
            root = work / case.library / f"{name}{case.suffix}"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                case.write(root)
            written[name] = Written(root, xarray_read if case.library == "xarray" else zarr3_read)
    return written


VALIDATOR = """
import contextlib, io, json, sys, traceback
from zn5.conformance.cli import main
for root in sys.argv[1:]:
    output, errors = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(errors):
            code = main(["validate", "--chunks", "--json", root])
    except Exception:
        code, errors = None, io.StringIO(traceback.format_exc())
    print(json.dumps({"root": root, "code": code, "stdout": output.getvalue(), "stderr": errors.getvalue()}))
"""
"""Runs ``zn5 validate --chunks --json ROOT`` (the ``zn5`` command's own entry point, argument parsing
and exit code) on each store given, in one process: a process per store would cost the interpreter's
start and zn5's imports a hundred times. Prints one JSON line per store: the exit code (None: the
command crashed), what it printed and its error output (or the traceback)."""


@pytest.fixture(scope="session")
def validations(collection: dict[str, Written]) -> dict[str, dict[str, Any]]:
    """Each store's ``zn5 validate --chunks --json``, as :data:`VALIDATOR` reports it."""
    names = sorted(collection)
    roots = [str(collection[name].root) for name in names]
    run = subprocess.run(
        [sys.executable, "-c", VALIDATOR, *roots], capture_output=True, text=True, check=True
    )
    reports = [json.loads(line) for line in run.stdout.splitlines()]
    assert [report["root"] for report in reports] == roots
    return dict(zip(names, reports, strict=True))


def validation(report: dict[str, Any]) -> tuple[int, list[dict[str, str]]]:
    """A store's exit code and problems; a crash, or a store it cannot open, fails the store's test."""
    assert report["code"] in (0, 1), (
        f"zn5 validate {report['root']}: exit {report['code']}\n{report['stderr']}"
    )
    return report["code"], json.loads(report["stdout"])["problems"]


def store_params(names: Iterator[str] | list[str]) -> list[Any]:
    """The stores as test parameters; a disagreement with its library is a strict xfail."""
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=DISAGREEMENTS[name]))
        if name in DISAGREEMENTS
        else name
        for name in sorted(names)
    ]


READ = [name for name in STORES if name not in REFUSALS]
"""The stores the reference must read: all but the ones it refuses on purpose."""


@pytest.mark.parametrize("name", store_params(READ))
def test_the_reference_reads_what_the_library_reads_back(name: str, collection: dict[str, Written]) -> None:
    """Every node the library sees, with its attributes, and every array value for value."""
    written = collection[name]
    assert tree_differences(read_with_reference(written.root), written.read_back()) == []


@pytest.mark.parametrize("name", sorted(READ))
def test_zn5_validate_finds_no_error(name: str, validations: dict[str, dict[str, Any]]) -> None:
    """What real writers break is a deviation or a warning, never an error: exit code 0."""
    code, problems = validation(validations[name])
    assert [p for p in problems if p["level"] == "error"] == []
    assert code == 0


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_the_reference_refuses_on_purpose(
    name: str, collection: dict[str, Written], validations: dict[str, dict[str, Any]]
) -> None:
    """A store refused on purpose raises the requirement's error, and zn5 validate reports it."""
    requirement, _reason = REFUSALS[name]
    assert collection[name].root.exists(), "the library wrote the store"
    with pytest.raises(zn5.ZN5Error) as raised:
        read_with_reference(collection[name].root)
    assert requirement in {problem.requirement for problem in raised.value.problems}
    code, problems = validation(validations[name])
    assert code == 1
    assert requirement in {p["requirement"] for p in problems if p["level"] == "error"}


def reads(written: Written) -> Literal["alike", "differently", "not read"]:
    """Whether the reference reads a store as its library does, reads it with a difference, or does not
    read it (refuses it, or fails)."""
    try:
        read = read_with_reference(written.root)
    except Exception:
        return "not read"
    return "differently" if tree_differences(read, written.read_back()) else "alike"


def test_at_least_99_percent_of_the_stores_read(collection: dict[str, Written]) -> None:
    """Issue #13: the reference reads at least 99% of the real stores it does not refuse on purpose
    (read: opened, every array read without an error), and each refusal on purpose is one."""
    outcomes = {name: reads(collection[name]) for name in STORES}
    read = [name for name in READ if outcomes[name] != "not read"]
    alike = [name for name in READ if outcomes[name] == "alike"]
    print(
        f"{len(STORES)} stores: {len(REFUSALS)} refused on purpose; of the other {len(READ)}, "
        f"{len(read)} read ({len(alike)} value for value, {len(read) - len(alike)} with a difference)"
    )
    assert [name for name in REFUSALS if outcomes[name] != "not read"] == []
    assert len(read) / len(READ) >= 0.99, sorted(set(READ) - set(read))

"""How each library writes and reads one array: a small function per library and operation.

A :class:`Case` describes an array in the reference's terms (for N5: ``shape`` is ``dimensions`` as
declared). Every writer stores ``case.expected()[case.region]`` at ``ARRAY_PATH`` under a store root and
leaves the rest of the array unwritten, so missing chunks read as the fill value. Every reader returns
the whole array in the reference's axis order and native byte order. Libraries that expose N5 in the
reversed, C-order view (z5py) are converted here, by transposing, and nowhere else.
"""

from __future__ import annotations

import importlib.metadata
import math
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numcodecs
import numpy as np
import pytest
import tensorstore as ts
import z5py
import zarr
import zarr.codecs
import zarr.codecs.numcodecs
import zarr.errors

import zn5.reference as zn5
from zn5.reference.codecs.base import BytesBytesCodec, Codec
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.codecs.zstd import Zstd

Format = Literal["zarr2", "zarr3", "n5"]
Compressor = Literal["none", "gzip", "zlib", "blosc", "zstd"]
Array = np.ndarray[Any, Any]
Writer = Callable[[Path, "Case"], None]
Reader = Callable[[Path, "Case"], Array]

ARRAY_PATH = "data"
GZIP_LEVEL, ZLIB_LEVEL, ZSTD_LEVEL = 5, 1, 3
BLOSC_CNAME: Final = "lz4"
BLOSC_CLEVEL: Final = 5
BLOSC_SHUFFLE: Final = 1  # byte shuffle


@dataclass(frozen=True)
class Case:
    """One array: its format, type, grid, codecs and which part of it is written.

    ``chunks`` is the (inner) chunk shape; ``shards`` the shard shape of a sharded Zarr v3 array.
    ``separator`` None is the format's default. ``missing`` writes only the first row of chunks along
    axis 0, so every other chunk is absent and reads as ``fill_value``.
    """

    format: Format
    dtype: str
    shape: tuple[int, ...]
    chunks: tuple[int, ...]
    compressor: Compressor = "blosc"
    order: Literal["C", "F"] = "C"
    endian: Literal["little", "big"] = "little"
    separator: Literal["/", "."] | None = None
    shards: tuple[int, ...] | None = None
    fill_value: Any = 0
    missing: bool = False

    @property
    def id(self) -> str:
        """A readable test id."""
        parts = [
            self.format,
            self.dtype + (">" if self.endian == "big" else ""),
            "x".join(map(str, self.shape)) + "c" + "x".join(map(str, self.chunks)),
            self.compressor,
        ]
        if self.order == "F":
            parts.append("F")
        if self.separator is not None:
            parts.append("sep" + {"/": "slash", ".": "dot"}[self.separator])
        if self.shards is not None:
            parts.append("shards" + "x".join(map(str, self.shards)))
        if self.missing:
            fill = str(self.fill_value).strip("()")
            parts.append(f"missing-fill={fill}")
        return "-".join(parts)

    @property
    def store_name(self) -> str:
        """z5py infers the format from the suffix of the store's folder."""
        return "store.n5" if self.format == "n5" else "store.zarr"

    @property
    def numpy_dtype(self) -> np.dtype[Any]:
        """The element type in native byte order."""
        return np.dtype(self.dtype)

    @property
    def stored_dtype(self) -> np.dtype[Any]:
        """The element type with the byte order the array stores."""
        dtype = self.numpy_dtype
        if dtype.byteorder == "|":
            return dtype
        return dtype.newbyteorder("<" if self.endian == "little" else ">")

    @property
    def region(self) -> tuple[slice, ...]:
        """The part of the array that is written."""
        if not self.missing:
            return tuple(slice(0, n) for n in self.shape)
        return (slice(0, min(self.chunks[0], self.shape[0])), *(slice(0, n) for n in self.shape[1:]))

    def values(self) -> Array:
        """Deterministic values for the whole array (the seed comes from the id)."""
        rng = np.random.default_rng(zlib.crc32(self.id.encode()))
        dtype = self.numpy_dtype
        size = math.prod(self.shape)
        if dtype.kind == "b":
            values: Array = rng.integers(0, 2, size).astype(bool)
        elif dtype.kind in "iu":
            info = np.iinfo(dtype)
            values = rng.integers(int(info.min), int(info.max), size, dtype=dtype, endpoint=True)
        elif dtype.kind == "f":
            values = (rng.standard_normal(size) * 1000).astype(dtype)
            values[: min(size, 4)] = [np.nan, -0.0, np.inf, -np.inf][: min(size, 4)]
        else:
            parts = rng.standard_normal((2, size)) * 1000
            values = (parts[0] + 1j * parts[1]).astype(dtype)
            values[:1] = complex(np.nan, -0.0)
        return values.reshape(self.shape)

    def expected(self) -> Array:
        """What a reader must return: the values in the region, the fill value elsewhere."""
        out = np.full(self.shape, self.fill_value, dtype=self.numpy_dtype)
        out[self.region] = self.values()[self.region]
        return out

    def written(self) -> Array:
        """The part that writers store."""
        return self.expected()[self.region]


def version(distribution: str) -> str:
    """The installed version of a distribution."""
    return importlib.metadata.version(distribution)


# --- the reference ------------------------------------------------------------------------------------


def reference_compressor(case: Case) -> BytesBytesCodec | None:
    """The reference's codec for the case's compressor."""
    if case.compressor == "gzip":
        return Gzip(GZIP_LEVEL)
    if case.compressor == "zlib":
        return Zlib(ZLIB_LEVEL)
    if case.compressor == "zstd":
        return Zstd(ZSTD_LEVEL)
    if case.compressor == "blosc":
        # Zarr v3 needs typesize in the metadata when shuffling; give it as every other writer does.
        typesize = case.numpy_dtype.itemsize if case.format == "zarr3" else None
        return Blosc(BLOSC_CNAME, BLOSC_CLEVEL, "shuffle", typesize=typesize)
    return None


def write_reference(root: Path, case: Case) -> None:
    """Write with ``zn5.reference``."""
    compressor = reference_compressor(case)
    codecs: list[Codec] | None = None
    chunks = case.chunks
    if case.shards is not None:
        layout = [Transpose.reversing(len(case.shape))] if case.order == "F" else []
        inner = (*layout, BytesCodec(case.endian), *([compressor] if compressor else []))
        codecs = [Sharding(chunk_shape=case.chunks, codecs=inner)]
        chunks = case.shards
    array = zn5.create_array(
        root,
        format=case.format,
        path=ARRAY_PATH,
        shape=case.shape,
        dtype=case.stored_dtype,
        chunks=chunks,
        fill_value=case.fill_value,
        order=case.order,
        compressor=compressor,
        codecs=codecs,
        endian=case.endian,
        dimension_separator=case.separator,
    )
    array[case.region] = case.written()


def read_reference(root: Path, case: Case) -> Array:
    """Read with ``zn5.reference`` (the format is detected)."""
    result: Array = zn5.open_array(root, path=ARRAY_PATH)[...]
    return result


# --- zarr-python 3 and zarrs-python -------------------------------------------------------------------


def _zarr_python_compressors(case: Case) -> Any:
    if case.format == "zarr2":
        return {
            "none": None,
            "gzip": numcodecs.GZip(GZIP_LEVEL),
            "zlib": numcodecs.Zlib(ZLIB_LEVEL),
            "zstd": numcodecs.Zstd(ZSTD_LEVEL),
            "blosc": numcodecs.Blosc(BLOSC_CNAME, BLOSC_CLEVEL, BLOSC_SHUFFLE),
        }[case.compressor]
    return {
        "none": None,
        "gzip": zarr.codecs.GzipCodec(level=GZIP_LEVEL),
        "zlib": zarr.codecs.numcodecs.Zlib(level=ZLIB_LEVEL),
        "zstd": zarr.codecs.ZstdCodec(level=ZSTD_LEVEL),
        "blosc": zarr.codecs.BloscCodec(
            cname=BLOSC_CNAME, clevel=BLOSC_CLEVEL, shuffle="shuffle", typesize=case.numpy_dtype.itemsize
        ),
    }[case.compressor]


def write_zarr_python(root: Path, case: Case) -> None:
    """Write with zarr-python 3 (Zarr v2 or v3)."""
    zarr_format: Literal[2, 3] = 2 if case.format == "zarr2" else 3
    separator = case.separator or ("." if zarr_format == 2 else "/")
    encoding: dict[str, Any] = {"name": "v2" if zarr_format == 2 else "default", "separator": separator}
    extra: dict[str, Any] = {}
    if zarr_format == 3:
        extra["serializer"] = zarr.codecs.BytesCodec(endian=case.endian)
    else:
        extra["order"] = case.order
    if case.order == "F" and zarr_format == 3:
        extra["filters"] = [zarr.codecs.TransposeCodec(order=tuple(reversed(range(len(case.shape)))))]
    with warnings.catch_warnings():
        # zarr-python warns that numcodecs.zlib is no Zarr v3 codec: the cases use it on purpose.
        warnings.filterwarnings("ignore", "Numcodecs codecs", zarr.errors.ZarrUserWarning)
        compressors = _zarr_python_compressors(case)
    array = zarr.create_array(
        zarr.storage.LocalStore(root),
        name=ARRAY_PATH,
        shape=case.shape,
        chunks=case.chunks,
        shards=case.shards,
        dtype=case.stored_dtype,
        compressors=compressors,
        fill_value=case.fill_value,
        zarr_format=zarr_format,
        chunk_key_encoding=encoding,
        **extra,
    )
    array[case.region] = case.written()


def read_zarr_python(root: Path, case: Case) -> Array:
    """Read with zarr-python 3."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Numcodecs codecs", zarr.errors.ZarrUserWarning)
        array = zarr.open_array(zarr.storage.LocalStore(root, read_only=True), path=ARRAY_PATH, mode="r")
    return np.asarray(array[...]).astype(case.numpy_dtype)


@contextmanager
def zarrs_pipeline() -> Iterator[None]:
    """zarr-python with the Rust codec pipeline of zarrs-python, never falling back to Python's."""
    with zarr.config.set({"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True}):
        yield


def write_zarrs(root: Path, case: Case) -> None:
    """Write with zarrs-python (zarr-python's API, zarrs' codec pipeline)."""
    with zarrs_pipeline():
        write_zarr_python(root, case)


def read_zarrs(root: Path, case: Case) -> Array:
    """Read with zarrs-python."""
    with zarrs_pipeline():
        return read_zarr_python(root, case)


# --- tensorstore --------------------------------------------------------------------------------------


def _json_number(value: Any, dtype: np.dtype[Any]) -> Any:
    """A fill value as Zarr JSON."""
    if dtype.kind == "b":
        return bool(value)
    if dtype.kind in "iu":
        return int(value)
    if dtype.kind == "c":
        return [_json_number(value.real, np.dtype("f8")), _json_number(value.imag, np.dtype("f8"))]
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return number


def _tensorstore_v2_compressor(case: Case) -> dict[str, Any] | None:
    return {
        "none": None,
        "gzip": {"id": "gzip", "level": GZIP_LEVEL},
        "zlib": {"id": "zlib", "level": ZLIB_LEVEL},
        "zstd": {"id": "zstd", "level": ZSTD_LEVEL},
        "blosc": {
            "id": "blosc",
            "cname": BLOSC_CNAME,
            "clevel": BLOSC_CLEVEL,
            "shuffle": BLOSC_SHUFFLE,
            "blocksize": 0,
        },
    }[case.compressor]


def _tensorstore_v3_codecs(case: Case) -> list[dict[str, Any]]:
    compressor = {
        "none": [],
        "gzip": [{"name": "gzip", "configuration": {"level": GZIP_LEVEL}}],
        "zstd": [{"name": "zstd", "configuration": {"level": ZSTD_LEVEL}}],
        "blosc": [
            {
                "name": "blosc",
                "configuration": {
                    "cname": BLOSC_CNAME,
                    "clevel": BLOSC_CLEVEL,
                    "shuffle": "shuffle",
                    "typesize": case.numpy_dtype.itemsize,
                    "blocksize": 0,
                },
            }
        ],
    }[case.compressor]
    layout = (
        [{"name": "transpose", "configuration": {"order": list(reversed(range(len(case.shape))))}}]
        if case.order == "F"
        else []
    )
    chain = [*layout, {"name": "bytes", "configuration": {"endian": case.endian}}, *compressor]
    if case.shards is None:
        return chain
    return [
        {
            "name": "sharding_indexed",
            "configuration": {"chunk_shape": list(case.chunks), "codecs": chain},
        }
    ]


def _tensorstore_n5_compression(case: Case) -> dict[str, Any]:
    compressions: dict[str, dict[str, Any]] = {
        "none": {"type": "raw"},
        "gzip": {"type": "gzip", "level": GZIP_LEVEL},
        "zstd": {"type": "zstd", "level": ZSTD_LEVEL},
        "blosc": {
            "type": "blosc",
            "cname": BLOSC_CNAME,
            "clevel": BLOSC_CLEVEL,
            "shuffle": BLOSC_SHUFFLE,
            "blocksize": 0,
        },
    }
    return compressions[case.compressor]


def _tensorstore_metadata(case: Case) -> dict[str, Any]:
    if case.format == "n5":
        return {
            "dimensions": list(case.shape),
            "blockSize": list(case.chunks),
            "dataType": case.dtype,
            "compression": _tensorstore_n5_compression(case),
        }
    fill = _json_number(case.fill_value, case.numpy_dtype)
    if case.format == "zarr2":
        return {
            "shape": list(case.shape),
            "chunks": list(case.chunks),
            "dtype": case.stored_dtype.str,
            "compressor": _tensorstore_v2_compressor(case),
            "fill_value": fill,
            "order": case.order,
            "filters": None,
            "dimension_separator": case.separator or ".",
        }
    return {
        "shape": list(case.shape),
        "data_type": case.dtype,
        "chunk_grid": {
            "name": "regular",
            "configuration": {"chunk_shape": list(case.shards or case.chunks)},
        },
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": case.separator or "/"}},
        "fill_value": fill,
        "codecs": _tensorstore_v3_codecs(case),
    }


DRIVERS: dict[Format, str] = {"zarr2": "zarr", "zarr3": "zarr3", "n5": "n5"}


def _tensorstore_spec(root: Path, case: Case) -> dict[str, Any]:
    return {
        "driver": DRIVERS[case.format],
        "kvstore": {"driver": "file", "path": str(root / ARRAY_PATH) + "/"},
    }


def write_tensorstore(root: Path, case: Case) -> None:
    """Write with tensorstore (drivers zarr, zarr3, n5); it writes no root group document."""
    spec = {**_tensorstore_spec(root, case), "metadata": _tensorstore_metadata(case)}
    array = ts.open(spec, create=True).result()
    array[case.region].write(case.written()).result()


def read_tensorstore(root: Path, case: Case) -> Array:
    """Read with tensorstore (N5 in its declared axis order)."""
    array = ts.open(_tensorstore_spec(root, case), open=True, read=True).result()
    return np.asarray(array.read().result()).astype(case.numpy_dtype)


# --- z5py ---------------------------------------------------------------------------------------------


def _z5py_compression(case: Case) -> tuple[str, dict[str, Any]]:
    if case.compressor == "none":
        return "raw", {}
    if case.compressor == "blosc":
        return "blosc", {"codec": BLOSC_CNAME, "clevel": BLOSC_CLEVEL, "shuffle": BLOSC_SHUFFLE}
    if case.compressor in ("gzip", "zlib"):
        return case.compressor, {"level": GZIP_LEVEL if case.compressor == "gzip" else ZLIB_LEVEL}
    return "zstd", {"level": ZSTD_LEVEL}


def _z5py_view(case: Case, values: Array) -> Array:
    """z5py shows N5 datasets with their axes reversed (C order); Zarr as is."""
    return values.T if case.format == "n5" else values


def write_z5py(root: Path, case: Case) -> None:
    """Write with z5py (Zarr v2 or N5; N5 through its reversed-axes view)."""
    is_zarr = case.format != "n5"
    handle = z5py.File(
        str(root),
        "a",
        use_zarr_format=is_zarr,
        dimension_separator=case.separator or ".",
        **({"zarr_format": 3} if case.format == "zarr3" else {}),
    )
    compression, options = _z5py_compression(case)
    reverse = (lambda t: tuple(reversed(t))) if case.format == "n5" else (lambda t: t)
    dataset = handle.create_dataset(
        ARRAY_PATH,
        shape=reverse(case.shape),
        dtype=case.dtype,
        chunks=reverse(case.chunks),
        compression=compression,
        fillvalue=case.fill_value,
        **options,
    )
    region = reverse(case.region)
    dataset[region] = _z5py_view(case, case.written())


def read_z5py(root: Path, case: Case) -> Array:
    """Read with z5py, converting N5 back to the declared axis order."""
    handle = z5py.File(str(root), "r", use_zarr_format=case.format != "n5")
    values = np.asarray(handle[ARRAY_PATH][...])
    return np.ascontiguousarray(_z5py_view(case, values)).astype(case.numpy_dtype)


# --- the table ----------------------------------------------------------------------------------------


def _z5py_supports(case: Case) -> bool:
    """z5py 3.0.2 refuses, with its own error, other element types ("Invalid data type"), order F ("Z5 only
    supports C order") and big-endian types ("Unsupported zarr dtype: >i4")."""
    return case.dtype in Z5PY_DTYPES and case.order == "C" and case.endian == "little"


def _tensorstore_supports(case: Case) -> bool:
    """tensorstore has no ``numcodecs.zlib`` (a zarr-python extension, not a Zarr v3 codec)."""
    return not (case.format == "zarr3" and case.compressor == "zlib")


Z5PY_DTYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float32", "float64")


@dataclass(frozen=True)
class Library:
    """A library, its version, the formats it writes and reads here, and what else it supports."""

    name: str
    distribution: str
    formats: tuple[Format, ...]
    write: Writer
    read: Reader
    supports_case: Callable[[Case], bool] = lambda case: True

    @property
    def version(self) -> str:
        """The installed version."""
        return version(self.distribution)

    def supports(self, case: Case) -> bool:
        """Whether the library claims to handle the case at all (outside its claims there is no test)."""
        return case.format in self.formats and self.supports_case(case)


LIBRARIES = {
    library.name: library
    for library in (
        Library("zarr-python", "zarr", ("zarr2", "zarr3"), write_zarr_python, read_zarr_python),
        Library("zarrs-python", "zarrs", ("zarr2", "zarr3"), write_zarrs, read_zarrs),
        Library(
            "tensorstore",
            "tensorstore",
            ("zarr2", "zarr3", "n5"),
            write_tensorstore,
            read_tensorstore,
            _tensorstore_supports,
        ),
        Library("z5py", "z5py", ("zarr2", "n5"), write_z5py, read_z5py, _z5py_supports),
    )
}

Direction = Literal["writes", "reads"]
"""``writes``: the library writes, the reference reads. ``reads``: the reference writes, the library reads."""


@dataclass(frozen=True)
class Known:
    """A known wrong behaviour of a library in one direction: the cases it affects and what it does."""

    library: str
    direction: Direction
    affects: Callable[[Case], bool]
    wrong: str


def matrix(cases: Iterable[Case], direction: Direction, known: Iterable[Known] = ()) -> list[Any]:
    """``pytest.param(library, case)`` for each library and each case it supports, known failures marked
    as strict expected failures naming the library, its version and what it does wrong."""
    cases, known = list(cases), list(known)
    params = []
    for library in LIBRARIES.values():
        for case in cases:
            if not library.supports(case):
                continue
            wrong = [
                entry.wrong
                for entry in known
                if entry.library == library.name and entry.direction == direction and entry.affects(case)
            ]
            reason = f"{library.name} {library.version} {'; '.join(wrong)}; not filed"
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if wrong else []
            params.append(pytest.param(library.name, case, id=f"{library.name}-{case.id}", marks=marks))
    return params


def assert_same(actual: Array, case: Case) -> None:
    """The array a reader returned is the case's expected array, bit for bit."""
    expected = case.expected()
    assert actual.shape == expected.shape, f"shape {actual.shape}, expected {expected.shape}"
    assert actual.dtype == expected.dtype, f"dtype {actual.dtype}, expected {expected.dtype}"
    if actual.tobytes() != expected.tobytes():
        width = expected.dtype.itemsize
        flat_actual = np.frombuffer(actual.tobytes(), dtype=f"V{width}")
        flat_expected = np.frombuffer(expected.tobytes(), dtype=f"V{width}")
        wrong = np.flatnonzero(flat_actual != flat_expected)
        first = np.unravel_index(int(wrong[0]), expected.shape)
        raise AssertionError(
            f"{wrong.size} of {expected.size} elements differ; first at {tuple(map(int, first))}: "
            f"{actual[first]!r}, expected {expected[first]!r}"
        )

"""The arrays the interop tests store, and the libraries' conformance adapters that write and read them.

A :class:`StoredArray` describes an array in the reference's terms (for N5: ``shape`` is ``dimensions`` as
declared, the canonical order). The reference writes it through its own API; a library writes it through
its adapter (``conformance/adapters/<name>/``), from the canonical write target of the array
(:meth:`StoredArray.target`, the form of a corpus write case's ``operation.target``), with the adapter's
hooks ``plan_write``, ``create_array`` and ``write``, and reads it with ``open_array`` and ``read``. There is
no code here that calls a third-party library: whatever converts to and from a library's terms (z5py's
reversed N5 axes included) is the adapter's, the same code the corpus runs through.

Every writer stores ``array.expected()[array.region]`` at ``ARRAY_PATH`` and leaves the rest unwritten,
so missing chunks read as the fill value. Every reader returns the whole array in canonical axis order.
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pytest

import zn5.reference as zn5
from zn5.conformance.adapters import BaseAdapter, fill_json
from zn5.conformance.adapters.tensorstore import TensorstoreAdapter
from zn5.conformance.adapters.z5py import Z5pyAdapter
from zn5.conformance.adapters.zarr_python import ZarrPythonAdapter
from zn5.conformance.adapters.zarrs_python import ZarrsPythonAdapter
from zn5.conformance.execution import protocol
from zn5.conformance.execution.connection import Connection
from zn5.conformance.execution.protocol import RunReply
from zn5.conformance.suite.canonical import decode_values, read_array_document
from zn5.reference.codecs.base import BytesBytesCodec, Codec
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.codecs.zstd import Zstd
from zn5.reference.model.dtype import DataType

Format = Literal["zarr2", "zarr3", "n5"]
Compressor = Literal["none", "gzip", "zlib", "blosc", "zstd"]
Array = np.ndarray[Any, Any]
Codecs = list[dict[str, Any]]

ARRAY_PATH = "data"
GZIP_LEVEL, ZLIB_LEVEL, ZSTD_LEVEL = 5, 1, 3
BLOSC_CNAME: Final = "lz4"
BLOSC_CLEVEL: Final = 5
RUN_TIMEOUT = 60.0
SEQUENCE = itertools.count(1)
"""The seq of each run message sent to an adapter process."""
SEPARATORS: dict[Format, str] = {"zarr2": ".", "zarr3": "/", "n5": "/"}
"""Each format's default chunk key separator."""
EDGE_2D = ((13, 17), (5, 6))  # shape, chunks: edge chunks on every axis
EDGE_3D = ((7, 9, 11), (4, 4, 5))


@dataclass(frozen=True)
class StoredArray:
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
        """The store's folder, named by its format's suffix (z5py infers the format from it)."""
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

    def target(self) -> dict[str, Any]:
        """The canonical write target of the array (a corpus write case's ``operation.target``)."""
        grid = self.shards or self.chunks
        return array_target(
            self.format, self.shape, grid, self.numpy_dtype, self.codecs(), self.fill_value, self.separator
        )

    def codecs(self) -> Codecs:
        """The canonical codec chain: [transpose], bytes, [compressor], inside a shard if sharded; for N5
        the n5.block codec with the compressor."""
        compressor = canonical_compressor(self.compressor, self.numpy_dtype.itemsize)
        if self.format == "n5":
            return [{"name": "n5.block", "configuration": {"compression": compressor}}]
        layout = [{"name": "transpose", "configuration": {"order": list(reversed(range(len(self.shape))))}}]
        chain = [
            *(layout if self.order == "F" else []),
            {"name": "bytes", "configuration": {"endian": self.endian}},
            *compressor,
        ]
        if self.shards is None:
            return chain
        index = [
            {"name": "bytes", "configuration": {"endian": "little"}},
            {"name": "crc32c", "configuration": {}},
        ]
        sharding = {
            "chunk_shape": list(self.chunks),
            "codecs": chain,
            "index_codecs": index,
            "index_location": "end",
        }
        return [{"name": "sharding_indexed", "configuration": sharding}]

    def requires(self) -> set[str]:
        """The capability tokens an implementation needs for the array, as a corpus case lists them."""
        tokens = {f"format:{self.format}", f"dtype:{DataType.of(self.numpy_dtype).name}"}
        tokens.update(f"codec:{name}" for name in codec_names(self.codecs()))
        if self.format != "n5":
            key = self.target()["metadata"]["chunk_key_encoding"]
            tokens.add(f"chunk-key:{key['name']}-{'dot' if key['separator'] == '.' else 'slash'}")
        return tokens


def array_target(
    format: Format,
    shape: tuple[int, ...],
    chunks: tuple[int, ...],
    dtype: np.dtype[Any],
    codecs: Codecs,
    fill_value: Any = 0,
    separator: str | None = None,
) -> dict[str, Any]:
    """The canonical write target of an array at ``ARRAY_PATH``, with no attributes or dimension names;
    ``separator`` None is the format's default chunk key separator."""
    encoding = "default" if format == "zarr3" else "v2"
    return {
        "format": format,
        "node": ARRAY_PATH,
        "metadata": {
            "node_type": "array",
            "shape": list(shape),
            "data_type": DataType.of(dtype).name,
            "chunk_grid": {"name": "regular", "chunk_shape": list(chunks)},
            "chunk_key_encoding": {"name": encoding, "separator": separator or SEPARATORS[format]},
            "fill_value": fill_json(fill_value, dtype),
            "codecs": codecs,
            "dimension_names": None,
            "attributes": {},
        },
    }


def canonical_compressor(compressor: Compressor, typesize: int) -> Codecs:
    """The canonical bytes-to-bytes codec of a compressor, none for ``none``. zstd does not name
    ``checksum`` (false by default), which tensorstore's zarr driver refuses in a Zarr v2 compressor (a
    known failure of the reads direction, not of its writes); blosc records the element size as its type
    size, as Zarr v3 requires of a shuffling blosc."""
    if compressor == "none":
        return []
    configurations: dict[str, tuple[str, dict[str, Any]]] = {
        "gzip": ("gzip", {"level": GZIP_LEVEL}),
        "zlib": ("numcodecs.zlib", {"level": ZLIB_LEVEL}),
        "zstd": ("zstd", {"level": ZSTD_LEVEL}),
        "blosc": (
            "blosc",
            {
                "cname": BLOSC_CNAME,
                "clevel": BLOSC_CLEVEL,
                "shuffle": "shuffle",
                "typesize": typesize,
                "blocksize": 0,
            },
        ),
    }
    name, configuration = configurations[compressor]
    return [{"name": name, "configuration": configuration}]


def codec_names(codecs: Codecs) -> Iterable[str]:
    """The names of the codecs of a chain, those inside a shard and of its index included."""
    for codec in codecs:
        yield codec["name"]
        configuration = codec["configuration"]
        for member in ("codecs", "index_codecs", "compression"):
            yield from codec_names(configuration.get(member, []))


# --- the reference ------------------------------------------------------------------------------------


def reference_compressor(array: StoredArray) -> BytesBytesCodec | None:
    """The reference's codec for the array's compressor."""
    if array.compressor == "gzip":
        return Gzip(GZIP_LEVEL)
    if array.compressor == "zlib":
        return Zlib(ZLIB_LEVEL)
    if array.compressor == "zstd":
        return Zstd(ZSTD_LEVEL)
    if array.compressor == "blosc":
        # Zarr v3 needs typesize in the metadata when shuffling; give it as every other writer does.
        typesize = array.numpy_dtype.itemsize if array.format == "zarr3" else None
        return Blosc(BLOSC_CNAME, BLOSC_CLEVEL, "shuffle", typesize=typesize)
    return None


def write_reference(root: Path, array: StoredArray) -> None:
    """Write with ``zn5.reference``."""
    compressor = reference_compressor(array)
    codecs: list[Codec] | None = None
    chunks = array.chunks
    if array.shards is not None:
        layout = [Transpose.reversing(len(array.shape))] if array.order == "F" else []
        inner = (*layout, BytesCodec(array.endian), *([compressor] if compressor else []))
        codecs = [Sharding(chunk_shape=array.chunks, codecs=inner)]
        chunks = array.shards
    created = zn5.create_array(
        root,
        format=array.format,
        path=ARRAY_PATH,
        shape=array.shape,
        dtype=array.stored_dtype,
        chunks=chunks,
        fill_value=array.fill_value,
        order=array.order,
        compressor=compressor,
        codecs=codecs,
        endian=array.endian,
        dimension_separator=array.separator,
    )
    created[array.region] = array.written()


def read_reference(root: Path, array: StoredArray) -> Array:
    """Read with ``zn5.reference`` (the format is detected)."""
    result: Array = zn5.open_array(root, path=ARRAY_PATH)[...]
    return result


# --- the libraries, through their adapters ------------------------------------------------------------

ADAPTERS: dict[str, BaseAdapter] = {
    adapter.name: adapter
    for adapter in (ZarrPythonAdapter(), ZarrsPythonAdapter(), TensorstoreAdapter(), Z5pyAdapter())
}
FORMATS: dict[str, tuple[Format, ...]] = {
    "zarr-python": ("zarr2", "zarr3"),
    "zarrs-python": ("zarr2", "zarr3"),
    "tensorstore": ("zarr2", "zarr3", "n5"),
    "z5py": ("zarr2", "n5"),  # its Zarr v3 is the corpus's to test (conformance/reports/z5py.json)
}
"""The formats each library writes and reads here."""


def supports(library: str, array: StoredArray) -> bool:
    """Whether the library's adapter claims the array: every token it requires, none a gap of its format.

    No token names a byte order: z5py 3.0.2 refuses big-endian types ("Unsupported zarr dtype: >i4"),
    which its adapter's writes skip, so its big-endian arrays have no test here.
    """
    adapter = ADAPTERS[library]
    gaps = adapter.gaps_by_format().get(array.format, frozenset())
    claimed = array.requires() <= set(adapter.capabilities()) and not array.requires() & gaps
    little = not (library == "z5py" and array.endian == "big")
    return array.format in FORMATS[library] and claimed and little


def library_write(library: str, root: Path, target: Mapping[str, Any], values: Array, key: Any = ...) -> None:
    """The library creates the array of a canonical write target in a new store at ``root`` and writes
    ``values`` at ``key`` of it, through its adapter's hooks."""
    adapter = ADAPTERS[library]
    with adapter.session():
        created = adapter.create_array(root, target, adapter.plan_write(target))
        adapter.write(created, key, values, target["format"])


def library_read(library: str, root: Path, format: Format, scratch: Path) -> Array:
    """The library reads the whole array at ``ARRAY_PATH`` (in native byte order) through its adapter's
    hooks; ``scratch`` is a folder for the adapter's own files."""
    adapter = ADAPTERS[library]
    with adapter.session():
        opened = adapter.open_array(root, ARRAY_PATH, format, scratch)
        values = np.asarray(adapter.read(opened, ..., format))
    if values.dtype.byteorder in "<>":
        return values.astype(values.dtype.newbyteorder("="))
    return values


def check(direction: Direction, library: str, array: StoredArray, folder: Path) -> None:
    """``writes``: the library writes the array in ``folder`` and the reference reads the expected values;
    ``reads``: the reference writes it and the library reads them."""
    root = folder / array.store_name
    if direction == "writes":
        library_write(library, root, array.target(), array.written(), array.region)
        assert_same(read_reference(root, array), array)
    else:
        write_reference(root, array)
        assert_same(library_read(library, root, array.format, folder / "scratch"), array)


def protocol_read(connection: Connection, root: Path, format: Format, node: str, output: Path) -> Array:
    """The whole array at ``node`` of the store at ``root``, read by an adapter process: a read case in a
    run message, and the ``array.json`` of its reply (the protocol's path for an adapter that is no Python
    class here, such as zarr-python 2's)."""
    case = {"id": f"interop/read/{root.name}", "format": format, "operation": {"op": "read"}}
    case["input"] = {"store": root.name, "node": node}
    seq = next(SEQUENCE)
    reply = connection.exchange(protocol.run(seq, case, root.parent, output), seq, RUN_TIMEOUT)
    assert isinstance(reply, RunReply) and reply.status == "ok", reply
    return decode_values(*read_array_document(output / reply.result["array"]))


# --- the matrix ---------------------------------------------------------------------------------------

Direction = Literal["writes", "reads"]
"""``writes``: the library writes, the reference reads. ``reads``: the reference writes, the library reads."""
DIRECTIONS: tuple[Direction, ...] = ("writes", "reads")


@dataclass(frozen=True)
class Known:
    """A known wrong behaviour of a library in one direction: the arrays it affects and what it does."""

    library: str
    direction: Direction
    affects: Callable[[StoredArray], bool]
    wrong: str


def matrix(arrays: Iterable[StoredArray], known: Iterable[Known] = ()) -> list[Any]:
    """``pytest.param(direction, library, array)`` for both directions, each library and each array its
    adapter claims, known failures marked as strict expected failures naming the library, its version and
    what it does wrong."""
    arrays, known = list(arrays), list(known)
    params = []
    for direction, (name, adapter) in itertools.product(DIRECTIONS, ADAPTERS.items()):
        for array in arrays:
            if not supports(name, array):
                continue
            wrong = [
                entry.wrong
                for entry in known
                if entry.library == name and entry.direction == direction and entry.affects(array)
            ]
            reason = f"{name} {adapter.version()} {'; '.join(wrong)}; not filed"
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if wrong else []
            params.append(
                pytest.param(direction, name, array, id=f"{name}-{direction}-{array.id}", marks=marks)
            )
    return params


ZARR_DTYPES = (
    "uint8",
    "int16",
    "uint32",
    "int64",
    "float32",
    "float64",
    "bool",
    "complex64",
    "complex128",
    "float16",
)
"""The data types of the Zarr arrays, each stored with the format's defaults."""


def zarr_arrays(format: Literal["zarr2", "zarr3"]) -> list[StoredArray]:
    """The arrays both Zarr formats store alike: each of ``ZARR_DTYPES``, int16 and float64 through each
    compressor, F order, absent chunks read as fill values of five types, rank 4."""
    return [
        *(StoredArray(format, dtype, *EDGE_2D) for dtype in ZARR_DTYPES),
        *(
            StoredArray(format, "int16", *EDGE_3D, compressor=c)
            for c in ("none", "gzip", "zlib", "blosc", "zstd")
        ),
        *(StoredArray(format, "float64", *EDGE_3D, compressor=c) for c in ("none", "gzip", "zlib", "zstd")),
        StoredArray(format, "int16", *EDGE_2D, order="F"),
        StoredArray(format, "float64", *EDGE_3D, order="F", compressor="gzip"),
        StoredArray(format, "int64", *EDGE_2D, missing=True, fill_value=42),
        StoredArray(format, "uint8", *EDGE_3D, missing=True, fill_value=7, compressor="gzip"),
        StoredArray(format, "float32", *EDGE_2D, missing=True, fill_value=-1.5),
        StoredArray(format, "float64", *EDGE_3D, missing=True, fill_value=math.nan, compressor="none"),
        StoredArray(format, "bool", *EDGE_2D, missing=True, fill_value=True),
        StoredArray(format, "int8", (3, 4, 5, 6), (2, 3, 2, 4), compressor="gzip"),
    ]


def assert_same(actual: Array, array: StoredArray) -> None:
    """The array a reader returned is the expected array, bit for bit."""
    expected = array.expected()
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

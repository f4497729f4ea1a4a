"""numcodecs filters and checksums written by zarr-python 3 (Zarr v2 and v3) and zarr-python 2 (Zarr v2),
read by the reference value for value (spec/codecs/filters.md, CODEC-FILTER-001).

Each library reads its own store back through its conformance adapter; the reference must return
exactly those values, which for a lossy filter are numcodecs' decoded values and for a lossless chain the
values written. zarr-python 3 writes Zarr v3 through its adapter too; its Zarr v2 stores and zarr-python
2's take numcodecs' configurations as they are (numcodecs' AUTOSHUFFLE -1 has no canonical form), in a
direct call. zarr-python 2 runs in the virtual environment of its adapter (``conftest.py``), since it
cannot share an environment with zarr-python 3.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Literal

import numcodecs
import numpy as np
import pytest
import zarr

import zn5.reference as zn5
from zn5.conformance.adapters.kits.python.zn5_adapter_kit import filtered_type
from zn5.conformance.adapters.zarr_python import ARRAY_TO_ARRAY, canonical_v2_codec
from zn5.conformance.execution.connection import Connection

from .arrays import ARRAY_PATH, Codecs, array_target, library_read, library_write, protocol_read

pytestmark = pytest.mark.interop

SHAPE, CHUNKS = (13, 17), (5, 6)
Array = np.ndarray[Any, Any]

Chain = tuple[str, str, list[dict[str, Any]], dict[str, Any] | None, bool]
"""(id, dtype, numcodecs filters, numcodecs compressor or None, lossless)"""
CHAINS: list[Chain] = [
    (
        "fixedscaleoffset",
        "<f8",
        [{"id": "fixedscaleoffset", "offset": 100, "scale": 10, "dtype": "<f8", "astype": "<i4"}],
        {"id": "zlib", "level": 1},
        False,
    ),
    ("quantize", "<f8", [{"id": "quantize", "digits": 2, "dtype": "<f8"}], None, False),
    ("bitround", "<f4", [{"id": "bitround", "keepbits": 5}], {"id": "gzip", "level": 1}, False),
    ("delta", "<i8", [{"id": "delta", "dtype": "<i8", "astype": "<i8"}], None, True),
    (
        "astype",
        "<f8",
        [{"id": "astype", "encode_dtype": "<f4", "decode_dtype": "<f8"}],
        {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1},
        False,
    ),
    ("packbits", "|b1", [{"id": "packbits"}], {"id": "zlib", "level": 1}, True),
    ("shuffle", "<i4", [{"id": "shuffle", "elementsize": 4}], {"id": "zlib", "level": 1}, True),
    ("fletcher32", "<f8", [], {"id": "fletcher32"}, True),
    ("adler32", "<i2", [{"id": "adler32"}], {"id": "gzip", "level": 1}, True),
    ("crc32", "<u4", [], {"id": "crc32"}, True),
    ("jenkins_lookup3", "<f4", [], {"id": "jenkins_lookup3", "initval": 3}, True),
    (
        "astype-blosc-autoshuffle",
        "<f8",
        [{"id": "fixedscaleoffset", "offset": 0, "scale": 1, "dtype": "<f8", "astype": "|u1"}],
        {"id": "blosc", "cname": "zstd", "clevel": 3, "shuffle": -1},
        False,
    ),
]

ZARR2_WRITER = """
import json, sys
import numcodecs, numpy as np, zarr
root, dtype, values = sys.argv[1], sys.argv[2], sys.argv[5]
filters, compressor = map(json.loads, sys.argv[3:5])
data = np.load(values)
array = zarr.open_array(root, mode="w", shape=data.shape, chunks=tuple(json.loads(sys.argv[6])), dtype=dtype,
    filters=[numcodecs.get_codec(f) for f in filters] or None,
    compressor=None if compressor is None else numcodecs.get_codec(compressor), fill_value=0)
array[...] = data
"""


def values(dtype: str) -> Array:
    """Smooth, finite values, so that each filter has work and none overflows."""
    rng = np.random.default_rng(7)
    if np.dtype(dtype).kind == "b":
        return rng.integers(0, 2, SHAPE).astype(bool)
    walk = np.cumsum(rng.standard_normal(SHAPE), axis=1) * 30 + 200
    return walk.astype(dtype) if np.dtype(dtype).kind == "f" else np.round(walk).astype(dtype)


def zarr3_chain(dtype: str, filters: list[dict[str, Any]], compressor: dict[str, Any] | None) -> Codecs:
    """The canonical Zarr v3 chain of numcodecs configurations, each named by the zarr-python adapter's own
    conversion: the array-to-array filters, bytes, the other filters, the compressor (whose blosc type
    size, and AUTOSHUFFLE, follow the filtered element type)."""
    native = np.dtype(dtype)
    codecs = [canonical_v2_codec(config, native) for config in filters]
    arrays = [codec["name"] in ARRAY_TO_ARRAY for codec in codecs]
    array_filters = [numcodecs.get_codec(f) for f, kind in zip(filters, arrays, strict=True) if kind]
    encoded = filtered_type(array_filters, np.zeros(1, native), np.dtype("u1"))
    return [
        *(codec for codec, kind in zip(codecs, arrays, strict=True) if kind),
        {"name": "bytes", "configuration": {"endian": "little"}},
        *(codec for codec, kind in zip(codecs, arrays, strict=True) if not kind),
        *([] if compressor is None else [canonical_v2_codec(compressor, encoded)]),
    ]


def write_zarr3(
    root: Path, zarr_format: Literal[2, 3], dtype: str, chain: tuple[list[Any], Any], data: Array
) -> Array:
    """Write with zarr-python 3 and return what it reads back, through its adapter."""
    filters, compressor = chain
    if zarr_format == 2:
        # numcodecs' configurations go to zarr-python as they are (AUTOSHUFFLE -1 too, which a canonical
        # description cannot say): a direct call, not the adapter's write
        array = zarr.create_array(
            root,
            name=ARRAY_PATH,
            shape=data.shape,
            chunks=CHUNKS,
            dtype=dtype,
            zarr_format=2,
            fill_value=0,
            filters=[numcodecs.get_codec(f) for f in filters] or None,
            compressors=None if compressor is None else numcodecs.get_codec(compressor),
        )
        array[...] = data
    else:
        codecs = zarr3_chain(dtype, filters, compressor)
        library_write(
            "zarr-python", root, array_target("zarr3", SHAPE, CHUNKS, np.dtype(dtype), codecs), data
        )
    return library_read(
        "zarr-python", root, "zarr2" if zarr_format == 2 else "zarr3", root.parent / "scratch"
    )


def write_zarr2(
    python: Path, connection: Connection, root: Path, dtype: str, chain: tuple[list[Any], Any], data: Array
) -> Array:
    """Write with zarr-python 2 in its own interpreter, numcodecs' configurations as they are; return what
    its adapter reads back."""
    saved = root.parent / "values.npy"
    np.save(saved, data)
    filters, compressor = chain
    arguments = [root, dtype, json.dumps(filters), json.dumps(compressor), saved, json.dumps(CHUNKS)]
    subprocess.run([str(python), "-c", ZARR2_WRITER, *map(str, arguments)], check=True)
    return protocol_read(connection, root, "zarr2", "", root.parent / "output")


def check(root: Path, path: str, data: Array, library_values: Array, lossless: bool) -> None:
    """The reference reads the library's store exactly as the library does; lossless chains give the data."""
    read: Array = zn5.open_array(root, path=path)[...]
    np.testing.assert_array_equal(read, library_values)
    assert read.dtype == data.dtype
    if lossless:
        np.testing.assert_array_equal(read, data)
    else:
        assert not np.array_equal(read, data), "a lossy filter that lost nothing tests nothing"


EACH_CHAIN = pytest.mark.parametrize("chain", CHAINS, ids=[c[0] for c in CHAINS])


@pytest.mark.req("CODEC-FILTER-001")
@EACH_CHAIN
@pytest.mark.parametrize("zarr_format", [2, 3])
def test_reference_reads_zarr_python_3(zarr_format: Literal[2, 3], chain: Chain, tmp_path: Path) -> None:
    _slug, dtype, filters, compressor, lossless = chain
    data = values(dtype)
    root = tmp_path / "store.zarr"
    check(
        root, ARRAY_PATH, data, write_zarr3(root, zarr_format, dtype, (filters, compressor), data), lossless
    )


@pytest.mark.req("CODEC-FILTER-001")
@EACH_CHAIN
def test_reference_reads_zarr_python_2(
    zarr2_python: Path, zarr2_adapter: Connection, chain: Chain, tmp_path: Path
) -> None:
    _slug, dtype, filters, compressor, lossless = chain
    data = values(dtype)
    root = tmp_path / "store.zarr"
    written = write_zarr2(zarr2_python, zarr2_adapter, root, dtype, (filters, compressor), data)
    check(root, "", data, written, lossless)

"""numcodecs compressors handed to zarr-python 3 for a Zarr v3 array, which it names ``numcodecs.<id>``
with only the members its caller set, read by the reference and checked by ``zn5 validate --chunks``
(ZARR3-CODEC-002)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zarr
import zarr.codecs.numcodecs as zarr_numcodecs

import zn5.reference as zn5
from zn5.conformance.validation.walk import Validation
from zn5.reference.api import as_store

pytestmark = pytest.mark.interop

COMPRESSORS: list[tuple[str, Any]] = [
    ("blosc", zarr_numcodecs.Blosc(cname="zstd", clevel=3, shuffle=2)),
    ("blosc-defaults", zarr_numcodecs.Blosc()),
    ("gzip", zarr_numcodecs.GZip(level=4)),
    ("zstd", zarr_numcodecs.Zstd(level=1)),
    ("bz2-defaults", zarr_numcodecs.BZ2()),
    ("zlib", zarr_numcodecs.Zlib(level=2)),
    ("lz4", zarr_numcodecs.LZ4()),
    ("lzma-defaults", zarr_numcodecs.LZMA()),
]


@pytest.mark.parametrize(("name", "compressor"), COMPRESSORS, ids=[row[0] for row in COMPRESSORS])
@pytest.mark.parametrize("dtype", ["int16", "float64"])
def test_zarr_python_numcodecs_compressor_reads_value_for_value(
    name: str, compressor: Any, dtype: str, tmp_path: Path
) -> None:
    values = (np.arange(7 * 9) * 3 - 50).reshape(7, 9).astype(dtype)
    written = zarr.create_array(
        tmp_path / "store.zarr", shape=values.shape, chunks=(3, 4), dtype=dtype, compressors=[compressor]
    )
    written[...] = values
    document = json.loads((tmp_path / "store.zarr" / "zarr.json").read_text())
    codec_names = [codec["name"] for codec in document["codecs"]]
    assert codec_names[-1].startswith("numcodecs."), codec_names
    read = zn5.open(tmp_path / "store.zarr")
    assert isinstance(read, zn5.Array)
    np.testing.assert_array_equal(read[...], values)
    problems = list(Validation(as_store(tmp_path / "store.zarr"), chunks=True).problems())
    assert [str(problem) for problem in problems if problem.level == "error"] == []

"""The data types zarr-python 3.1.6 writes for NumPy's fixed-length string, bytes, raw, datetime and timedelta
types, with its default fill values (Zarr v3: fixed_length_utf32, null_terminated_bytes, raw_bytes,
numpy.datetime64, numpy.timedelta64), read by the reference element for element, fill values included."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest
import zarr

import zn5.reference as zn5

pytestmark = pytest.mark.interop

VALUES = {
    "U3": (np.array(["a", "äβ€", ""], dtype="U3"), "fixed_length_utf32", ""),
    "S4": (np.array([b"ab", b"", b"abcd"], dtype="S4"), "null_terminated_bytes", ""),
    "V2": (np.array([b"\x00\x01", b"\xff\xfe", b"ab"], dtype="V2"), "raw_bytes", "AAA="),
    "M8[s]": (np.array([0, 1, "NaT"], dtype="M8[s]"), "numpy.datetime64", -(2**63)),
    "m8[10ms]": (np.array([1, -1, "NaT"], dtype="m8[10ms]"), "numpy.timedelta64", -(2**63)),
}


@pytest.mark.parametrize("zarr_format", [2, 3])
@pytest.mark.parametrize("dtype", sorted(VALUES))
def test_the_reference_reads_zarr_python_3s_numpy_types(
    dtype: str, zarr_format: Literal[2, 3], tmp_path: Path
) -> None:
    values, v3_name, default_fill = VALUES[dtype]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        array = zarr.create_array(
            tmp_path,
            name="data",
            shape=(5,),
            chunks=(2,),
            dtype=values.dtype,
            zarr_format=zarr_format,
        )
        array[:3] = values
        written: Any = np.asarray(array[...])
    document = json.loads((tmp_path / "data" / (".zarray" if zarr_format == 2 else "zarr.json")).read_text())
    assert document["fill_value"] == default_fill
    if zarr_format == 3:
        assert document["data_type"]["name"] == v3_name
    read = zn5.open_array(tmp_path, path="data")[...]
    assert read.dtype == values.dtype
    assert read.tobytes() == written.tobytes()

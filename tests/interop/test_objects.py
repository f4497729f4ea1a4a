"""Zarr v2 object arrays beyond vlen-utf8 and vlen-bytes, as the real libraries write them: categorised text
read value for value by the reference (ZARR2-VLEN-006, CODEC-CATEGORIZE-001), and vlen-array, json2 and
msgpack2 arrays read as ``ragged[T]`` and ``json`` arrays (ZARR2-VLEN-007, RFC 0013).

zarr-python 2.18.7 runs in the virtual environment of its adapter, made from its pinned requirements;
zarr-python 3.1.6 and numcodecs 0.16.6 in this one. The values are the test's own: the stores are written
here, in direct calls, with the libraries' defaults."""

from __future__ import annotations

import json
import subprocess
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numcodecs
import numpy as np
import pytest
import zarr

import zn5.reference as zn5
from zn5.reference.formats.deviations import LenientReadWarning

pytestmark = pytest.mark.interop

SHAPE, CHUNKS = (5, 7), (2, 3)
LABELS = ["", "a", "Zürich", "äβ€😀", "a\x00b", "line\nbreak"]
OTHER = "no label"
"""An element that is none of the labels: stored as code 0, it reads back as the empty string."""
WRITTEN = (slice(0, 2), slice(0, 7))
"""The first row of chunks: the others stay missing and read as the fill value."""


def texts(extra: tuple[str, ...] = ()) -> list[str]:
    """The labels (and ``extra`` texts) in a fixed order filling the array."""
    pool = [*LABELS, *extra]
    return [pool[(3 * i) % len(pool)] for i in range(int(np.prod(SHAPE)))]


def categorised(values: list[str], fill: str, *, missing: bool) -> list[Any]:
    """What a reader returns: each labelled element, the empty string for the others, and the fill value
    where nothing was written (CODEC-CATEGORIZE-001)."""
    out = np.array([value if value in LABELS else "" for value in values], dtype=object).reshape(SHAPE)
    if missing:
        written = out[WRITTEN].copy()
        out[...] = fill
        out[WRITTEN] = written
    return list(out.tolist())


ZARR2_CATEGORIZE = """
import sys, json, warnings, numcodecs, numpy as np, zarr
root, dtype, values = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
labels = json.loads(sys.argv[4])
array_dtype = object if dtype == "|O" else dtype
codec = numcodecs.Categorize(labels, dtype=array_dtype)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)  # "missing object_codec for object array"
    array = zarr.open_array(root, mode="w", shape=(5, 7), chunks=(2, 3), dtype=array_dtype, filters=[codec])
array[0:2] = np.array(values, dtype=array_dtype).reshape(5, 7)[0:2]
"""


@pytest.mark.parametrize("dtype", ["|O", "<U10"])
def test_the_reference_reads_categorised_text_zarr_python_2_writes(
    dtype: str, tmp_path: Path, zarr2_python: Path
) -> None:
    """zarr-python 2 writes ``"|O"`` (no object codec, fill 0: the empty string) or ``"<U10"`` (its
    default fill 0 becomes the string "0") with categorize, the first row only: the reference reads the
    labels, "" for the element that is none, and the fill elsewhere."""
    root = tmp_path / "store.zarr"
    values = texts((OTHER,))
    script = [str(zarr2_python), "-c", ZARR2_CATEGORIZE, str(root), dtype, json.dumps(values)]
    subprocess.run([*script, json.dumps(LABELS)], check=True)
    zarray = json.loads((root / ".zarray").read_text(encoding="utf-8"))
    assert zarray["dtype"] == dtype and [f["id"] for f in zarray["filters"]] == ["categorize"]
    if dtype == "|O":
        assert zarray["fill_value"] == 0
        with pytest.warns(UserWarning, match=r"ZARR2-FILL-009"):  # zarr-python 2's fill value 0
            array = zn5.open_array(root)
        assert array.model.data_type.name == "string"
        fill = ""
    else:
        array = zn5.open_array(root)
        assert array.model.data_type.name == "fixed_length_utf32[10]"
        fill = zarray["fill_value"]
        assert fill == "0"
    assert array[...].tolist() == categorised(values, fill, missing=True)


def test_the_reference_reads_categorised_text_zarr_python_3_writes(tmp_path: Path) -> None:
    """zarr-python 3 writes a Zarr v2 ``"<U10"`` array with categorize; its default fill is ""."""
    values = np.array(texts((OTHER,)), dtype="<U10").reshape(SHAPE)
    array = zarr.create_array(
        tmp_path / "store.zarr",
        shape=SHAPE,
        chunks=CHUNKS,
        dtype="<U10",
        zarr_format=2,
        filters=[numcodecs.Categorize(LABELS, dtype="<U10")],
    )
    array[WRITTEN] = values[WRITTEN]
    read = zn5.open_array(tmp_path / "store.zarr")
    assert read[...].tolist() == categorised(values.ravel().tolist(), "", missing=True)


@pytest.mark.xfail(
    strict=True,
    raises=ValueError,
    reason="zarr-python 3.1.6 cannot create a Zarr v2 '|O' array with categorize as its first filter: "
    "it resolves the string type only with a VLenUTF8 codec among the filters and raises ValueError "
    "('requires the numcodecs.VLenUTF8 codec'), so the layout zarr-python 2 writes cannot be made",
)
def test_zarr_python_3_writes_categorised_object_arrays(tmp_path: Path) -> None:
    zarr.create_array(
        tmp_path / "store.zarr",
        shape=SHAPE,
        chunks=CHUNKS,
        dtype=str,
        zarr_format=2,
        filters=[numcodecs.Categorize(LABELS, dtype=object)],
    )


ZARR2_OBJECTS = """
import json, sys, numcodecs, numpy as np, zarr
root, codec_id = sys.argv[1], sys.argv[2]
codecs = {"vlen-array": numcodecs.VLenArray(">i2"), "json2": numcodecs.JSON()}
codecs["msgpack2"] = numcodecs.MsgPack()
if codec_id == "vlen-array":
    elements = [np.arange(n, dtype=">i2") - 3 for n in (0, 1, 3, 2, 5, 4)]
else:
    elements = [{"a": [1, None]}, "text", 2.5, None, [[1], [2]], {"b": {"c": True}}]
values = np.empty(6, dtype=object)
for index, element in enumerate(elements):
    values[index] = element
codec = codecs[codec_id]
array = zarr.open_array(root, mode="w", shape=(4, 5), chunks=(2, 3), dtype=object, object_codec=codec)
array[0, :] = values[:5]
array[1, 0] = values[5]
print(json.dumps([[np.asarray(v).tolist() for v in row] for row in array[...]]))
"""
"""zarr-python 2 writes one row of chunks of a (4, 5) object array, the default fill value 0 standing
for the rest, and prints what it reads back."""


@pytest.mark.parametrize("codec_id", ["vlen-array", "json2", "msgpack2"])
def test_the_reference_reads_the_object_arrays_zarr_python_2_writes(
    codec_id: str, tmp_path: Path, zarr2_python: Path
) -> None:
    """zarr-python 2 writes ragged int16 arrays and JSON values; the reference reads each element it
    stored as stored (ZARR2-VLEN-007), including the ``[0]`` or ``0`` it stores for the never-set
    elements of a written chunk, and reads the missing chunks as the fill value ``0`` means: the empty
    element for ``ragged[int16]`` (ZARR2-FILL-011, with the deviation CORE-DEVIATION-015), the number 0
    for ``json`` (ZARR2-FILL-012). zarr-python 2 itself reads the missing elements of both as 0."""
    root = tmp_path / "store.zarr"
    run = subprocess.run(
        [str(zarr2_python), "-c", ZARR2_OBJECTS, str(root), codec_id],
        check=True,
        capture_output=True,
        text=True,
    )
    written_by_zarr2 = json.loads(run.stdout)
    assert json.loads((root / ".zarray").read_text(encoding="utf-8"))["filters"][0]["id"] == codec_id
    with pytest.warns(LenientReadWarning) if codec_id == "vlen-array" else nullcontext():
        array = zn5.open_array(root)
    expected = [row[:] for row in written_by_zarr2]
    for row in (2, 3):
        expected[row] = [[] if codec_id == "vlen-array" else 0] * 5
    assert [[np.asarray(value).tolist() for value in row] for row in array[...]] == expected
    assert array.model.data_type.name == ("ragged[int16]" if codec_id == "vlen-array" else "json")


@pytest.mark.parametrize("codec_id", ["vlen-array", "json2", "msgpack2"])
@pytest.mark.xfail(
    strict=True,
    raises=ValueError,
    reason="zarr-python 3.1.6 cannot create a Zarr v2 object array of vlen-array, json2 or msgpack2: "
    "dtype=object raises ValueError ('resolution from object failed ... ambiguous'), and its only "
    "object types are VariableLengthUTF8 and VariableLengthBytes, which need their own codecs",
)
def test_zarr_python_3_writes_other_object_arrays(codec_id: str, tmp_path: Path) -> None:
    codec = numcodecs.get_codec({"id": codec_id, **({"dtype": "<i4"} if codec_id == "vlen-array" else {})})
    zarr.create_array(
        tmp_path / "store.zarr", shape=(4,), chunks=(3,), dtype=object, zarr_format=2, filters=[codec]
    )

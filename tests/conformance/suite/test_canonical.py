"""The canonical exchange of array values: variable-length elements travel length-prefixed, exactly
(spec/adapter-protocol.md, PROTO-VLEN-001)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zn5.conformance.adapters import fill_element, fill_json
from zn5.conformance.suite.canonical import (
    decode_values,
    difference,
    object_array,
    read_array_document,
    write_array,
)
from zn5.reference.model.dtype import DataType


def _bytes_array(items: list[bytes]) -> np.ndarray[Any, Any]:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


@pytest.mark.req("PROTO-VLEN-001")
def test_the_layout_is_the_protocols_example(tmp_path: Path) -> None:
    document, raw = read_array_document(write_array(np.array(["a", "é"], dtype="T"), tmp_path, "string"))
    assert raw.hex() == "01000000" + "61" + "02000000" + "c3a9"
    assert document["shape"] == [2]


@pytest.mark.req("PROTO-VLEN-001")
@given(st.lists(st.text(st.characters(codec="utf-8"), max_size=6), max_size=8))
def test_strings_travel_exactly(items: list[str]) -> None:
    values = np.array(items, dtype="T")
    with tempfile.TemporaryDirectory() as folder:
        document, raw = read_array_document(write_array(values, Path(folder), "string"))
        assert difference(values, decode_values(document, raw), "string", "string") is None


@pytest.mark.req("PROTO-VLEN-001")
@pytest.mark.parametrize("extra", [b"\x00", b"\x05\x00\x00\x00ab"])
def test_bytes_left_over_are_refused(tmp_path: Path, extra: bytes) -> None:
    document, raw = read_array_document(write_array(_bytes_array([b"\x00", b""]), tmp_path, "bytes"))
    with pytest.raises(ValueError, match="bytes"):
        decode_values(document, raw + extra)


@pytest.mark.req("PROTO-VLEN-001")
@pytest.mark.parametrize(
    ("value", "dtype"), [("∅", np.dtypes.StringDType()), (b"\x00\xff", np.dtype(object))]
)
def test_a_variable_length_fill_is_its_own_bytes(value: Any, dtype: np.dtype[Any]) -> None:
    fill = fill_json(value, dtype)
    assert fill == {"hex": (value.encode() if isinstance(value, str) else value).hex()}
    assert fill_element(fill, dtype) == value


def test_a_differing_element_is_named() -> None:
    expected = _bytes_array([b"a", b"b"])
    actual = _bytes_array([b"a", b"c"])
    assert difference(expected, actual, "bytes", "bytes") == (
        "1 of 2 elements differ; first: [1]: expected b'b', got b'c'"
    )


RAGGED = DataType.of("ragged[int16]").numpy_dtype
JSON = DataType.of("json").numpy_dtype


@pytest.mark.req("PROTO-VLEN-002")
def test_ragged_and_json_elements_are_their_items_and_their_text(tmp_path: Path) -> None:
    ragged = object_array([np.array([1, -2], dtype=">i2"), np.array([], dtype="<i2")], RAGGED)
    _, raw = read_array_document(write_array(ragged, tmp_path / "ragged", "ragged[int16]"))
    assert raw.hex() == "04000000" + "0100feff" + "00000000"
    _, raw = read_array_document(write_array(object_array([{"b": 1, "a": None}], JSON), tmp_path, "json"))
    assert raw == b"\x10\x00\x00\x00" + b'{"a":null,"b":1}'


@pytest.mark.req("PROTO-VLEN-002")
@given(
    st.lists(st.lists(st.integers(-(2**15), 2**15 - 1), max_size=4), max_size=5),
    st.lists(st.recursive(st.none() | st.floats() | st.text(max_size=3), st.lists, max_leaves=4), max_size=5),
)
def test_ragged_and_json_values_travel_exactly(ragged: list[list[int]], values: list[Any]) -> None:
    arrays = [("ragged[int16]", object_array([np.array(items, "<i2") for items in ragged], RAGGED))]
    arrays.append(("json", object_array(values, JSON)))
    with tempfile.TemporaryDirectory() as folder:
        for name, array in arrays:
            document, raw = read_array_document(write_array(array, Path(folder) / name, name))
            assert difference(array, decode_values(document, raw), name, name) is None


@pytest.mark.req("PROTO-VLEN-002")
def test_json_elements_compare_by_value() -> None:
    expected = object_array([{"a": 1, "b": [float("nan")]}, 1, True], JSON)
    same = object_array([{"b": [float("nan")], "a": 1.0}, 1.0, True], JSON)
    other = object_array([{"a": 1, "b": [float("nan")]}, True, 1], JSON)
    assert difference(expected, same, "json", "json") is None
    assert difference(expected, other, "json", "json") == (
        "2 of 3 elements differ; first: [1]: expected 1, got True, [2]: expected True, got 1"
    )


@pytest.mark.req("PROTO-VLEN-002")
def test_a_ragged_fill_is_its_little_endian_items() -> None:
    fill = fill_json(np.array([1, 256], dtype="i2"), RAGGED)
    assert fill == {"hex": "01000001"}
    assert fill_element(fill, RAGGED).tolist() == [1, 256]


@pytest.mark.req("PROTO-STRUCT-001")
def test_a_record_travels_packed_little_endian_under_its_json_name(tmp_path: Path) -> None:
    dtype = DataType.of([("x", ">i4"), ("y", ">f8"), ("tag", "|S2")]).numpy_dtype
    records = np.array([(1, 2.5, b"ab")], dtype=dtype)
    document, raw = read_array_document(write_array(records, tmp_path))
    assert (
        document["data_type"] == 'structured[["x","int32"],["y","float64"],["tag","fixed_length_bytes[2]"]]'
    )
    assert raw.hex() == "01000000" + "0000000000000440" + "6162"
    assert (
        difference(records, decode_values(document, raw), document["data_type"], document["data_type"])
        is None
    )

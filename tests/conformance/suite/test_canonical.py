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
from zn5.conformance.suite.canonical import decode_values, difference, read_array_document, write_array


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

"""Data types of the core model (reference/model/dtype.py): native byte order, canonical names, the
types outside the model, and fill values kept as exact element bytes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from zn5.reference.model.dtype import DataType

NAMES = [
    ("bool", "bool"),
    ("<i1", "int8"),
    (">u2", "uint16"),
    ("<i8", "int64"),
    (">f2", "float16"),
    ("<f8", "float64"),
    (">c8", "complex64"),
    ("|V4", "r32"),
    ("|S5", "fixed_length_bytes[5]"),
    ("<U3", "fixed_length_utf32[3]"),
    (">M8[ns]", "numpy.datetime64[1ns]"),
    ("<m8[10s]", "numpy.timedelta64[10s]"),
    ("string", "string"),
    (str, "string"),
    ("bytes", "bytes"),
    (bytes, "bytes"),
]
"""Type specifications in either byte order and the canonical name each has (CORE-DTYPE-001); a
UTF-32 string's length counts characters, not its 12 bytes (CORE-DTYPE-004)."""


@pytest.mark.parametrize(("spec", "name"), NAMES, ids=[name for _, name in NAMES])
def test_a_type_has_its_canonical_name_and_no_byte_order_of_its_own(spec: Any, name: str) -> None:
    """CORE-DTYPE-001, CORE-DTYPE-002: the byte order of the specification is dropped."""
    dtype = DataType.of(spec)
    assert dtype.name == name
    assert dtype.numpy_dtype.byteorder in ("=", "|")
    assert DataType.of(dtype.numpy_dtype) == dtype


@pytest.mark.parametrize("spec", ["<i4", ">i4", "=i4"])
def test_both_byte_orders_give_one_type(spec: str) -> None:
    assert DataType.of(spec) == DataType.of("int32")


OUTSIDE = [
    ("subarray", ("<i4", (2,))),
    ("zero-size-bytes", "|S0"),
    ("zero-size-raw", "|V0"),
]


@pytest.mark.parametrize(("name", "spec"), OUTSIDE, ids=[name for name, _ in OUTSIDE])
def test_a_type_outside_the_model_is_refused(name: str, spec: Any) -> None:
    with pytest.raises(ValueError, match="CORE-DTYPE-001"):
        DataType.of(spec)


SIZED = [("bool", 1, False), ("uint8", 1, False), ("int16", 2, True), ("complex128", 16, True)]
SIZED += [("|S3", 3, False), ("<U2", 8, True), ("|V2", 2, False)]


@pytest.mark.parametrize(("spec", "itemsize", "ordered"), SIZED)
def test_a_fixed_size_type_knows_its_size_and_whether_it_has_a_byte_order(
    spec: str, itemsize: int, ordered: bool
) -> None:
    """Types without a byte order serialise the same whatever a codec says (CORE-DTYPE-002); the zero
    element is all zero bytes (CORE-FILL-004)."""
    dtype = DataType.of(spec)
    assert (dtype.itemsize, dtype.has_byte_order, dtype.is_variable) == (itemsize, ordered, False)
    assert dtype.zeros_bytes() == bytes(itemsize)


@pytest.mark.parametrize(("spec", "element"), [("string", "∅ x"), ("bytes", b"\x00\xff")])
def test_a_variable_length_fill_is_the_elements_own_bytes(spec: str, element: Any) -> None:
    """``string`` keeps UTF-8, ``bytes`` the bytes (CORE-VLEN-001); the empty element is the zero one
    (CORE-VLEN-004)."""
    dtype = DataType.of(spec)
    assert dtype.is_variable
    raw = dtype.to_bytes(element)
    assert raw == (element.encode() if isinstance(element, str) else element)
    assert dtype.scalar(raw) == element
    assert dtype.zeros_bytes() == b"" == dtype.to_bytes(0)


FIXED = ["bool", "int8", "uint16", "int32", "uint64", "float16", "float32", "float64", "complex128"]
FIXED += ["|S4", "<U2", "M8[s]", "m8[us]"]


@given(st.sampled_from(FIXED).flatmap(lambda spec: hnp.from_dtype(np.dtype(spec)).map(lambda v: (spec, v))))
def test_a_fill_value_keeps_its_exact_bytes(case: tuple[str, Any]) -> None:
    """A value turned into fill bytes and back is the same element bit for bit, NaN payloads and
    negative zero included (CORE-FILL-001)."""
    spec, value = case
    dtype = DataType.of(spec)
    raw = dtype.to_bytes(value)
    assert len(raw) == dtype.itemsize
    assert dtype.to_bytes(dtype.scalar(raw)) == raw
    assert raw == np.asarray(value, dtype=dtype.numpy_dtype).tobytes()


def test_a_raw_fill_must_fill_the_element() -> None:
    assert DataType.of("|V3").to_bytes(b"abc") == b"abc"
    with pytest.raises(ValueError, match="3-byte"):
        DataType.of("|V3").to_bytes(b"ab")


@pytest.mark.req("CORE-STRUCT-001")
@pytest.mark.parametrize(
    ("fields", "name", "ordered"),
    [
        ([("a", ">i4"), ("b", "<f8")], 'structured[["a","int32"],["b","float64"]]', True),
        (
            [("flag", "?"), ("code", "|S3")],
            'structured[["flag","bool"],["code","fixed_length_bytes[3]"]]',
            False,
        ),
    ],
)
def test_a_record_is_its_named_fields_in_native_order(fields: Any, name: str, ordered: bool) -> None:
    """A record type keeps its fields' names and types, each field in native byte order, packed; it has
    a byte order when a field has one (CORE-STRUCT-001, CORE-STRUCT-002)."""
    data_type = DataType.of(fields)
    assert (data_type.name, data_type.has_byte_order, data_type.is_structured) == (name, ordered, True)
    assert all(field.isnative for field, *_ in data_type.numpy_dtype.fields.values())  # type: ignore[union-attr]
    assert data_type.itemsize == np.dtype(fields).itemsize


@pytest.mark.req("CORE-STRUCT-001")
@pytest.mark.parametrize(
    ("fields", "error", "requirement"),
    [
        ([("a", "<i4", (2,))], NotImplementedError, "CORE-STRUCT-004"),
        ([("a", "O")], ValueError, "CORE-STRUCT-001"),
        ([("a", [("b", "<i4")])], ValueError, "CORE-STRUCT-001"),
        (
            np.dtype({"names": ["a"], "formats": ["<i4"], "offsets": [4], "itemsize": 8}),
            ValueError,
            "CORE-STRUCT-001",
        ),
    ],
    ids=["subarray-field", "object-field", "nested-record", "padded"],
)
def test_a_record_outside_the_model_is_refused(fields: Any, error: type[Exception], requirement: str) -> None:
    with pytest.raises(error, match=requirement):
        DataType.of(fields)

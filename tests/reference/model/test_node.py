"""Nodes (reference/model/node.py): paths and names (CORE-NODE-001, CORE-NODE-002) and what an array
model derives from its members."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.model.dtype import DataType
from zn5.reference.model.grid import RegularGrid
from zn5.reference.model.keys import ChunkKeyEncoding
from zn5.reference.model.node import ArrayModel, join_path, name_problem, prefix, split_path

BAD_NAMES = ["", ".", "..", "a/b", "a\\b", "a\x00b"]
NAMES = st.text(st.characters(blacklist_characters="/\\\x00"), min_size=1, max_size=6).filter(
    lambda name: name not in (".", "..")
)


@pytest.mark.parametrize("name", BAD_NAMES, ids=repr)
def test_a_bad_name_is_named_as_such(name: str) -> None:
    assert name_problem(name) is not None


@given(NAMES)
def test_any_other_name_is_a_name(name: str) -> None:
    assert name_problem(name) is None


@given(st.lists(NAMES, max_size=4), st.sampled_from(["", "/"]), st.sampled_from(["", "/"]))
def test_a_path_is_its_names_with_one_leading_and_trailing_slash_insignificant(
    names: list[str], lead: str, trail: str
) -> None:
    """CORE-NODE-001: ``a/b``, ``/a/b`` and ``/a/b/`` are one node; the root's prefix is empty."""
    path = lead + "/".join(names) + (trail if names else "")
    assert split_path(path) == tuple(names)
    assert join_path(*split_path(path)) == "/".join(names)
    assert prefix(join_path(*names)) == ("/".join(names) + "/" if names else "")


@pytest.mark.parametrize("path", ["a//b", "a/./b", "../a", "a/..", "a\\b", "a/\x00"], ids=repr)
def test_a_path_with_a_bad_name_is_refused_not_rewritten(path: str) -> None:
    """CORE-NODE-002."""
    with pytest.raises(ValueError, match="in path"):
        split_path(path)


@pytest.mark.parametrize(("spec", "zero"), [("int32", bytes(4)), ("string", b""), ("|S2", bytes(2))])
def test_an_undefined_fill_reads_as_the_zero_element(spec: str, zero: bytes) -> None:
    """CORE-FILL-004, CORE-VLEN-004; a defined fill is kept as given (CORE-FILL-001)."""
    dtype = DataType.of(spec)
    model = ArrayModel((5, 0), dtype, RegularGrid((2, 1)), ChunkKeyEncoding("v2", "."), None, (BytesCodec(),))
    assert (model.ndim, model.size, model.fill_bytes) == (2, 0, zero)
    defined = ArrayModel(
        (5,), dtype, RegularGrid((2,)), ChunkKeyEncoding("v2", "."), b"\x01" * len(zero), (BytesCodec(),)
    )
    assert defined.fill_bytes == b"\x01" * len(zero)

"""Chunk key encodings (reference/model/keys.py): CORE-KEY-001 to CORE-KEY-004."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zn5.reference.model.keys import ChunkKeyEncoding, KeyEncodingName, Separator

ENCODINGS = [ChunkKeyEncoding(name, separator) for name in ("default", "v2") for separator in ("/", ".")]


def label(encoding: ChunkKeyEncoding) -> str:
    return f"{encoding.name}{encoding.separator}"


@pytest.mark.parametrize("encoding", ENCODINGS, ids=label)
@given(st.lists(st.integers(0, 10**12), max_size=4))
def test_a_key_names_its_position_and_nothing_else(encoding: ChunkKeyEncoding, position: list[int]) -> None:
    """Decimal coordinates without sign or leading zeros (CORE-KEY-001), read back to the position."""
    coords = tuple(position)
    key = encoding.encode(coords)
    assert encoding.decode(key, len(coords)) == coords
    parts = key.split(encoding.separator)
    numbers = parts[1:] if encoding.name == "default" else parts
    if coords:
        assert numbers == [str(c) for c in coords]


LAYOUTS: list[tuple[KeyEncodingName, Separator, tuple[int, ...], str]] = [
    ("default", "/", (1, 23), "c/1/23"),
    ("default", ".", (1, 23), "c.1.23"),
    ("default", "/", (), "c"),
    ("v2", ".", (1, 23), "1.23"),
    ("v2", "/", (0, 0, 4), "0/0/4"),
    ("v2", ".", (), "0"),
]


@pytest.mark.parametrize(("name", "separator", "coords", "key"), LAYOUTS)
def test_the_layout_of_each_encoding(
    name: KeyEncodingName, separator: Separator, coords: tuple[int, ...], key: str
) -> None:
    """``default`` writes ``c`` then the coordinates (CORE-KEY-002); ``v2`` the coordinates alone
    (CORE-KEY-003); the 0-d chunk is ``c`` and ``0``."""
    assert ChunkKeyEncoding(name, separator).encode(coords) == key


NOT_CHUNKS = [
    ("default", "/", "c/01/2", 2),
    ("default", "/", "c/+1/2", 2),
    ("default", "/", "c/1.0", 2),
    ("default", "/", "1/2", 2),
    ("default", "/", "c/1", 2),
    ("default", "/", "c/1/2/3", 2),
    ("v2", ".", "1/0", 2),
    ("v2", ".", "c.1.0", 2),
    ("v2", ".", "-1.0", 2),
    ("v2", ".", "1", 0),
    ("v2", ".", "１.0", 2),
]


@pytest.mark.parametrize(("name", "separator", "key", "rank"), NOT_CHUNKS)
def test_a_key_that_only_looks_like_a_chunk_is_none(
    name: KeyEncodingName, separator: Separator, key: str, rank: int
) -> None:
    """Leading zeros, signs, other separators, other ranks, non-ASCII digits: no chunk (CORE-KEY-004)."""
    assert ChunkKeyEncoding(name, separator).decode(key, rank) is None

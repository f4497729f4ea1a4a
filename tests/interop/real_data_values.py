"""The sample values of the real-data collection (test_real_data.py): arrays of each kind its stores hold,
of one shape whose chunk grid has edge chunks on both axes."""

from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]
SHAPE, CHUNKS = (13, 17), (5, 6)
"""Every chunk grid has edge chunks on both axes."""
TEXTS = ("", "a", "Zürich", "äβ€😀", "a\x00b", "line\nbreak", "x" * 40)
LABELS = ("female", "male", "unknown")


def strings(count: int) -> list[str]:
    """Strings of every kind (empty, non-ASCII, emoji, NUL, newline, long), each made unique."""
    return [f"{TEXTS[i % len(TEXTS)]}{i}" for i in range(count)]


def json_values(count: int) -> list[Any]:
    """JSON values of every kind: objects, arrays, text, numbers, booleans and null."""
    pool: list[Any] = [{"a": [1, None]}, "text", 2.5, None, [[1], [2]], {"b": {"c": True}}, -7, False]
    return [pool[i % len(pool)] for i in range(count)]


def objects(elements: list[Any]) -> Array:
    """An object array of ``SHAPE`` holding ``elements`` as they are (arrays, lists, dicts included)."""
    out = np.empty(len(elements), dtype=object)
    for index, element in enumerate(elements):
        out[index] = element
    return out.reshape(SHAPE)


def numbers(dtype: np.dtype[Any]) -> Array:
    """Values of ``dtype`` spread over its range, a different one in (nearly) every element."""
    count = int(np.prod(SHAPE))
    steps: Array = (np.arange(count) * 37) % 251
    if dtype.kind == "b":
        flags: Array = steps % 3 == 0
        return flags.reshape(SHAPE)
    if dtype.kind in "iu":
        low = 125 if dtype.kind == "i" else 0
        return ((steps - low) * (np.iinfo(dtype).max // 251)).astype(dtype).reshape(SHAPE)
    if dtype.kind in "fc":
        real = np.arange(count) * 0.37 - 20.0
        return (real + (1j * real[::-1] if dtype.kind == "c" else 0)).astype(dtype).reshape(SHAPE)
    if dtype.kind in "mM":  # units since the epoch
        return (np.arange(count) * 3601 - 100).astype(dtype).reshape(SHAPE)
    if dtype.kind == "U":
        return np.array([text[: dtype.itemsize // 4] for text in strings(count)], dtype=dtype).reshape(SHAPE)
    if dtype.kind == "S":
        return np.array([text.encode()[: dtype.itemsize] for text in strings(count)], dtype=dtype).reshape(
            SHAPE
        )
    raise ValueError(f"no sample values for {dtype}")


def sample(kind: str) -> Array:
    """The values a store holds: of a NumPy type (``"<i4"``, ``"M8[ns]"``), or of an object kind
    (``str``, ``bytes``, ``ragged`` int32 arrays, ``json`` values, ``label`` texts)."""
    count = int(np.prod(SHAPE))
    if kind == "str":
        return objects(strings(count))
    if kind == "bytes":
        return objects([text.encode() for text in strings(count)])
    if kind == "ragged":
        return objects([np.arange(i % 5, dtype="<i4") - i for i in range(count)])
    if kind == "json":
        return objects(json_values(count))
    if kind == "label":
        return objects([LABELS[i % 4] if i % 4 < 3 else LABELS[0] for i in range(count)])
    return numbers(np.dtype(kind))

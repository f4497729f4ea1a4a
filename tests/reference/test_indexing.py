"""Basic indexing reads and writes exactly what NumPy would, across chunk boundaries."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import zn5.reference as zn5
from zn5.reference.store.memory import MemoryStore

SHAPE = (7, 10, 5)
SELECTIONS: dict[str, Any] = {
    "everything": ...,
    "integer": 3,
    "negative-integer": -1,
    "slice": slice(2, 6),
    "step": (slice(None), slice(1, None, 3)),
    "negative-step": (slice(None, None, -2), 4),
    "reverse-range": (slice(5, 1, -1),),
    "ellipsis-last-axis": (..., 2),
    "mixed": (1, slice(3, 9, 2), slice(None, None, -1)),
    "empty": (slice(4, 4),),
    "scalar": (6, 9, 4),
    "past-the-end-slice": (slice(5, 100),),
}


@pytest.fixture(params=["zarr2", "zarr3", "n5"])
def array(request: pytest.FixtureRequest) -> tuple[zn5.Array, np.ndarray[Any, Any]]:
    values = np.arange(np.prod(SHAPE), dtype="int32").reshape(SHAPE)
    created = zn5.create_array(
        MemoryStore(), format=request.param, shape=SHAPE, dtype="int32", chunks=(3, 4, 2)
    )
    created[...] = values
    return created, values


@pytest.mark.parametrize("selection", SELECTIONS.values(), ids=SELECTIONS.keys())
def test_read_matches_numpy(array: tuple[zn5.Array, np.ndarray[Any, Any]], selection: Any) -> None:
    stored, values = array
    np.testing.assert_array_equal(stored[selection], values[selection])


@pytest.mark.parametrize("selection", SELECTIONS.values(), ids=SELECTIONS.keys())
def test_write_matches_numpy(array: tuple[zn5.Array, np.ndarray[Any, Any]], selection: Any) -> None:
    stored, values = array
    replacement = -np.arange(values[selection].size, dtype="int32").reshape(np.shape(values[selection]))
    stored[selection] = replacement
    values[selection] = replacement
    np.testing.assert_array_equal(stored[...], values)


@pytest.mark.parametrize("selection", [(7,), (0, 10), (slice(None),) * 4, (..., ...), ("a",)])
def test_bad_selection_is_a_selection_error(
    array: tuple[zn5.Array, np.ndarray[Any, Any]], selection: Any
) -> None:
    stored, _ = array
    with pytest.raises(zn5.SelectionError) as caught:
        stored[selection]
    assert caught.value.requirement == "CORE-ARRAY-002"

"""The regular chunk grid (reference/model/grid.py): the arithmetic of CORE-GRID-002 and CORE-GRID-003,
checked against a direct count of the elements each chunk covers."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from zn5.reference.model.grid import RegularGrid


@st.composite
def grids(draw: st.DrawFn) -> tuple[tuple[int, ...], RegularGrid]:
    """A shape of up to three axes (zero-length axes included) and a grid of positive chunk lengths."""
    rank = draw(st.integers(0, 3))
    shape = tuple(draw(st.lists(st.integers(0, 9), min_size=rank, max_size=rank)))
    chunks = tuple(draw(st.lists(st.integers(1, 5), min_size=rank, max_size=rank)))
    return shape, RegularGrid(chunks)


def owners(shape: tuple[int, ...], grid: RegularGrid) -> np.ndarray[tuple[int, ...], np.dtype[np.int64]]:
    """For every element, the C-order number of the chunk that holds it, by index arithmetic alone."""
    if not shape:
        return np.zeros((), dtype="int64")
    axes = np.indices(shape)
    per_axis = [axes[i] // c for i, c in enumerate(grid.chunk_shape)]
    grid_shape = tuple(math.ceil(n / c) for n, c in zip(shape, grid.chunk_shape, strict=True))
    return np.ravel_multi_index(per_axis, grid_shape) if all(grid_shape) else np.zeros(shape, "int64")


@given(grids())
def test_the_chunks_tile_the_array(case: tuple[tuple[int, ...], RegularGrid]) -> None:
    """Chunk k covers [k*c, min((k+1)*c, n)) on each axis, from the array's origin (CORE-GRID-002):
    every element is in exactly the chunk the grid names, and the valid parts add up to the array."""
    shape, grid = case
    positions = list(grid.all_chunks(shape))
    assert len(positions) == grid.chunk_count(shape) == math.prod(grid.grid_shape(shape))
    assert positions == sorted(positions)  # C order
    counted = np.bincount(owners(shape, grid).reshape(-1), minlength=len(positions))
    valid = [math.prod(grid.valid_shape(p, shape)) for p in positions]
    assert list(counted[: len(positions)]) == valid
    assert sum(valid) == math.prod(shape)
    for position in positions:
        origin = grid.chunk_origin(position)
        assert all(0 <= o < n for o, n in zip(origin, shape, strict=True))
        assert grid.contains(position, shape)


@given(grids(), st.lists(st.integers(-2, 12), min_size=0, max_size=4))
def test_a_position_outside_the_grid_is_not_a_chunk(
    case: tuple[tuple[int, ...], RegularGrid], position: list[int]
) -> None:
    """Only the positions the grid enumerates are chunks (CORE-KEY-004 relies on this)."""
    shape, grid = case
    assert grid.contains(tuple(position), shape) == (tuple(position) in set(grid.all_chunks(shape)))


def test_an_array_with_an_empty_axis_has_no_chunks() -> None:
    """CORE-GRID-004."""
    grid = RegularGrid((4, 4))
    assert grid.grid_shape((0, 10)) == (0, 3)
    assert grid.chunk_count((0, 10)) == 0
    assert list(grid.all_chunks((0, 10))) == []


def test_a_zero_dimensional_array_has_one_chunk() -> None:
    grid = RegularGrid(())
    assert list(grid.all_chunks(())) == [()]
    assert grid.valid_shape((), ()) == ()

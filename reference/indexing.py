"""Basic NumPy indexing over a chunk grid: integers, slices with steps, and ``...``.

A selection becomes one ``AxisSelection`` per axis (a positive-step range of array indices); for each
chunk the selection touches, :func:`chunk_selections` gives the part of the chunk to use and where it
goes in the output.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product
from typing import Any

from zn5.reference.errors import SelectionError


@dataclass(frozen=True)
class AxisSelection:
    """Indices ``start, start+step, ...`` below ``stop`` on one axis; ``dropped`` for an integer index."""

    start: int
    stop: int
    step: int
    dropped: bool
    reversed: bool = False

    @property
    def count(self) -> int:
        """Number of indices selected."""
        return max(0, math.ceil((self.stop - self.start) / self.step))


@dataclass(frozen=True)
class ChunkSelection:
    """The part of one chunk a selection uses: ``chunk_region`` inside it, ``out_region`` in the output."""

    coords: tuple[int, ...]
    chunk_region: tuple[slice, ...]
    out_region: tuple[slice, ...]


def _axis(item: Any, length: int, axis: int) -> AxisSelection:
    if isinstance(item, slice):
        start, stop, step = item.indices(length)
        if step < 0:
            count = len(range(start, stop, step))
            first = start + (count - 1) * step if count else 0
            return AxisSelection(first, first + (count - 1) * -step + 1 if count else 0, -step, False, True)
        return AxisSelection(start, stop, step, False)
    if hasattr(item, "__index__") and not isinstance(item, bool):
        index = item.__index__()
        if not -length <= index < length:
            raise SelectionError.at(
                "<selection>",
                f"index {index} is out of bounds for axis {axis} of length {length}",
                "CORE-ARRAY-002",
            )
        index %= length
        return AxisSelection(index, index + 1, 1, True)
    raise SelectionError.at(
        "<selection>",
        f"unsupported index {item!r} on axis {axis}; use integers, slices or ...",
        "CORE-ARRAY-002",
    )


def normalize(selection: Any, shape: tuple[int, ...]) -> tuple[AxisSelection, ...]:
    """One AxisSelection per axis for a basic NumPy selection (CORE-ARRAY-002)."""
    items = list(selection) if isinstance(selection, tuple) else [selection]
    if items.count(Ellipsis) > 1:
        raise SelectionError.at("<selection>", "an index can only have one ellipsis", "CORE-ARRAY-002")
    if Ellipsis in items:
        at = items.index(Ellipsis)
        items[at : at + 1] = [slice(None)] * (len(shape) - len(items) + 1)
    if len(items) > len(shape):
        raise SelectionError.at(
            "<selection>", f"{len(items)} indices for an array of {len(shape)} dimensions", "CORE-ARRAY-002"
        )
    items += [slice(None)] * (len(shape) - len(items))
    return tuple(
        _axis(item, length, axis) for axis, (item, length) in enumerate(zip(items, shape, strict=True))
    )


def selection_shape(axes: tuple[AxisSelection, ...]) -> tuple[int, ...]:
    """Shape of the selected block before integer-indexed axes are dropped."""
    return tuple(axis.count for axis in axes)


def _chunk_parts(axis: AxisSelection, chunk: int) -> list[tuple[int, slice, slice]]:
    parts: list[tuple[int, slice, slice]] = []
    if axis.count == 0:
        return parts
    last = axis.start + (axis.count - 1) * axis.step
    for k in range(axis.start // chunk, last // chunk + 1):
        low = max(axis.start, k * chunk)
        first = axis.start + math.ceil((low - axis.start) / axis.step) * axis.step
        high = min(axis.stop, (k + 1) * chunk)
        if first >= high:
            continue
        count = math.ceil((high - first) / axis.step)
        out_start = (first - axis.start) // axis.step
        parts.append(
            (k, slice(first - k * chunk, high - k * chunk, axis.step), slice(out_start, out_start + count))
        )
    return parts


def chunk_selections(
    axes: tuple[AxisSelection, ...], chunk_shape: tuple[int, ...]
) -> Iterator[ChunkSelection]:
    """Every chunk the selection touches, with the regions to copy (C order over chunks)."""
    per_axis = [_chunk_parts(axis, chunk) for axis, chunk in zip(axes, chunk_shape, strict=True)]
    for combination in product(*per_axis):
        yield ChunkSelection(
            coords=tuple(part[0] for part in combination),
            chunk_region=tuple(part[1] for part in combination),
            out_region=tuple(part[2] for part in combination),
        )


def finish(block: Any, axes: tuple[AxisSelection, ...]) -> Any:
    """Flip reversed axes and drop integer-indexed ones, as NumPy does."""
    flips = tuple(slice(None, None, -1) if axis.reversed else slice(None) for axis in axes)
    block = block[flips]
    return block[tuple(0 if axis.dropped else slice(None) for axis in axes)]

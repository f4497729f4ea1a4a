"""A store as the real-data collection compares it (test_real_data.py): every node with its attributes and
values, as a library or the reference reads it, and the differences of two such views value for value
(NaN equals NaN, NaT equals NaT, object arrays element by element)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import zarr
import zarr.codecs
import zarr.dtype

import zn5.reference as zn5

from .real_data_values import Array


@dataclass(frozen=True)
class Node:
    """One node as a reader sees it: array or group, its attributes (as JSON text, so that NaN equals
    NaN), and an array's values."""

    kind: Literal["array", "group"]
    attributes: str
    values: Array | None = None


Tree = dict[str, Node]
"""Every node of a store by its path ("" is the root)."""


def attributes_text(attributes: Any) -> str:
    """Attributes as sorted JSON text; NaN and infinities as JavaScript names, equal when equal."""
    return json.dumps(dict(attributes), sort_keys=True, allow_nan=True)


def zarr_tree(node: Any, path: str = "") -> Iterator[tuple[str, Node]]:
    """What zarr-python 3 reads: every node under ``node``, arrays read whole."""
    if isinstance(node, zarr.Array):
        yield path, Node("array", attributes_text(node.attrs), np.asarray(node[...]))
        return
    yield path, Node("group", attributes_text(node.attrs))
    for name, child in sorted(node.members()):
        yield from zarr_tree(child, f"{path}/{name}".lstrip("/"))


def reference_node(node: zn5.Array | zn5.Group) -> Node:
    """What the reference reads of one node: an array read whole, an N5 dataset's axes reversed, into
    the C-order view zarr-python 2 gives of it (N5-AXIS-001, N5-AXIS-004)."""
    if isinstance(node, zn5.Array):
        values = np.asarray(node[...])
        return Node("array", attributes_text(node.attrs), values.T if node.format == "n5" else values)
    return Node("group", attributes_text(node.attrs))


def reference_tree(node: zn5.Array | zn5.Group, path: str = "") -> Iterator[tuple[str, Node]]:
    """What the reference reads: every node under ``node`` (:func:`reference_node`)."""
    yield path, reference_node(node)
    if isinstance(node, zn5.Group):
        for name, child in node.members():
            yield from reference_tree(child, f"{path}/{name}".lstrip("/"))


def read_with_reference(root: Path) -> Tree:
    """The whole store as the reference reads it; the deviations it tolerates warn, and are let be."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        node = zn5.open(root)
        return dict(reference_tree(node))


# --- Value for value ---------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """An element as comparable Python data: arrays as (type, list), NumPy scalars as Python ones, NaN
    as a marker that equals itself."""
    if isinstance(value, np.ndarray):
        return (value.dtype.str, [plain(v) for v in value.tolist()])
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, dict):
        return {key: plain(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float) and value != value:
        return "NaN"
    return value


def difference(read: Array, expected: Array) -> str | None:
    """How the reference's values differ from the library's, or None when they are the same."""
    if read.shape != expected.shape:
        return f"shape {read.shape} != {expected.shape}"
    if expected.dtype.kind in "mMfcbiu" and read.dtype.kind in "mMfcbiu":
        if (read.dtype.kind, read.dtype.itemsize) != (expected.dtype.kind, expected.dtype.itemsize):
            return f"type {read.dtype} != {expected.dtype}"
        if expected.dtype.kind in "mM":
            same = read.dtype == expected.dtype and np.array_equal(read.view("i8"), expected.view("i8"))
        else:
            same = np.array_equal(read, expected, equal_nan=expected.dtype.kind in "fc")
        return None if same else "values differ"
    for index in np.ndindex(expected.shape):
        if plain(read[index]) != plain(expected[index]):
            return f"element {index}: {read[index]!r} != {expected[index]!r}"
    return None


def tree_differences(read: Tree, expected: Tree) -> list[str]:
    """Every way the reference's read of a store differs from the library's."""
    found = [f"nodes {sorted(read)} != {sorted(expected)}"] if sorted(read) != sorted(expected) else []
    for path in sorted(set(read) & set(expected)):
        mine, theirs = read[path], expected[path]
        if mine.kind != theirs.kind:
            found.append(f"/{path}: {mine.kind} != {theirs.kind}")
        if mine.attributes != theirs.attributes:
            found.append(f"/{path}: attributes {mine.attributes} != {theirs.attributes}")
        if mine.values is not None and theirs.values is not None:
            problem = difference(mine.values, theirs.values)
            if problem is not None:
                found.append(f"/{path}: {problem}")
    return found

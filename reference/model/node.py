"""Nodes of the hierarchy: groups and arrays, their paths and names (spec/core/hierarchy.md)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zn5.reference.model.dtype import DataType
from zn5.reference.model.grid import RegularGrid
from zn5.reference.model.keys import ChunkKeyEncoding

if TYPE_CHECKING:
    from zn5.reference.codecs.base import Codec

MAX_ELEMENTS = 2**62
"""Largest element count an array may declare; larger shapes are rejected (CORE-GRID-005)."""


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a node, or None when it can (CORE-NODE-002)."""
    if name == "":
        return "a node name is empty"
    if name in (".", ".."):
        return f"the node name {name!r} would leave its parent"
    if "/" in name or "\\" in name:
        return f"the node name {name!r} contains a path separator"
    if "\x00" in name:
        return f"the node name {name!r} contains a NUL character"
    return None


def split_path(path: str) -> tuple[str, ...]:
    """The names of a node path such as ``"a/b"`` or ``"/a/b/"``; the root is ``()``.

    Leading and trailing ``/`` are ignored; every name must pass :func:`name_problem`
    (CORE-NODE-001, CORE-NODE-002). Raises ValueError naming the offending part.
    """
    stripped = path.strip("/")
    if not stripped:
        return ()
    names = tuple(stripped.split("/"))
    for name in names:
        problem = name_problem(name)
        if problem is not None:
            raise ValueError(f"{problem} in path {path!r}")
    return names


def join_path(*names: str) -> str:
    """The normalised node path of ``names`` (no leading or trailing ``/``)."""
    return "/".join(name for name in names if name)


def prefix(path: str) -> str:
    """The store key prefix of the node at ``path``: ``""`` for the root, else ``path + "/"``."""
    return f"{path}/" if path else ""


@dataclass(frozen=True)
class GroupModel:
    """A group: a node that holds other nodes and attributes (CORE-NODE-003)."""

    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ArrayModel:
    """An array: everything needed to find, decode and interpret its chunks (CORE-ARRAY-001)."""

    shape: tuple[int, ...]
    data_type: DataType
    chunk_grid: RegularGrid
    chunk_key_encoding: ChunkKeyEncoding
    fill_value: bytes | None
    codecs: tuple[Codec, ...]
    dimension_names: tuple[str | None, ...] | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return len(self.shape)

    @property
    def size(self) -> int:
        """Number of elements."""
        return math.prod(self.shape)

    @property
    def fill_bytes(self) -> bytes:
        """The fill element's bytes; an undefined fill value reads as zero bytes (CORE-FILL-004)."""
        return self.data_type.zeros_bytes() if self.fill_value is None else self.fill_value

"""Groups: nodes that hold other nodes and attributes (spec/core/hierarchy.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from zn5.reference.array import Array, StoredNode
from zn5.reference.errors import NodeNotFoundError, StoreError
from zn5.reference.formats.dialect import dialect, read_node
from zn5.reference.model.node import ArrayModel, GroupModel, join_path, name_problem, prefix

if TYPE_CHECKING:
    from zn5.reference.api import Node


class Group(StoredNode[GroupModel]):
    """A group node of a store."""

    def __repr__(self) -> str:
        return f"<zn5 Group {self.format} /{self.path}>"

    def _child_path(self, name: str) -> str:
        """The path of a member, or of a node further down given by a relative path ``"a/b/c"``; every
        name must be valid, so ``..`` and empty segments are refused (CORE-NODE-002)."""
        for part in name.split("/"):
            problem = name_problem(part)
            if problem is not None:
                raise StoreError.at(prefix(self.path) + name, f"{problem} in {name!r}", "CORE-NODE-002")
        return join_path(self.path, name)

    def members(self) -> Iterator[tuple[str, Node]]:
        """The children of the group, sorted by name (CORE-NODE-006)."""
        _keys, names = self.store.list_dir(prefix(self.path))
        for name in names:
            if name_problem(name) is not None:
                continue
            child = self._open_child(name)
            if child is not None:
                yield name, child

    def __iter__(self) -> Iterator[str]:
        return (name for name, _node in self.members())

    def _open_child(self, name: str) -> Node | None:
        path = self._child_path(name)
        model = read_node(self.store, path, self.format)
        if model is None:
            implicit = (
                dialect(self.format).implicit_groups
                and next(self.store.list_prefix(prefix(path)), None) is not None
            )
            return Group(self.store, path, GroupModel(), self.format) if implicit else None
        if isinstance(model, ArrayModel):
            return Array(self.store, path, model, self.format)
        return Group(self.store, path, model, self.format)

    def __getitem__(self, name: str) -> Node:
        """The member ``name``, or the node at a relative path such as ``"obs/temperature"``, opened
        from its own metadata whatever the nodes between hold (CORE-NODE-004)."""
        node = self._open_child(name)
        if node is None:
            raise NodeNotFoundError.at(prefix(self.path) + name, "no group or array here", "CORE-NODE-004")
        return node

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or any(name_problem(part) is not None for part in name.split("/")):
            return False
        return self._open_child(name) is not None

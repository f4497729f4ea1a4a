"""zn5.reference: the reference implementation of the Zarr/N5 Unified Specification.

Open a store with :func:`open`, create nodes with :func:`create_array` and :func:`create_group`.
"""

from zn5.reference.api import as_store, create_array, create_group, open, open_array, open_group
from zn5.reference.array import Array
from zn5.reference.errors import (
    ChunkError,
    CodecError,
    MetadataError,
    NodeNotFoundError,
    SelectionError,
    StoreError,
    UnsupportedError,
    ZN5Error,
)
from zn5.reference.group import Group

__all__ = [
    "Array",
    "ChunkError",
    "CodecError",
    "Group",
    "MetadataError",
    "NodeNotFoundError",
    "SelectionError",
    "StoreError",
    "UnsupportedError",
    "ZN5Error",
    "as_store",
    "create_array",
    "create_group",
    "open",
    "open_array",
    "open_group",
]

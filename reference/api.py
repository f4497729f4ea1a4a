"""The public entry points: open a node, create arrays and groups."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

import numpy as np

from zn5.reference.array import Array
from zn5.reference.codecs.base import ChunkSpec, Codec
from zn5.reference.codecs.bytes import Endian
from zn5.reference.codecs.pipeline import CodecPipeline
from zn5.reference.errors import MetadataError, NodeNotFoundError, StoreError
from zn5.reference.formats.chain import ChainOptions
from zn5.reference.formats.deviations import MissingGroupDocumentWarning
from zn5.reference.formats.dialect import detect_format, dialect, node_documents, read_node, write_node
from zn5.reference.group import Group
from zn5.reference.model.dtype import DataType
from zn5.reference.model.grid import RegularGrid
from zn5.reference.model.keys import KeyEncodingName, Separator
from zn5.reference.model.node import ArrayModel, GroupModel, join_path, prefix, split_path
from zn5.reference.store.base import Store
from zn5.reference.store.local import LocalStore
from zn5.reference.store.remote import RemoteStore, is_remote_url, scheme_of
from zn5.reference.store.zip import ZipStore

Node = Array | Group
StoreLike = Store | str | os.PathLike[str]
Mode = Literal["r", "r+", "w"]


def as_store(
    target: StoreLike, mode: Mode = "r", *, storage_options: Mapping[str, Any] | None = None
) -> Store:
    """The store behind a path or URL, or a Store itself.

    A directory or a ``.zip`` file; ``file://`` URLs are local paths; ``s3://``, ``gs://`` and
    ``http(s)://`` URLs (read-only) are remote stores (``pip install 'zn5[remote]'``) opened with
    ``storage_options`` as zarr-python and xarray take them (STORE-REMOTE-001); a remote ``.zip`` is read
    through byte ranges of the archive.
    """
    if isinstance(target, Store):
        return target
    name = os.fspath(target)
    if scheme_of(name) == "file":
        name = name[len("file://") :]
    if is_remote_url(name):
        if name.endswith(".zip"):
            return _remote_zip(name, mode, storage_options)
        return RemoteStore(name, storage_options=storage_options, writable=mode != "r")
    if scheme_of(name):
        raise StoreError.at(name, f"no store for URLs of scheme {scheme_of(name)!r}", "STORE-REMOTE-001")
    if name.endswith(".zip"):
        return ZipStore(name, "r" if mode == "r" else "w")
    return LocalStore(name, writable=mode != "r")


def _remote_zip(url: str, mode: Mode, storage_options: Mapping[str, Any] | None) -> ZipStore:
    """A zip archive behind a URL, read member by member through byte ranges (read-only)."""
    if mode != "r":
        raise StoreError.at(url, "a remote zip store is read-only", "STORE-API-004")
    remote = RemoteStore(url, storage_options=storage_options)
    try:
        file = remote.fs.open(remote.url if not remote.listable else remote.root, "rb")
    except FileNotFoundError:
        raise StoreError.at(url, "no such zip file", "STORE-REMOTE-004") from None
    except Exception as error:
        raise StoreError.at(url, f"cannot open the zip file: {error}", "STORE-REMOTE-004") from None
    return ZipStore(file, "r")


def _node_path(path: str) -> str:
    try:
        return join_path(*split_path(path))
    except ValueError as error:
        raise StoreError.at(path or "/", str(error), "CORE-NODE-002") from None


def open(
    target: StoreLike,
    mode: Mode = "r",
    *,
    format: str | None = None,
    path: str = "",
    storage_options: Mapping[str, Any] | None = None,
) -> Node:
    """The group or array at ``path`` of a store; the format is detected unless given (CORE-NODE-004).

    ``target`` may be a URL (``s3://``, ``gs://``, ``https://``, ``file://``) opened with
    ``storage_options`` (STORE-REMOTE-001)."""
    store = as_store(target, mode, storage_options=storage_options)
    node_path = _node_path(path)
    format_name = format or detect_format(store, node_path)
    format_dialect = dialect(format_name)
    model = read_node(store, node_path, format_name)
    if isinstance(model, ArrayModel):
        return Array(store, node_path, model, format_name)
    if model is not None:
        return Group(store, node_path, model, format_name)
    if not store.listable or next(store.list_prefix(prefix(node_path)), None) is None:
        raise NodeNotFoundError.at(node_path or "/", "no group or array here", "CORE-NODE-004")
    if not format_dialect.implicit_groups:
        warnings.warn(
            f"/{node_path} has no group metadata; opened as an implicit group (CORE-NODE-009; "
            "known deviation CORE-DEVIATION-005)",
            MissingGroupDocumentWarning,
            stacklevel=2,
        )
    return Group(store, node_path, GroupModel(), format_name)


def open_array(
    target: StoreLike,
    mode: Mode = "r",
    *,
    format: str | None = None,
    path: str = "",
    storage_options: Mapping[str, Any] | None = None,
) -> Array:
    """The array at ``path``; a group there is a NodeNotFoundError."""
    node = open(target, mode, format=format, path=path, storage_options=storage_options)
    if not isinstance(node, Array):
        raise NodeNotFoundError.at(path or "/", "a group is here, not an array", "CORE-NODE-004")
    return node


def open_group(
    target: StoreLike,
    mode: Mode = "r",
    *,
    format: str | None = None,
    path: str = "",
    storage_options: Mapping[str, Any] | None = None,
) -> Group:
    """The group at ``path``; an array there is a NodeNotFoundError."""
    node = open(target, mode, format=format, path=path, storage_options=storage_options)
    if not isinstance(node, Group):
        raise NodeNotFoundError.at(path or "/", "an array is here, not a group", "CORE-NODE-004")
    return node


def create_array(
    target: StoreLike,
    *,
    format: str,
    shape: Sequence[int],
    dtype: Any,
    chunks: Sequence[int],
    path: str = "",
    fill_value: Any = 0,
    order: Literal["C", "F"] = "C",
    compressor: Codec | None = None,
    filters: Sequence[Codec] = (),
    codecs: Sequence[Codec] | None = None,
    endian: Endian | None = None,
    chunk_key_encoding: KeyEncodingName | None = None,
    dimension_separator: Separator | None = None,
    dimension_names: Sequence[str | None] | None = None,
    attributes: Mapping[str, Any] | None = None,
    overwrite: bool = False,
    storage_options: Mapping[str, Any] | None = None,
) -> Array:
    """Create an array node and its missing ancestor groups; return it open for reading and writing.

    ``codecs`` gives the whole chain; otherwise the format builds it from ``order``, ``filters``,
    ``endian`` (default: the byte order of ``dtype``, else little) and ``compressor`` (N5: the compressor
    alone); the format also picks the chunk key encoding that is not given.
    ``fill_value=None`` is Zarr v2's undefined fill. ``target`` may be a writable URL (``s3://``,
    ``gs://``, ``file://``) opened with ``storage_options`` (STORE-REMOTE-001).
    """
    store = as_store(target, "w", storage_options=storage_options)
    node_path = _node_path(path)
    format_dialect = dialect(format)
    data_type = DataType.of(dtype)
    big = not data_type.is_variable and _big_endian(np.dtype(dtype))
    byte_order: Endian = endian or ("big" if big else "little")
    chain = (
        tuple(codecs)
        if codecs is not None
        else format_dialect.new_codecs(
            ChainOptions(len(shape), data_type, order, tuple(filters), compressor, byte_order)
        )
    )
    chain = format_dialect.complete_codecs(chain, data_type, len(shape))
    model = ArrayModel(
        shape=tuple(int(n) for n in shape),
        data_type=data_type,
        chunk_grid=RegularGrid(tuple(int(n) for n in chunks)),
        chunk_key_encoding=format_dialect.key_encoding(chunk_key_encoding, dimension_separator),
        fill_value=None if fill_value is None else data_type.to_bytes(fill_value),
        codecs=chain,
        dimension_names=None if dimension_names is None else tuple(dimension_names),
        attributes=dict(attributes or {}),
    )
    model = _check_new_array(model)
    _create_node(store, node_path, model, format, overwrite)
    return Array(store, node_path, model, format)


def _big_endian(dtype: np.dtype[Any]) -> bool:
    """Whether ``dtype`` is big endian: a record when its multi-byte fields are (CORE-STRUCT-002)."""
    if dtype.fields is not None:
        return any(_big_endian(field) for field, *_ in dtype.fields.values())
    return dtype.byteorder == ">"


def _check_new_array(model: ArrayModel) -> ArrayModel:
    """The model with its codecs completed; refuse a grid or chain that cannot work, before any write."""
    if len(model.chunk_grid.chunk_shape) != model.ndim or min(model.chunk_grid.chunk_shape, default=1) < 1:
        raise MetadataError.at("<new array>", "chunks needs one positive length per axis", "CORE-GRID-001")
    try:
        pipeline = CodecPipeline.of(model.codecs)
    except ValueError as error:
        raise MetadataError.at("<new array>", str(error), "CORE-CODEC-001") from None
    grid = model.chunk_grid.chunk_shape
    spec = ChunkSpec(grid, model.data_type.numpy_dtype, model.fill_bytes, grid, "<new array>")
    problems = pipeline.problems(spec)
    if problems:
        index, message, requirement = problems[0]
        raise MetadataError.at("<new array>", message, requirement, f"codecs[{index}]")
    return replace(model, codecs=pipeline.completed(spec))


def create_group(
    target: StoreLike,
    *,
    format: str,
    path: str = "",
    attributes: Mapping[str, Any] | None = None,
    overwrite: bool = False,
    storage_options: Mapping[str, Any] | None = None,
) -> Group:
    """Create a group node and its missing ancestor groups (a URL as in :func:`create_array`)."""
    store = as_store(target, "w", storage_options=storage_options)
    node_path = _node_path(path)
    model = GroupModel(dict(attributes or {}))
    _create_node(store, node_path, model, format, overwrite)
    return Group(store, node_path, model, format)


def _create_node(
    store: Store, node_path: str, model: ArrayModel | GroupModel, format_name: str, overwrite: bool
) -> None:
    """Write a new node: its documents are encoded first, so that what the format cannot hold (a NaN
    attribute, CORE-META-001; a type without a form) is refused before anything is written; then an
    existing node is refused or cleared and missing ancestors are written (CORE-NODE-007)."""
    documents = node_documents(node_path, model, format_name)
    _prepare(store, node_path, format_name, overwrite)
    for key, raw in documents.items():
        store.set(key, raw)


def _prepare(store: Store, node_path: str, format_name: str, overwrite: bool) -> None:
    """Refuse or clear an existing node; write group documents for missing ancestors (CORE-NODE-007).

    A name the format reserves is refused before anything is written (ZARR3-NODE-001).
    """
    format_dialect = dialect(format_name)
    for name in split_path(node_path):
        format_dialect.check_new_name(name, node_path)
    if read_node(store, node_path, format_name) is not None:
        if not overwrite:
            raise StoreError.at(
                prefix(node_path) or "/", "a node exists here; pass overwrite=True", "CORE-NODE-007"
            )
        for key in list(store.list_prefix(prefix(node_path))):
            store.delete(key)
    names = split_path(node_path)
    for depth in range(len(names)):
        ancestor = "/".join(names[:depth])
        if read_node(store, ancestor, format_name) is None:
            write_node(store, ancestor, GroupModel(), format_name)


__all__ = ["Array", "Group", "Node", "as_store", "create_array", "create_group", "open"]

"""How ``zn5 validate`` finds the keys of a store that cannot be listed, such as an HTTP server.

A listable store is listed (``"listed"``). Otherwise the metadata documents come from the consolidated
metadata at the root, Zarr v2's ``.zmetadata`` or Zarr v3's ``consolidated_metadata`` member
(``"consolidated"``), or from node paths the user names (``"paths"``); each document they name is read
from the store itself, never taken from the consolidated copy, and one that is absent is no node
(STORE-REMOTE-002). Chunk keys are not listed: with ``--chunks`` every chunk key of each array's grid is
fetched, a batch at a time, concurrently, and the bytes of those the store holds go to the checker, so that
a chunk costs one request (STORE-REMOTE-006).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from itertools import islice, product
from typing import Any, Final, Literal

from zn5.reference.errors import Problem, StoreError
from zn5.reference.model.node import ArrayModel, prefix
from zn5.reference.store.base import Store

Listing = Literal["listed", "consolidated", "paths"]

UNLISTED: Final = "STORE-REMOTE-002"
"""A store that cannot list is read through consolidated metadata or explicit paths (STORE-REMOTE-002)."""
DOCUMENT_NAMES: Final = ("zarr.json", ".zarray", ".zgroup", ".zattrs", ".zmetadata", "attributes.json")
ZARR2_CONSOLIDATED: Final = ".zmetadata"
ZARR3_DOCUMENT: Final = "zarr.json"


def _json(store: Store, key: str) -> Any:
    raw = store.get(key)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _present(store: Store, key: str) -> bool:
    """Whether ``key`` holds a value; a key that cannot be probed (403, 5xx) counts as present, so that
    reading it reports the error instead of skipping it (STORE-REMOTE-004)."""
    try:
        return store.contains(key)
    except StoreError:
        return True


def _existing(store: Store, keys: Iterable[str]) -> Iterator[str]:
    """The keys of ``keys`` that hold a value, probed ``store.concurrency`` at a time (STORE-REMOTE-006)."""
    work = iter(keys)
    with ThreadPoolExecutor(max(1, store.concurrency)) as pool:
        while batch := list(islice(work, max(1, store.concurrency) * 4)):
            for key, present in zip(batch, pool.map(partial(_present, store), batch), strict=True):
                if present:
                    yield key


def zarr3_consolidated(document: Any) -> dict[str, Any] | None:
    """The ``metadata`` object of a Zarr v3 group's ``consolidated_metadata``, when it has one."""
    if not isinstance(document, dict) or document.get("node_type") != "group":
        return None
    consolidated = document.get("consolidated_metadata")
    entries = consolidated.get("metadata") if isinstance(consolidated, dict) else None
    return entries if isinstance(entries, dict) else None


def consolidated_keys(store: Store) -> list[str] | None:
    """The metadata keys the root's consolidated metadata names and the store holds; None without any."""
    found: list[str] = []
    zarr2 = _json(store, ZARR2_CONSOLIDATED)
    if isinstance(zarr2, dict) and isinstance(zarr2.get("metadata"), dict):
        found.append(ZARR2_CONSOLIDATED)
        found.extend(key for key in zarr2["metadata"] if isinstance(key, str))
    zarr3 = zarr3_consolidated(_json(store, ZARR3_DOCUMENT))
    if zarr3 is not None:
        found.append(ZARR3_DOCUMENT)
        found.extend(prefix(path) + ZARR3_DOCUMENT for path in zarr3 if isinstance(path, str) and path)
    if not found:
        return None
    names = sorted(set(found))
    return list(_existing(store, names))


def path_keys(store: Store, paths: Sequence[str]) -> list[str]:
    """The metadata documents the store holds at the node ``paths`` (and at the root)."""
    nodes = sorted({path.strip("/") for path in paths} | {""})
    return list(_existing(store, (prefix(node) + name for node in nodes for name in DOCUMENT_NAMES)))


def metadata_keys(store: Store, paths: Sequence[str]) -> tuple[Listing, list[str]]:
    """How an unlisted store is listed, and its metadata keys; StoreError when neither way is open."""
    if paths:
        keys = path_keys(store, paths)
        extra = consolidated_keys(store) or []
        return "paths", sorted(set(keys) | set(extra))
    keys_found = consolidated_keys(store)
    if keys_found is None:
        raise StoreError.at(
            "/",
            "the store cannot be listed and its root has no consolidated metadata (.zmetadata, or "
            "consolidated_metadata in zarr.json); name the nodes to check with --path",
            UNLISTED,
        )
    return "consolidated", keys_found


def stored_chunks(store: Store, array_prefix: str, model: ArrayModel) -> Iterator[tuple[str, bytes | None]]:
    """The chunks of an array's grid that the store holds, with their bytes: every key is fetched,
    ``store.concurrency`` at a time, and one that is absent is no chunk (STORE-REMOTE-006). A key that
    cannot be fetched (403, 5xx) comes without its bytes, so that the checker reads it again and reports
    the error (STORE-REMOTE-004). One request per grid position: no existence probe before the read."""
    grid = model.chunk_grid.grid_shape(model.shape)
    encode = model.chunk_key_encoding.encode
    keys = (array_prefix + encode(coords) for coords in product(*map(range, grid)))
    while batch := list(islice(keys, max(1, store.concurrency))):
        yield from _held(store, batch)


def _held(store: Store, keys: list[str]) -> Iterator[tuple[str, bytes | None]]:
    """The keys of ``keys`` that hold a value, with it, fetched in one ``get_many``; when that fails, one
    by one, a key whose read fails coming with None."""
    try:
        values = store.get_many(keys)
    except StoreError:
        yield from _held_alone(store, keys)
        return
    yield from ((key, value) for key, value in zip(keys, values, strict=True) if value is not None)


def _held_alone(store: Store, keys: list[str]) -> Iterator[tuple[str, bytes | None]]:
    for key in keys:
        try:
            value = store.get(key)
        except StoreError:
            yield key, None
            continue
        if value is not None:
            yield key, value


def _comparable(document: Any) -> str:
    """A document as compared with its consolidated copy: nested consolidated metadata left out."""
    if isinstance(document, dict):
        document = {name: value for name, value in document.items() if name != "consolidated_metadata"}
    return json.dumps(document, sort_keys=True)


def zarr3_consolidated_problems(store: Store, key: str, entries: dict[str, Any]) -> Iterator[Problem]:
    """Where a Zarr v3 group's ``consolidated_metadata`` disagrees with the documents it copies: the stored
    document is the one readers use, the copy is stale (STORE-REMOTE-002)."""
    base = key[: -len(ZARR3_DOCUMENT)]
    for path, entry in sorted(entries.items()):
        location = f"consolidated_metadata.metadata.{path}"
        stored = _json(store, base + prefix(path) + ZARR3_DOCUMENT)
        if stored is None:
            yield Problem(
                key, location, "names a node whose zarr.json the store does not hold", UNLISTED, "warning"
            )
        elif _comparable(stored) != _comparable(entry):
            yield Problem(
                key, location, f"differs from {base + prefix(path) + ZARR3_DOCUMENT}", UNLISTED, "warning"
            )

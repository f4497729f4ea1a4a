"""The store the ``zn5 validate`` tests build with the reference, and edits that break it one way each."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np

import zn5.reference as zn5
from zn5.conformance.validation.walk import Validation
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.errors import Problem
from zn5.reference.formats.documents import dump_json
from zn5.reference.store.base import Store
from zn5.reference.store.memory import MemoryStore

CHUNK = {"zarr2": "g/a/0.0", "zarr3": "g/a/c/0/0", "n5": "g/a/0/0"}


def build(format_name: str, **options: Any) -> MemoryStore:
    """A root group with attributes, and an int32 array g/a of shape (6, 5) in chunks (4, 4), all written."""
    store = MemoryStore()
    zn5.create_group(store, format=format_name, attributes={"title": "test"})
    array = zn5.create_array(
        store,
        format=format_name,
        path="g/a",
        shape=(6, 5),
        dtype=options.pop("dtype", "int32"),
        chunks=(4, 4),
        compressor=options.pop("compressor", Gzip(1)),
        **options,
    )
    array[...] = np.arange(30, dtype="int32").reshape(6, 5)
    return store


def run(store: Store, **options: Any) -> list[Problem]:
    return list(Validation(store, **options).problems())


def edit(key: str, change: Callable[[dict[str, Any]], None]) -> Callable[[MemoryStore], None]:
    """A mutation that changes the JSON document at ``key``."""

    def mutate(store: MemoryStore) -> None:
        document = json.loads(store.values[key])
        change(document)
        store.values[key] = dump_json(document)

    return mutate


def setting(member: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document[member] = value

    return change


def removing(member: str) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        del document[member]

    return change


def in_codec(index: int, member: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["codecs"][index].setdefault("configuration", {})[member] = value

    return change


def put(key: str, value: bytes) -> Callable[[MemoryStore], None]:
    def mutate(store: MemoryStore) -> None:
        store.values[key] = value

    return mutate


def delete(key: str) -> Callable[[MemoryStore], None]:
    def mutate(store: MemoryStore) -> None:
        del store.values[key]

    return mutate


def bare_nan(store: MemoryStore) -> bytes:
    """The array's zarr.json with its fill value written as a bare NaN token, as zarrita-py did."""
    document = json.loads(store.values["g/a/zarr.json"])
    document["fill_value"] = float("nan")
    return json.dumps(document).encode()

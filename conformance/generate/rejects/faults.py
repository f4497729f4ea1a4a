"""How a reject case breaks a valid store: edits of its metadata documents and of its stored chunks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from zn5.reference.store.memory import MemoryStore

DOCUMENT = {"zarr2": "array/.zarray", "zarr3": "array/zarr.json", "n5": "array/attributes.json"}
DELETE = object()

Fault = Callable[[MemoryStore], None]


def set_member(path: str, value: Any) -> Fault:
    """Set (or with DELETE remove) a member of the array's metadata document; ``a.b.0`` walks into it."""

    def fault(store: MemoryStore) -> None:
        format_name = next(name for name, key in DOCUMENT.items() if key in store.values)
        document = json.loads(store.values[DOCUMENT[format_name]])
        target = document
        *parents, last = path.split(".")
        for parent in parents:
            target = target[int(parent)] if parent.isdigit() else target[parent]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
        store.values[DOCUMENT[format_name]] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()

    return fault


def _set_root_document_member(key: str, name: str, value: Any) -> Fault:
    """Set a top-level member of the JSON document stored under ``key``."""

    def fault(store: MemoryStore) -> None:
        document = json.loads(store.values[key])
        document[name] = value
        store.values[key] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()

    return fault


def set_group_member(name: str, value: Any) -> Fault:
    """Set a member of the root group's document (Zarr v3)."""
    return _set_root_document_member("zarr.json", name, value)


def replace_document(raw: bytes) -> Fault:
    """Replace the array's metadata document with ``raw``."""

    def fault(store: MemoryStore) -> None:
        key = next(key for key in DOCUMENT.values() if key in store.values)
        store.values[key] = raw

    return fault


def faults(*steps: Fault) -> Fault:
    """Several edits applied in order, as one fault."""

    def fault(store: MemoryStore) -> None:
        for step in steps:
            step(store)

    return fault


def set_root_member(name: str, value: Any) -> Fault:
    """Set a member of the root's N5 attributes.json."""
    return _set_root_document_member("attributes.json", name, value)


def add_value(key: str, raw: bytes) -> Fault:
    """Store a value under a key that held none."""

    def fault(store: MemoryStore) -> None:
        store.values[key] = raw

    return fault


def append_to_chunk(key: str, raw: bytes) -> Fault:
    """Append bytes to a stored chunk."""

    def fault(store: MemoryStore) -> None:
        store.values[key] += raw

    return fault


def cut_chunk(key: str, count: int) -> Fault:
    """Remove the last ``count`` bytes of a stored chunk."""

    def fault(store: MemoryStore) -> None:
        store.values[key] = store.values[key][:-count]

    return fault


def flip_byte(key: str, offset: int) -> Fault:
    """Invert the bits of one byte of a stored chunk."""

    def fault(store: MemoryStore) -> None:
        value = bytearray(store.values[key])
        value[offset] ^= 0xFF
        store.values[key] = bytes(value)

    return fault


def replace_chunk(key: str, raw: bytes) -> Fault:
    """Replace one stored chunk."""

    def fault(store: MemoryStore) -> None:
        store.values[key] = raw

    return fault


def flip_last_byte(key: str) -> Fault:
    """Corrupt one byte at the end of a stored chunk."""

    def fault(store: MemoryStore) -> None:
        value = store.values[key]
        store.values[key] = value[:-1] + bytes([value[-1] ^ 0xFF])

    return fault

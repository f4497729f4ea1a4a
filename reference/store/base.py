"""The store contract: get, ranged get, set, delete and list over string keys (spec/core/stores.md).

Keys are ``/``-separated names. A key that is empty, absolute, has an empty segment, or has a ``.``
or ``..`` segment could escape the store and is refused before any I/O (STORE-KEY-001).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from zn5.reference.errors import StoreError


def check_key(key: str) -> str:
    """Return ``key`` if it is a safe store key; raise StoreError otherwise (STORE-KEY-001)."""
    segments = key.split("/")
    bad = (
        not key
        or "\\" in key
        or "\x00" in key
        or any(segment in ("", ".", "..") for segment in segments)
        or (len(key) > 1 and key[1] == ":")
    )
    if bad:
        raise StoreError.at(key or "<empty key>", f"unsafe store key {key!r}", "STORE-KEY-001")
    return key


def slice_range(value: bytes, start: int, length: int | None) -> bytes:
    """``length`` bytes of ``value`` from ``start`` (negative: from the end), cut at its end."""
    begin = start if start >= 0 else max(0, len(value) + start)
    return value[begin:] if length is None else value[begin : begin + length]


class Store(ABC):
    """A mapping from keys to bytes (STORE-API-001)."""

    writable: bool = True
    listable: bool = True
    """False for a store that cannot enumerate its keys, such as HTTP (STORE-REMOTE-001)."""
    concurrency: int = 1
    """How many reads a caller may usefully run at once: 1 for local I/O, more for a network store whose
    latency concurrent requests hide (STORE-REMOTE-003)."""

    @abstractmethod
    def get(self, key: str) -> bytes | None:
        """The value at ``key``, or None when there is none."""

    def get_range(self, key: str, start: int, length: int | None) -> bytes | None:
        """``length`` bytes of the value from ``start``; a negative ``start`` counts from the end.

        (STORE-API-002)

        Ranges that reach past the value are cut at its end. None when the key has no value.
        """
        value = self.get(key)
        return None if value is None else slice_range(value, start, length)

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The values at ``keys``, in order, each as :meth:`get` gives it; a network store fetches them
        concurrently (STORE-REMOTE-003)."""
        return [self.get(key) for key in keys]

    def contains(self, key: str) -> bool:
        """Whether ``key`` has a value."""
        return self.get(key) is not None

    @abstractmethod
    def set(self, key: str, value: bytes) -> None:
        """Store ``value`` at ``key``; readers see the old or the new value, never a mix (STORE-WRITE-001)."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove ``key`` if present."""

    @abstractmethod
    def list_prefix(self, prefix: str) -> Iterator[str]:
        """Every key that starts with ``prefix``, in no particular order."""

    def list_dir(self, prefix: str) -> tuple[list[str], list[str]]:
        """The keys directly under ``prefix`` and the sub-prefix names, both sorted (STORE-API-003)."""
        keys: set[str] = set()
        children: set[str] = set()
        for key in self.list_prefix(prefix):
            head, sep, _rest = key[len(prefix) :].partition("/")
            (children if sep else keys).add(head)
        return sorted(keys), sorted(children)

    def require_writable(self, key: str) -> None:
        """Raise StoreError when the store is read-only."""
        if not self.writable:
            raise StoreError.at(key, "the store was opened read-only", "STORE-API-004")


@dataclass
class StoreByteGetter:
    """A ByteGetter for one key of a store (used by partial decoders such as sharding)."""

    store: Store
    key: str

    def get(self) -> bytes | None:
        """The whole value."""
        return self.store.get(self.key)

    def get_range(self, start: int, length: int | None) -> bytes | None:
        """Part of the value."""
        return self.store.get_range(self.key, start, length)

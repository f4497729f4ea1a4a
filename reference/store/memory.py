"""A store held in a dictionary."""

from __future__ import annotations

from collections.abc import Iterator

from zn5.reference.store.base import Store, check_key, slice_range


class MemoryStore(Store):
    """Keys and values in memory; values are immutable bytes."""

    def __init__(self, values: dict[str, bytes] | None = None) -> None:
        self.values: dict[str, bytes] = dict(values or {})

    def get(self, key: str) -> bytes | None:
        return self.values.get(check_key(key))

    def get_range(self, key: str, start: int, length: int | None) -> bytes | None:
        value = self.values.get(check_key(key))
        return None if value is None else slice_range(value, start, length)

    def set(self, key: str, value: bytes) -> None:
        self.require_writable(key)
        self.values[check_key(key)] = bytes(value)

    def delete(self, key: str) -> None:
        self.require_writable(key)
        self.values.pop(check_key(key), None)

    def list_prefix(self, prefix: str) -> Iterator[str]:
        return (key for key in list(self.values) if key.startswith(prefix))

"""A store in a directory of the local file system.

Each key is a file path under the root. A write goes to a temporary file in the target's directory
and is renamed into place, so a reader or a crash never sees a partly written value (STORE-WRITE-001).
Writers of different keys never touch each other's files, so processes that write disjoint chunks of
one array may run at once (STORE-WRITE-002).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from zn5.reference.errors import StoreError
from zn5.reference.store.base import Store, check_key

TEMPORARY_PREFIX = ".zn5-partial-"


class LocalStore(Store):
    """Keys are files below ``root``."""

    def __init__(self, root: str | os.PathLike[str], *, writable: bool = True) -> None:
        self.root = Path(root)
        self.writable = writable

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    def path(self, key: str) -> Path:
        """The file that holds ``key``."""
        return self.root.joinpath(*check_key(key).split("/"))

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        except OSError as error:
            raise StoreError.at(
                key, f"cannot read {self.path(key)}: {error.strerror}", "STORE-API-001"
            ) from None

    def get_range(self, key: str, start: int, length: int | None) -> bytes | None:
        try:
            with self.path(key).open("rb") as file:
                if start < 0:
                    file.seek(max(0, file.seek(0, os.SEEK_END) + start))
                else:
                    file.seek(start)
                return file.read() if length is None else file.read(length)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def set(self, key: str, value: bytes) -> None:
        self.require_writable(key)
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(value)
            Path(temporary).replace(target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def delete(self, key: str) -> None:
        self.require_writable(key)
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            self.path(key).unlink()

    def list_prefix(self, prefix: str) -> Iterator[str]:
        directory, _, _ = prefix.rpartition("/")
        start = self.root.joinpath(*directory.split("/")) if directory else self.root
        for folder, subfolders, files in os.walk(start):
            subfolders.sort()
            relative = Path(folder).relative_to(self.root).as_posix()
            base = "" if relative == "." else f"{relative}/"
            for name in sorted(files):
                key = base + name
                if key.startswith(prefix) and not name.startswith(TEMPORARY_PREFIX):
                    yield key

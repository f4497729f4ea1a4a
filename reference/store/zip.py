"""A store in a zip file: read any zip, or write a new one key by key (uncompressed entries)."""

from __future__ import annotations

import os
import threading
import zipfile
from collections.abc import Iterator
from typing import IO, Literal

from zn5.reference.errors import StoreError
from zn5.reference.store.base import Store, check_key


class ZipStore(Store):
    """Keys are the member names of a zip file. A zip member cannot be replaced, so each key is written once.

    One lock serialises access to the archive, which is not safe to use from several threads at once.
    """

    def __init__(self, path: str | os.PathLike[str] | IO[bytes], mode: Literal["r", "w"] = "r") -> None:
        """``path`` is a file name or an open binary file (such as a remote zip that fsspec opened, whose
        members are then read by byte range)."""
        if isinstance(path, str | os.PathLike):
            self.path = os.fspath(path)
        else:
            self.path = str(getattr(path, "path", "<zip file>"))
        self.writable = mode == "w"
        self.archive = zipfile.ZipFile(path, mode)
        self.lock = threading.Lock()

    def __reduce__(self) -> tuple[type[ZipStore], tuple[str, Literal["r"]]]:
        """A zip store open for reading pickles as its path, so that another process (a dask worker
        of ``zn5 validate --dask``) opens the file itself; one being written cannot be shared."""
        if self.writable:
            raise TypeError(f"a zip store being written ({self.path}) cannot be sent to another process")
        return (ZipStore, (self.path, "r"))

    def close(self) -> None:
        """Finish the zip file."""
        self.archive.close()

    def __enter__(self) -> ZipStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            try:
                return bytes(self.archive.read(check_key(key)))
            except KeyError:
                return None

    def get_range(self, key: str, start: int, length: int | None) -> bytes | None:
        with self.lock:
            try:
                info = self.archive.getinfo(check_key(key))
            except KeyError:
                return None
            with self.archive.open(info) as member:
                member.seek(start if start >= 0 else max(0, info.file_size + start))
                return bytes(member.read() if length is None else member.read(length))

    def set(self, key: str, value: bytes) -> None:
        self.require_writable(key)
        with self.lock:
            if check_key(key) in self.archive.NameToInfo:
                raise StoreError.at(
                    key, "a zip store cannot replace a value it already holds", "STORE-API-004"
                )
            self.archive.writestr(zipfile.ZipInfo(key, date_time=(1980, 1, 1, 0, 0, 0)), value)

    def delete(self, key: str) -> None:
        raise StoreError.at(key, "a zip store cannot delete values", "STORE-API-004")

    def list_prefix(self, prefix: str) -> Iterator[str]:
        with self.lock:
            names = self.archive.namelist()
        return (name for name in names if name.startswith(prefix) and not name.endswith("/"))

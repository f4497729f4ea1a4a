"""A store behind a URL: S3, GCS, HTTP(S) and whatever else fsspec reaches (spec/core/stores.md).

The I/O is fsspec's (``pip install 'zn5[remote]'``): s3fs for ``s3://``, gcsfs for ``gs://``, aiohttp
for ``http(s)://``; no HTTP client of our own. fsspec was chosen over obstore because it takes
``storage_options`` exactly as zarr-python and xarray do, and reaches every scheme the spec names (HTTP
without a listing, GCS, S3, zip members) through one interface. Speed did not decide: in one run of
``benchmarks/remote_stores.py`` against local servers, fsspec time / obstore time was 0.62 (HTTP, whole
objects) and 0.95 (HTTP, ranges), 2.23 and 1.83 on moto's S3; mixed, and within about two either way,
where real network latency, hidden by concurrency for both, dominates (RFC 0009).

What a reader may assume of a remote store (STORE-REMOTE-001 to STORE-REMOTE-006):

- a value is fetched by byte range when only part of it is needed (a shard index, one inner chunk),
  never by downloading the whole value (STORE-REMOTE-003);
- only a real "not found" (HTTP 404, S3 ``NoSuchKey``) is a missing key, read as the fill value; a 403,
  a 5xx or a network failure is an error naming the key, never the fill value (STORE-REMOTE-004);
- every read has a bounded time-out, and a failed read (5xx, time-out, a dropped connection) is tried
  again a bounded number of times before it is an error (STORE-REMOTE-005);
- an HTTP server cannot be listed: :meth:`list_prefix` raises, and readers find members through
  consolidated metadata or explicit paths (STORE-REMOTE-001, STORE-REMOTE-002).

Reads of several chunks run at once: :attr:`concurrency` tells the array how many threads to use, and
fsspec runs their requests together on its event loop, so network latency is paid once per batch, not
once per chunk; :meth:`get_many` hands fsspec a batch of keys in one call (what ``zn5 validate
--chunks`` uses). A chunk is one GET: no HEAD for its size first, no existence probe.
"""

from __future__ import annotations

import errno
import importlib.util
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from zn5.reference.errors import StoreError, ZN5Error
from zn5.reference.store.base import Store, check_key, slice_range

T = TypeVar("T")

SCHEMES = ("s3", "s3a", "gs", "gcs", "http", "https", "memory")
"""URL schemes opened through fsspec (``file://`` and plain paths stay with LocalStore and ZipStore)."""

READ_ONLY_SCHEMES = frozenset({"http", "https"})
UNLISTABLE_SCHEMES = frozenset({"http", "https"})
TIMEOUT_SECONDS = 30.0
"""The default bound on one request: connecting and reading (STORE-REMOTE-005)."""
RETRIES = 3
"""How many times a read that failed for a transient reason is tried again (STORE-REMOTE-005)."""
CONCURRENCY = 16
"""How many chunk reads run at once by default (STORE-REMOTE-003)."""
RANGE_NOT_SATISFIABLE = 416


def scheme_of(url: str) -> str:
    """The URL's scheme in lower case, ``""`` for a plain path."""
    head, sep, _ = url.partition("://")
    return head.lower() if sep else ""


def is_remote_url(url: str) -> bool:
    """Whether ``url`` names a store that fsspec opens."""
    return scheme_of(url) in SCHEMES


def _with_defaults(scheme: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """``storage_options`` with bounded time-outs (STORE-REMOTE-005) and anonymous access by default."""
    result = dict(options)
    if scheme in ("http", "https"):
        import aiohttp

        client = dict(result.get("client_kwargs", {}))
        client.setdefault("timeout", aiohttp.ClientTimeout(total=TIMEOUT_SECONDS))
        result["client_kwargs"] = client
    elif scheme in ("s3", "s3a"):
        has_credentials = any(name in result for name in ("key", "secret", "token", "profile"))
        result.setdefault("anon", not has_credentials and "AWS_ACCESS_KEY_ID" not in _environ())
        config = dict(result.get("config_kwargs", {}))
        config.setdefault("connect_timeout", TIMEOUT_SECONDS)
        config.setdefault("read_timeout", TIMEOUT_SECONDS)
        config.setdefault("retries", {"max_attempts": RETRIES, "mode": "standard"})
        result["config_kwargs"] = config
        # One GET per value: above 1, s3fs first asks for the size (a HEAD, or a scan of its cached
        # listing) to split a large object into concurrent ranges; chunks are fetched concurrently anyway.
        result.setdefault("max_concurrency", 1)
    elif scheme in ("gs", "gcs"):
        result.setdefault("token", "anon")
        result.setdefault("requests_timeout", TIMEOUT_SECONDS)
    return result


def _environ() -> Mapping[str, str]:
    import os

    return os.environ


def _status(error: BaseException) -> int | None:
    """The HTTP status an fsspec back end put on ``error``, when there is one."""
    for name in ("status", "code", "status_code"):
        value = getattr(error, name, None)
        if isinstance(value, int):
            return value
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if isinstance(code, int):
            return code
    return None


def _past_end(error: BaseException) -> bool:
    """A range that starts at or past the end: HTTP 416, which s3fs turns into EINVAL."""
    if _status(error) == RANGE_NOT_SATISFIABLE:
        return True
    return isinstance(error, OSError) and error.errno == errno.EINVAL and "range" in str(error).lower()


def _is_permanent(error: BaseException) -> bool:
    """A refusal (403 and the other 4xx) is not worth trying again; a 5xx or a network failure is."""
    if isinstance(error, PermissionError):
        return True
    status = _status(error)
    return status is not None and 400 <= status < 500


def reads_http() -> bool:
    """Whether this installation reads http(s) stores: fsspec and the aiohttp its HTTP file system uses
    (``pip install 'zn5[remote]'``)."""
    return all(importlib.util.find_spec(name) is not None for name in ("fsspec", "aiohttp"))


class RemoteStore(Store):
    """Keys are objects below ``url`` of an fsspec file system (``s3://bucket/path``, ``https://host/x``).

    ``storage_options`` go to the fsspec file system unchanged, as zarr-python and xarray pass them.
    """

    def __init__(
        self,
        url: str,
        *,
        storage_options: Mapping[str, Any] | None = None,
        writable: bool = False,
        retries: int = RETRIES,
        concurrency: int = CONCURRENCY,
    ) -> None:
        try:
            import fsspec
        except ImportError:
            raise StoreError.at(
                url, "remote stores need fsspec: pip install 'zn5[remote]'", "STORE-REMOTE-001"
            ) from None
        self.url = url.rstrip("/")
        self.scheme = scheme_of(url)
        if writable and self.scheme in READ_ONLY_SCHEMES:
            raise StoreError.at(url, "an HTTP store is read-only", "STORE-API-004")
        self.writable = writable
        self.listable = self.scheme not in UNLISTABLE_SCHEMES
        self.retries = retries
        self.concurrency = concurrency
        options = _with_defaults(self.scheme, storage_options or {})
        try:
            self.fs, self.root = fsspec.url_to_fs(self.url, **options)
        except (ImportError, ValueError) as error:
            raise StoreError.at(url, f"cannot open the store: {error}", "STORE-REMOTE-001") from None
        self.root = self.root.rstrip("/")

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    def _path(self, key: str) -> str:
        if self.scheme in ("http", "https"):
            return f"{self.url}/{check_key(key)}"
        return f"{self.root}/{check_key(key)}" if self.root else check_key(key)

    def _read(self, key: str, call: Callable[[], T]) -> T | None:
        """``call()``; None for a real "not found"; retried on transient failures (STORE-REMOTE-004,
        STORE-REMOTE-005)."""
        attempt = 0
        while True:
            try:
                return call()
            except FileNotFoundError:
                return None
            except Exception as error:
                if _past_end(error):
                    raise _RangePastEndError from None
                if _is_permanent(error) or attempt >= self.retries:
                    raise self._failure(key, error, attempt) from None
            attempt += 1
            time.sleep(0.05 * 2**attempt)

    def _failure(self, key: str, error: BaseException, attempt: int) -> ZN5Error:
        status = _status(error)
        what = f"HTTP {status}" if status is not None else type(error).__name__
        tries = f" after {attempt + 1} attempts" if attempt else ""
        return StoreError.at(
            key,
            f"cannot read {self._path(key)}: {what}{tries}: {error}; an unreadable chunk is an error, "
            "not the fill value",
            "STORE-REMOTE-004",
        )

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return self._read(key, lambda: bytes(self.fs.cat_file(path)))
        except _RangePastEndError:
            return b""

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The values at ``keys``: one request each, :attr:`concurrency` at a time, in one call on fsspec's
        event loop (STORE-REMOTE-003). A refusal is an error at once; a key whose request failed otherwise
        is read again by :meth:`get`, with its retries and its error (STORE-REMOTE-004, STORE-REMOTE-005)."""
        paths = [self._path(key) for key in keys]
        batch = {"batch_size": self.concurrency} if getattr(self.fs, "async_impl", False) else {}
        found = self.fs.cat_ranges(paths, None, None, on_error="return", **batch)
        return [self._fetched(key, value) for key, value in zip(keys, found, strict=True)]

    def _fetched(self, key: str, value: bytes | BaseException) -> bytes | None:
        """A result of :meth:`get_many`'s one call: the bytes, None when not found, else :meth:`get`'s."""
        if isinstance(value, FileNotFoundError):
            return None
        if isinstance(value, BaseException) and _is_permanent(value):
            raise self._failure(key, value, 0)
        if isinstance(value, BaseException):
            return self.get(key)
        return bytes(value)

    def get_range(self, key: str, start: int, length: int | None) -> bytes | None:
        """A byte-range request: only ``length`` bytes cross the network (STORE-REMOTE-003)."""
        if length == 0:
            return b"" if self.contains(key) else None
        path = self._path(key)
        if start < 0:
            end = None if length is None else (start + length if start + length < 0 else None)
        else:
            end = None if length is None else start + length
        try:
            data = self._read(key, lambda: bytes(self.fs.cat_file(path, start=start, end=end)))
        except _RangePastEndError:
            return b"" if self.contains(key) else None
        wanted = -start if start < 0 else length
        if data is not None and wanted is not None and len(data) > wanted:
            # A server that ignored the range sent the whole value (STORE-API-002).
            return slice_range(data, start, length)
        return data

    def contains(self, key: str) -> bool:
        """Whether ``key`` has a value; a refusal or a failure is an error (STORE-REMOTE-004)."""
        path = self._path(key)
        # fsspec's HTTP info() reads any failure of its HEAD request as "not found"; a one-byte GET
        # keeps a 403 an error.
        probe = (
            (lambda: self.fs.cat_file(path, start=0, end=1))
            if not self.listable
            else (lambda: self.fs.info(path))
        )
        try:
            return self._read(key, probe) is not None
        except _RangePastEndError:
            return True

    def set(self, key: str, value: bytes) -> None:
        self.require_writable(key)
        try:
            self.fs.pipe_file(self._path(key), value)
        except Exception as error:
            raise StoreError.at(key, f"cannot write {self._path(key)}: {error}", "STORE-WRITE-001") from None

    def delete(self, key: str) -> None:
        self.require_writable(key)
        try:
            self.fs.rm_file(self._path(key))
        except FileNotFoundError:
            pass
        except Exception as error:
            raise StoreError.at(key, f"cannot delete {self._path(key)}: {error}", "STORE-API-004") from None

    def list_prefix(self, prefix: str) -> Iterator[str]:
        """Every key below ``prefix``; an HTTP store cannot list, so this raises (STORE-REMOTE-001)."""
        if not self.listable:
            raise StoreError.at(
                prefix or "/",
                f"{self.url} cannot be listed; find its members through consolidated metadata or "
                "explicit paths",
                "STORE-REMOTE-001",
            )
        directory = prefix.rpartition("/")[0]
        base = f"{self.root}/{directory}" if directory else self.root
        try:
            found = self.fs.find(base)
        except FileNotFoundError:
            return iter(())
        except Exception as error:
            raise StoreError.at(prefix or "/", f"cannot list {base}: {error}", "STORE-REMOTE-001") from None
        start = len(self.root) + 1 if self.root else 0
        keys = (path[start:] for path in found)
        return (key for key in keys if key.startswith(prefix))


class _RangePastEndError(Exception):
    """A range that starts at or beyond the end of the value (HTTP 416): cut to nothing (STORE-API-002)."""

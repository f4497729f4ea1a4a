"""Real servers for remote-store tests, as pytest fixtures: moto's S3 server and a static HTTP server.

Load them with ``pytest_plugins = ["zn5.reference.testing.servers"]``; the S3 fixtures need moto
(``pip install 'zn5[test]'``).

Both run in this process on a free localhost port, in threads; nothing is mocked on the client side.
The HTTP server is :mod:`zn5.reference.testing.static_http`'s, which ``zn5 run --store http`` serves
the corpus with too.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from zn5.reference.testing.static_http import StaticServer, free_port, static_server


@pytest.fixture
def http_store_server(tmp_path: Path) -> Iterator[StaticServer]:
    """A static HTTP server over a fresh directory (``server.root``); it never lists directories."""
    root = tmp_path / "served"
    root.mkdir()
    with static_server(root) as server:
        yield server


@dataclass
class S3Server:
    """A running moto S3 server and the storage options that reach it."""

    endpoint: str

    def options(self) -> dict[str, Any]:
        """``storage_options`` for s3fs: moto takes any credentials."""
        return {"key": "testing", "secret": "testing", "client_kwargs": {"endpoint_url": self.endpoint}}


@contextlib.contextmanager
def moto_server() -> Iterator[S3Server]:
    """moto in server mode on a free port (a real S3 API over HTTP, not a patched client)."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    try:
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        moto.stop()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """One moto S3 server for the whole test session."""
    with moto_server() as server:
        yield server


@pytest.fixture
def s3_bucket(s3_server: S3Server, request: pytest.FixtureRequest) -> str:
    """A new empty bucket on the moto server; its ``s3://`` URL."""
    import s3fs

    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:50] + f"-{free_port()}"
    fs = s3fs.S3FileSystem(**s3_server.options(), skip_instance_cache=True)
    fs.mkdir(name)
    return f"s3://{name}"


@dataclass
class GcsServer:
    """A running GCS emulator (gcp-storage-emulator) and the storage options that reach it."""

    endpoint: str

    def options(self) -> dict[str, Any]:
        """``storage_options`` for gcsfs: anonymous, at the emulator."""
        return {"endpoint_url": self.endpoint, "project": "test", "token": "anon"}


@pytest.fixture(scope="session")
def gcs_server() -> Iterator[GcsServer]:
    """gcp-storage-emulator's GCS JSON API in memory on a free port, in a thread.

    gcsfs's experimental zonal-bucket support asks a gRPC control API the emulator lacks (a minute's
    time-out per bucket); GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT=false, read when gcsfs is first imported,
    keeps the plain JSON-API file system.
    """
    import os

    os.environ.setdefault("GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT", "false")
    from gcp_storage_emulator.server import create_server

    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True)
    server.start()
    try:
        yield GcsServer(f"http://127.0.0.1:{port}")
    finally:
        server.stop()

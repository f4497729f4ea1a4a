"""A static HTTP server that never lists: the web as Zarr and N5 data meet it (spec/core/stores.md).

It answers GET and HEAD with byte ranges (``Range: bytes=a-b`` and ``bytes=-n``), never lists a
directory (404, as a static host or a bucket website without an index does), and can be told to answer
chosen keys with a status (403, 500), to delay every answer, to cut answers short, and to count bytes and
requests in flight. It runs in this process on a free localhost port, in threads. The remote-store
tests use it (``zn5.reference.testing.servers``), and so does ``zn5 run --store http``.
"""

from __future__ import annotations

import contextlib
import http.server
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RANGE = re.compile(r"bytes=(\d*)-(\d*)$", re.IGNORECASE)
"""A byte range; range unit names are case-insensitive (RFC 9110 section 14.1): zarr-java asks "Bytes=-64"."""


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class ServerLog:
    """What the HTTP server saw: body bytes sent, requests, and the most requests it served at once."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    body_bytes: int = 0
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0

    def reset(self) -> None:
        with self.lock:
            self.body_bytes = 0
            self.requests.clear()
            self.max_in_flight = 0


@dataclass
class StaticServer:
    """A running static HTTP server over ``root``."""

    root: Path
    url: str
    log: ServerLog
    statuses: dict[str, int] = field(default_factory=dict)
    """Key → the status every request for it gets (403, 500, ...)."""
    delay: float = 0.0
    """Seconds each answer waits before it is sent."""
    truncated: set[str] = field(default_factory=set)
    """Keys whose answers declare their whole length but send half of it, then drop the connection."""


def _handler(server: StaticServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        """The body follows the headers at once: with Nagle's algorithm it waited for the client's delayed
        ACK of the headers, about 40 ms a request on a kept-alive connection."""

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_GET(self) -> None:
            self._answer(head=False)

        def _answer(self, *, head: bool) -> None:
            log = server.log
            with log.lock:
                log.in_flight += 1
                log.max_in_flight = max(log.max_in_flight, log.in_flight)
                log.requests.append((self.command, self.path, self.headers.get("Range", "")))
            try:
                if server.delay:
                    time.sleep(server.delay)
                self._send(head)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a time-out test)
            finally:
                with log.lock:
                    log.in_flight -= 1

        def _send(self, head: bool) -> None:
            key = self.path.split("?", 1)[0].lstrip("/")
            if key in server.statuses:
                self._status(server.statuses[key])
                return
            target = server.root / key
            if not key or ".." in key.split("/") or not target.is_file():
                self._status(404)
                return
            data = target.read_bytes()
            status, body, extra = 200, data, {}
            wanted = self.headers.get("Range")
            if wanted:
                match = RANGE.match(wanted.strip())
                if match is None:
                    self._status(416)
                    return
                first, last = match.groups()
                if first:
                    begin, end = int(first), min(len(data), int(last) + 1 if last else len(data))
                else:
                    begin, end = max(0, len(data) - int(last)), len(data)
                if begin >= len(data):
                    self._status(416)
                    return
                status, body = 206, data[begin:end]
                extra = {"Content-Range": f"bytes {begin}-{end - 1}/{len(data)}"}
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Accept-Ranges", "bytes")
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            if head:
                return
            if key in server.truncated:
                body = body[: len(body) // 2]
                self.close_connection = True
            with server.log.lock:  # before the client can have the body and read the log
                server.log.body_bytes += len(body)
            self.wfile.write(body)

        def _status(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


class _Server(http.server.ThreadingHTTPServer):
    request_queue_size = 128  # many concurrent clients connect at once


@contextlib.contextmanager
def static_server(root: Path) -> Iterator[StaticServer]:
    """A static HTTP server over ``root`` on a free port, in a thread, while the block runs."""
    port = free_port()
    server = StaticServer(root, f"http://127.0.0.1:{port}", ServerLog())
    httpd = _Server(("127.0.0.1", port), _handler(server))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()

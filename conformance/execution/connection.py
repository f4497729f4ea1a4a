"""Connections to an adapter: a subprocess, or an object in this process; both speak encoded lines.

A connection starts an adapter, exchanges ``hello`` (PROTO-001), sends one ``run`` at a time with a
time-out and turns whatever goes wrong (a crash, a hang, a line that breaks the protocol) into a
:class:`Failure` that the runner scores as the case's outcome, never as its own exception.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import threading
import traceback
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final, Literal, Protocol

from zn5.conformance.execution import protocol
from zn5.conformance.execution.protocol import HelloReply, ProtocolError, RunReply

STDERR_LINES: Final = 40


class Adapter(Protocol):
    """Anything that answers protocol messages: a hello reply, a run reply, or None for stop."""

    def handle(self, message: dict[str, Any]) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Failure:
    """An exchange that produced no valid reply."""

    outcome: Literal["crash", "timeout", "adapter-error"]
    message: str
    stderr: str = ""


class ConnectionStartError(Exception):
    """Raised by :meth:`Connection.open` when the adapter does not start."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure


class Connection(ABC):
    """One adapter session."""

    description: str = ""

    @abstractmethod
    def open(self, hello: dict[str, Any], timeout: float) -> HelloReply:
        """Start the adapter and exchange hello; ConnectionStartError when that fails."""

    @abstractmethod
    def exchange(self, message: dict[str, Any], seq: int, timeout: float) -> RunReply | Failure:
        """Send a run and wait for its reply; a Failure leaves the connection unusable."""

    @abstractmethod
    def close(self) -> None:
        """Say stop and end the session (kill the adapter when it does not go)."""


class SubprocessConnection(Connection):
    """An adapter process: messages on its stdin and stdout, stderr kept for diagnosis."""

    STOP_GRACE: Final = 2.0

    def __init__(self, command: Sequence[str], cwd: Path | None = None) -> None:
        self.command = tuple(command)
        self.cwd = cwd
        self.description = " ".join(self.command)
        self._process: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=400)
        self._stderr_count = 0
        self._threads: list[threading.Thread] = []

    def open(self, hello: dict[str, Any], timeout: float) -> HelloReply:
        try:
            self._process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as error:
            failure = Failure("crash", f"cannot start {self.description}: {error}")
            raise ConnectionStartError(failure) from None
        self._lines = queue.Queue()
        self._threads = [
            threading.Thread(target=self._read_stdout, args=(self._process, self._lines), daemon=True),
            threading.Thread(target=self._read_stderr, args=(self._process,), daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        mark = self._stderr_count
        answer = self._send_and_receive(hello, timeout, mark)
        if isinstance(answer, Failure):
            self.kill()
            raise ConnectionStartError(replace(answer, message=f"hello: {answer.message}"))
        try:
            return protocol.parse_hello_reply(answer)
        except ProtocolError as error:
            self.kill()
            raise ConnectionStartError(
                Failure("adapter-error", f"hello: {error}", self._stderr_since(mark))
            ) from None

    @staticmethod
    def _read_stdout(process: subprocess.Popen[bytes], lines: queue.Queue[bytes | None]) -> None:
        assert process.stdout is not None
        try:
            while line := process.stdout.readline(protocol.MAX_LINE_BYTES):
                lines.put(line)
        except (OSError, ValueError):
            pass
        lines.put(None)

    def _read_stderr(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stderr is not None
        try:
            for line in process.stderr:
                self._stderr.append(line.decode("utf-8", errors="replace").rstrip("\n"))
                self._stderr_count += 1
        except (OSError, ValueError):
            pass

    def _stderr_since(self, mark: int) -> str:
        new = min(self._stderr_count - mark, len(self._stderr))
        lines = list(self._stderr)[len(self._stderr) - new :] if new > 0 else []
        return "\n".join(lines[-STDERR_LINES:])

    def _send_and_receive(self, message: dict[str, Any], timeout: float, mark: int) -> bytes | Failure:
        process = self._process
        if process is None or process.stdin is None:
            return Failure("crash", "the adapter is not running")
        try:
            process.stdin.write(protocol.encode(message))
            process.stdin.flush()
        except (OSError, ValueError):
            return self._died(mark)
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            return Failure("timeout", f"no reply within {timeout:g} s", self._stderr_since(mark))
        if line is None:
            return self._died(mark)
        if not line.endswith(b"\n") and len(line) >= protocol.MAX_LINE_BYTES:
            self.kill()
            return Failure("adapter-error", f"a line longer than {protocol.MAX_LINE_BYTES} bytes")
        return line

    def _died(self, mark: int) -> Failure:
        process = self._process
        code = None
        if process is not None:
            try:
                code = process.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                self.kill()
        for thread in self._threads[1:]:
            thread.join(timeout=0.5)
        if code is None:
            how = "closed its output"
        elif code < 0:
            how = f"was killed by signal {signal.Signals(-code).name}"
        else:
            how = f"exited with code {code}"
        return Failure("crash", f"the adapter {how} before replying", self._stderr_since(mark))

    def exchange(self, message: dict[str, Any], seq: int, timeout: float) -> RunReply | Failure:
        mark = self._stderr_count
        answer = self._send_and_receive(message, timeout, mark)
        if isinstance(answer, Failure):
            return answer
        try:
            return protocol.parse_run_reply(answer, seq)
        except ProtocolError as error:
            self.kill()
            return Failure("adapter-error", str(error), self._stderr_since(mark))

    def kill(self) -> None:
        """End the adapter and everything it started, at once."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5.0)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._process = None

    def close(self) -> None:
        process = self._process
        if process is None:
            return
        if process.poll() is None and process.stdin is not None:
            try:
                process.stdin.write(protocol.encode(protocol.stop()))
                process.stdin.close()
                process.wait(timeout=self.STOP_GRACE)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass
        self.kill()


class InProcessConnection(Connection):
    """An adapter object in this process, reached through the same encoded lines as a subprocess.

    A hang cannot be killed in process: the call is abandoned on its thread and a fresh thread serves
    the next case; a raised exception is the in-process form of a crash.
    """

    def __init__(self, adapter: Adapter, description: str = "") -> None:
        self.adapter = adapter
        self.description = description or f"in process: {type(adapter).__module__}.{type(adapter).__name__}"
        self._executor: ThreadPoolExecutor | None = None

    def _call(self, message: dict[str, Any], timeout: float) -> bytes | Failure:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="zn5-adapter")
        future = self._executor.submit(self._handle_line, protocol.encode(message))
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
            return Failure("timeout", f"no reply within {timeout:g} s")
        except Exception as error:
            return Failure(
                "crash", f"the adapter raised {type(error).__name__}: {error}", traceback.format_exc()
            )

    def _handle_line(self, line: bytes) -> bytes:
        reply = self.adapter.handle(json.loads(line))
        try:
            return protocol.encode(reply) if reply is not None else b"\n"
        except (TypeError, ValueError) as error:
            return protocol.encode({"unencodable reply": str(error)})

    def open(self, hello: dict[str, Any], timeout: float) -> HelloReply:
        answer = self._call(hello, timeout)
        if isinstance(answer, Failure):
            raise ConnectionStartError(replace(answer, message=f"hello: {answer.message}"))
        try:
            return protocol.parse_hello_reply(answer)
        except ProtocolError as error:
            raise ConnectionStartError(Failure("adapter-error", f"hello: {error}")) from None

    def exchange(self, message: dict[str, Any], seq: int, timeout: float) -> RunReply | Failure:
        answer = self._call(message, timeout)
        if isinstance(answer, Failure):
            return answer
        try:
            return protocol.parse_run_reply(answer, seq)
        except ProtocolError as error:
            return Failure("adapter-error", str(error))

    def close(self) -> None:
        if self._executor is not None:
            self._call(protocol.stop(), 1.0)
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

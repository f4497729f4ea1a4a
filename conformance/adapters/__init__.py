"""Adapters: one per implementation, each a process that speaks the adapter protocol.

An adapter is registered by ``conformance/adapters/<name>/adapter.json``::

    {"name": "reference", "command": ["{python}", "-m", "zn5.conformance.adapters.reference"],
     "cwd": ".", "install": "nothing to install: part of zn5", "codebase": "zn5-reference"}

``{python}`` in the command is replaced by the runner's interpreter; ``cwd`` is relative to the adapter's
folder. ``codebase`` names the code that parses metadata and assembles chunks, a name or a list of names
(default: the adapter's name). Two adapters are independent implementations only when their codebases
share no name (DECISIONS.md section 6: zarrs-python, whose metadata zarr-python 3 parses and whose
chunks the zarrs crate assembles, is ``["zarr-python-3", "zarrs"]``; zarr-python 2 and 3 are two).

This module is also the small kit for writing a Python adapter: subclass :class:`BaseAdapter`, implement
:meth:`BaseAdapter.run_case`, and call :func:`serve`.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import numpy as np

from zn5.conformance.canonical import write_array
from zn5.conformance.protocol import PROTOCOL_VERSION, encode

ADAPTERS_DIR = Path(__file__).resolve().parent


def zn5_version() -> str:
    """The installed zn5 version (runner, reference and its adapter share it)."""
    try:
        return metadata.version("zn5")
    except metadata.PackageNotFoundError:
        return "0+unknown"


class Adapter(Protocol):
    """Anything that answers protocol messages: a hello reply, a run reply, or None for stop."""

    def handle(self, message: dict[str, Any]) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Registration:
    """An adapter's ``adapter.json``."""

    name: str
    command: tuple[str, ...]
    cwd: Path
    install: str = ""
    codebase: frozenset[str] = frozenset()

    @classmethod
    def load(cls, folder: Path) -> Registration:
        """Read ``folder/adapter.json``; ValueError says what is missing."""
        path = folder / "adapter.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        command = document.get("command")
        if not isinstance(command, list) or not command or not all(isinstance(part, str) for part in command):
            raise ValueError(f"{path}: command must be a non-empty list of strings")
        return cls(
            name=str(document.get("name", folder.name)),
            command=tuple(sys.executable if part == "{python}" else part for part in command),
            cwd=(folder / document.get("cwd", ".")).resolve(),
            install=str(document.get("install", "")),
            codebase=_codebase(document.get("codebase") or document.get("name", folder.name)),
        )


def _codebase(value: Any) -> frozenset[str]:
    return frozenset(str(item) for item in value) if isinstance(value, list) else frozenset({str(value)})


def registered(root: Path = ADAPTERS_DIR) -> dict[str, Registration]:
    """Every adapter registered under ``root``, by name."""
    found = {}
    for path in sorted(root.glob("*/adapter.json")):
        registration = Registration.load(path.parent)
        found[registration.name] = registration
    return found


def selection_key(selection: Sequence[int | Sequence[int]] | None) -> Any:
    """The NumPy-style key of a case selection: an integer index, or [start, stop, step] per axis."""
    if selection is None:
        return ...
    return tuple(item if isinstance(item, int) else slice(*item) for item in selection)


def array_result(values: Any, output: Path, data_type: str, name: str = "") -> dict[str, Any]:
    """Write ``values`` as ``array.json`` (in ``output/name``); the ok reply that names it."""
    write_array(np.asarray(values), output / name if name else output, data_type)
    return {"status": "ok", "result": {"array": f"{name}/array.json" if name else "array.json"}}


def rejected(category: str, phase: str, message: str, requirement: str | None = None) -> dict[str, Any]:
    """The reply for an input the implementation refused."""
    error = {"category": category, "phase": phase, "message": message}
    if requirement:
        error["requirement"] = requirement
    return {"status": "rejected", "error": error}


def skipped(reason: str) -> dict[str, Any]:
    """The reply for a case the adapter cannot run."""
    return {"status": "skipped", "reason": reason}


class BaseAdapter:
    """The protocol side of a Python adapter; subclasses supply who they are and :meth:`run_case`."""

    implementation: dict[str, str]
    adapter_version: str

    def capabilities(self) -> list[str]:
        """The capability tokens the implementation supports."""
        raise NotImplementedError

    def run_case(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
        """The reply (without seq) for one case."""
        raise NotImplementedError

    def handle(self, message: dict[str, Any]) -> dict[str, Any] | None:
        """Answer one message; a run whose glue raises becomes an adapter error, never a lost reply."""
        command = message.get("cmd")
        if command == "hello":
            return {
                "protocol": PROTOCOL_VERSION,
                "implementation": dict(self.implementation),
                "adapter": {"version": self.adapter_version},
                "capabilities": sorted(set(self.capabilities())),
            }
        if command == "run":
            seq = message["seq"]
            try:
                reply = self.run_case(message["case"], Path(message["input"]), Path(message["output"]))
            except Exception as error:
                reply = {
                    "status": "adapter-error",
                    "message": f"{type(error).__name__}: {error}",
                    "traceback": traceback.format_exc(),
                }
            return {"seq": seq, **reply}
        return None


def serve(adapter: Adapter, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    """Answer messages from ``stdin`` until ``stop`` or end of input; return the exit code.

    With the real standard streams, file descriptor 1 is pointed at stderr for the session, so that
    anything a library prints (even from C) cannot corrupt the protocol stream (PROTO-001).
    """
    if stdin is None:
        stdin = sys.stdin.buffer
    if stdout is None:
        stdout = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
        sys.stdout.flush()
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    for line in stdin:
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            print(f"adapter: ignoring a line that is no JSON object: {line[:200]!r}", file=sys.stderr)
            continue
        if message.get("cmd") == "stop":
            break
        reply = adapter.handle(message)
        if reply is not None:
            stdout.write(encode(reply))
            stdout.flush()
    return 0

"""Adapters: one per implementation, each a process that speaks the adapter protocol.

An adapter is registered by ``conformance/adapters/<name>/adapter.json``::

    {"name": "reference", "command": ["{python}", "-m", "zn5.conformance.adapters.reference"],
     "cwd": ".", "install": "nothing to install: part of zn5", "codebase": "zn5-reference"}

``{python}`` in the command is replaced by the runner's interpreter; ``cwd`` is relative to the adapter's
folder. ``codebase`` names the code that parses metadata and assembles chunks, a name or a list of names
(default: the adapter's name). Two adapters are independent implementations only when their codebases
share no name (DECISIONS.md section 6: zarrs-python, whose metadata zarr-python 3 parses and whose
chunks the zarrs crate assembles, is ``["zarr-python-3", "zarrs"]``; zarr-python 2 and 3 are two).

This module is also the small kit for writing a Python adapter: subclass :class:`BaseAdapter`, say who
the library is and what it claims (class attributes, or its ``capabilities.json``), implement the hooks
that drive it (open, read, describe, write, error category), and call :func:`serve`. The kit does the
protocol's glue: the hello reply, the dispatch of a case on its operation, the per-format gaps, the
equivalence loop over stores, the selection key, the phase of a refusal, and the result files.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO, ClassVar

import numpy as np

from zn5.conformance.adapters.kits.python.zn5_adapter_kit import Declaration
from zn5.conformance.execution.connection import Adapter
from zn5.conformance.execution.protocol import PROTOCOL_VERSION, encode, gaps_json
from zn5.conformance.suite.canonical import (
    canonical_bytes,
    canonical_element,
    decode_values,
    read_array_document,
    write_array,
)
from zn5.conformance.suite.resources import ADAPTERS, zn5_version
from zn5.reference.model.dtype import VARIABLE_KINDS, DataType

ADAPTERS_DIR = ADAPTERS


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


Reply = dict[str, Any]
"""A run reply without its ``seq``."""


def selection_key(selection: Sequence[int | Sequence[int]] | None) -> Any:
    """The NumPy-style key of a case selection: an integer index, or [start, stop, step] per axis."""
    if selection is None:
        return ...
    return tuple(item if isinstance(item, int) else slice(*item) for item in selection)


def array_result(values: Any, output: Path, data_type: str, name: str = "") -> Reply:
    """Write ``values`` as ``array.json`` (in ``output/name``); the ok reply that names it."""
    write_array(np.asarray(values), output / name if name else output, data_type)
    return {"status": "ok", "result": {"array": f"{name}/array.json" if name else "array.json"}}


def rejected(category: str, phase: str, message: str, requirement: str | None = None) -> Reply:
    """The reply for an input the implementation refused."""
    error = {"category": category, "phase": phase, "message": message}
    if requirement:
        error["requirement"] = requirement
    return {"status": "rejected", "error": error}


def skipped(reason: str) -> Reply:
    """The reply for a case the adapter cannot run."""
    return {"status": "skipped", "reason": reason}


def fill_element(fill: Mapping[str, str] | None, dtype: np.dtype[Any]) -> Any:
    """The element of a canonical fill value (``{"hex": …}``, little-endian bytes), or None when undefined."""
    if fill is None:
        return None
    if dtype.kind in VARIABLE_KINDS:
        return canonical_element(bytes.fromhex(fill["hex"]), dtype)  # PROTO-VLEN-001, PROTO-VLEN-002
    return np.frombuffer(bytes.fromhex(fill["hex"]), dtype=dtype, count=1)[0]


def fill_json(value: Any, dtype: np.dtype[Any]) -> dict[str, str] | None:
    """The canonical fill value of an element of ``dtype``: its little-endian bytes in hex."""
    if value is None:
        return None
    if dtype.kind in VARIABLE_KINDS:
        return {"hex": canonical_bytes(value, dtype).hex()}
    little = dtype if dtype.byteorder == "|" else dtype.newbyteorder("<")
    return {"hex": np.asarray(value, dtype=dtype).astype(little).tobytes().hex()}


def v3_codec(codec: Mapping[str, Any]) -> dict[str, Any]:
    """A Zarr v3 codec object with its configuration always present (a shard's inner codecs too)."""
    configuration = dict(codec.get("configuration", {}))
    if codec["name"] == "sharding_indexed":
        for member in ("codecs", "index_codecs"):
            if member in configuration:
                configuration[member] = [v3_codec(inner) for inner in configuration[member]]
    return {"name": codec["name"], "configuration": configuration}


class CannotRunError(Exception):
    """Raised by an adapter's hook when the library cannot run the case; the message is the reason."""


class BaseAdapter:
    """The protocol side of a Python adapter; a subclass says only what is its library's.

    Who: :attr:`name`, :attr:`distribution`, :attr:`language`, :attr:`homepage`. What it claims:
    :attr:`formats`, :attr:`operations`, :attr:`claims` and :attr:`format_gaps`; both from its
    ``capabilities.json`` when the subclass is given it (``declared``). How: the hooks
    :meth:`open_array` and :meth:`read` (read and equivalence cases), :meth:`open_node` and
    :meth:`describe` (metadata cases), :meth:`plan_write`, :meth:`write_group` and :meth:`write_array`
    or its parts :meth:`create_array` and :meth:`write` (write cases), and :meth:`category` (refusals).
    Reject cases are read or metadata cases whose input the library refuses; :meth:`session` sets the
    library up around each case.

    A hook raises :class:`CannotRunError` for what the library cannot do. An exception of
    :attr:`library_errors` raised while opening, reading or writing is the library refusing the input;
    any other exception is the adapter's own failure (an adapter-error reply).
    """

    name: ClassVar[str]
    """The implementation's name in the hello reply."""
    distribution: ClassVar[str]
    """The installed distribution whose version is the implementation's."""
    language: ClassVar[str] = "python"
    homepage: ClassVar[str] = ""
    formats: ClassVar[tuple[str, ...]] = ()
    """The store formats it reads and writes (``zarr2``, ``zarr3``, ``n5``)."""
    operations: ClassVar[tuple[str, ...]] = ("read", "metadata", "write")
    claims: ClassVar[tuple[str, ...]] = ()
    """Its other capability tokens (codecs, data types, chunk keys, features)."""
    format_gaps: ClassVar[Mapping[tuple[str, str], str]] = MappingProxyType({})
    """(format, token) -> why: a claimed token it does not have in that format; the hello reply lists them
    as ``format_gaps``, and the runner scores their cases unsupported (PROTO-004)."""
    library_errors: ClassVar[tuple[type[Exception], ...]] = (Exception,)
    """The exceptions that are the library refusing an input."""
    _served: tuple[Path | None, str | None] = (None, None)
    """The input folder of the case in hand and the URL its stores are served at (:meth:`store_url`)."""

    def __init_subclass__(cls, declared: Declaration | None = None, **kwargs: Any) -> None:
        """A subclass given ``declared`` (its ``capabilities.json``) takes :attr:`formats`,
        :attr:`operations`, :attr:`claims` and :attr:`format_gaps` from it (PROTO-004), and who it is
        (:attr:`name`, :attr:`distribution`, :attr:`language`, :attr:`homepage`) when it says."""
        super().__init_subclass__(**kwargs)
        if declared is not None:
            cls.formats, cls.operations = declared.tokens("format"), declared.tokens("op")
            cls.claims, cls.format_gaps = declared.claims(), declared.gap_reasons()
            cls._take_identity(declared.implementation)

    @classmethod
    def _take_identity(cls, identity: Mapping[str, str]) -> None:
        """Who the implementation is, as its ``capabilities.json`` names it (``implementation``)."""
        if identity:
            cls.name, cls.distribution = identity["name"], identity["distribution"]
            cls.language, cls.homepage = identity["language"], identity.get("homepage", "")

    # --- who and what ---------------------------------------------------------------------------------

    def version(self) -> str:
        """The implementation's version: the installed version of :attr:`distribution`."""
        return metadata.version(self.distribution)

    def capabilities(self) -> list[str]:
        """The capability tokens the implementation supports: its formats, operations and claims."""
        return [
            *(f"format:{name}" for name in self.formats),
            *(f"op:{op}" for op in self.operations),
            *self.claims,
        ]

    def hello(self) -> Reply:
        """The hello reply."""
        implementation = {"name": self.name, "version": self.version(), "language": self.language}
        if self.homepage:
            implementation["homepage"] = self.homepage
        return {
            "protocol": PROTOCOL_VERSION,
            "implementation": implementation,
            "adapter": {"version": zn5_version()},
            "capabilities": sorted(set(self.capabilities())),
            **({"format_gaps": gaps_json(self.gaps_by_format())} if self.format_gaps else {}),
        }

    def gaps_by_format(self) -> dict[str, frozenset[str]]:
        """:attr:`format_gaps` by format: the tokens each format lacks."""
        return {
            format: frozenset(token for other, token in self.format_gaps if other == format)
            for format, _ in self.format_gaps
        }

    # --- the hooks ------------------------------------------------------------------------------------

    def session(self) -> AbstractContextManager[object]:
        """The library set up for one case (default: nothing to set up)."""
        return nullcontext()

    def open_array(self, store: Path, node: str, format: str, scratch: Path) -> Any:
        """The array at ``node`` of the store in folder ``store``, opened for reading.

        ``scratch`` is a folder for the adapter's own files: the output folder, or for one store of an
        equivalence case a subfolder of it that does not exist yet.
        """
        raise NotImplementedError

    def read(self, array: Any, key: Any, format: str) -> Any:
        """The values of ``key`` (see :func:`selection_key`) in canonical axis order (default: array[key])."""
        return array[key]

    def data_type(self, array: Any, values: np.ndarray[Any, Any]) -> str:
        """The canonical data type of values read from ``array`` (default: their NumPy dtype's)."""
        return DataType.of(values.dtype).name

    def open_node(self, store: Path, node: str, format: str, scratch: Path) -> Any:
        """The array or group at ``node``, opened to describe it (arguments as :meth:`open_array`'s)."""
        raise NotImplementedError

    def describe(self, node: Any, format: str) -> dict[str, Any]:
        """The canonical description of a node :meth:`open_node` opened."""
        raise NotImplementedError

    def plan_write(self, target: Mapping[str, Any]) -> Any:
        """A write target in the library's terms, before anything is written (default: None).

        Conversion only: an exception here is the adapter's own, never a refusal.
        """
        return None

    def write_group(self, store: Path, target: Mapping[str, Any], plan: Any) -> None:
        """Create the group ``target`` describes in a new store at ``store``."""
        raise NotImplementedError

    def write_array(
        self, store: Path, target: Mapping[str, Any], plan: Any, values: np.ndarray[Any, Any]
    ) -> None:
        """Create the array ``target`` describes, holding ``values``, in a new store at ``store``.

        Default: :meth:`create_array`, then :meth:`write` of every element.
        """
        self.write(self.create_array(store, target, plan), ..., values, target["format"])

    def create_array(self, store: Path, target: Mapping[str, Any], plan: Any) -> Any:
        """The array ``target`` describes, created with no chunk yet in a new store at ``store``."""
        raise NotImplementedError

    def write(self, array: Any, key: Any, values: np.ndarray[Any, Any], format: str) -> None:
        """Store ``values`` (canonical axis order) at ``key`` of an array :meth:`create_array` made; the
        twin of :meth:`read` (default: ``array[key] = values``)."""
        array[key] = values

    def store_name(self, format: str) -> str:
        """The folder, in the output folder, that a write case's store goes to."""
        return "store"

    def category(self, error: Exception, phase: str) -> str:
        """The protocol's error category of a library error raised in ``phase``."""
        raise NotImplementedError

    def refusal(self, error: Exception, phase: str) -> Reply:
        """The rejected reply for a library error raised in ``phase`` (open, read or write)."""
        return rejected(self.category(error, phase), phase, f"{type(error).__name__}: {error}")

    # --- the glue -------------------------------------------------------------------------------------

    def store_url(self, store: Path) -> str | None:
        """The URL a run over HTTP serves the store of folder ``store`` at, or None in a run on files.

        An adapter that declares ``store:http`` opens that URL with its library's HTTP store, for the
        folder is then not on disk (PROTO-021, PROTO-022).
        """
        input, url = self._served
        if url is None or input is None:
            return None
        return f"{url}/{store.relative_to(input).as_posix()}"

    def run_case(self, case: dict[str, Any], input: Path, output: Path) -> Reply:
        """The reply (without seq) for one case, inside :meth:`session`; CannotRunError becomes skipped."""
        with self.session():
            try:
                return self._run(case, input, output)
            except CannotRunError as reason:
                return skipped(str(reason))

    def _run(self, case: dict[str, Any], input: Path, output: Path) -> Reply:
        """Dispatch a case on its operation: write, metadata, or read (of one store or of several)."""
        operation, where = case["operation"], case["input"]
        format = operation["target"]["format"] if operation["op"] == "write" else case["format"]
        if operation["op"] == "write":
            return self._write(operation["target"], input, where, output)
        node, selection = where.get("node", ""), operation.get("selection")
        if operation["op"] == "metadata":
            return self._metadata(input / where["store"], node, format, output)
        if "stores" in where:
            stores = {
                name: input / folder for name, folder in where["stores"].items() if name in self.formats
            }
            return self._equivalence(stores, node, selection, output)
        return self._read(input / where["store"], node, format, selection, output)

    def _read(
        self, store: Path, node: str, format: str, selection: Any, output: Path, name: str = ""
    ) -> Reply:
        """Read ``selection`` into ``output/name``; the refusal when the library refuses."""
        phase = "open"
        try:
            array = self.open_array(store, node, format, output / f"work-{name}" if name else output)
            phase = "read"
            values = self.read(array, selection_key(selection), format)
        except CannotRunError:
            raise
        except self.library_errors as error:
            return self.refusal(error, phase)
        values = np.asarray(values)
        return array_result(values, output, self.data_type(array, values), name)

    def _equivalence(self, stores: Mapping[str, Path], node: str, selection: Any, output: Path) -> Reply:
        """Read each store (by format) into ``output/<format>``; the first refusal is the reply."""
        arrays = {}
        for format, store in sorted(stores.items()):
            reply = self._read(store, node, format, selection, output, format)
            if reply["status"] != "ok":
                return reply
            arrays[format] = reply["result"]["array"]
        return {"status": "ok", "result": {"arrays": arrays}}

    def _metadata(self, store: Path, node: str, format: str, output: Path) -> Reply:
        """Describe the node; the refusal when the library refuses to open it."""
        try:
            opened = self.open_node(store, node, format, output)
        except CannotRunError:
            raise
        except self.library_errors as error:
            return self.refusal(error, "open")
        return {"status": "ok", "result": {"node": self.describe(opened, format)}}

    def _write(self, target: Mapping[str, Any], input: Path, where: Mapping[str, Any], output: Path) -> Reply:
        """Write the target's store into ``output``; the refusal when the library refuses."""
        plan = self.plan_write(target)
        values = None
        if target["metadata"]["node_type"] != "group":
            values = decode_values(*read_array_document(input / where["array"]))
        name = self.store_name(target["format"])
        try:
            if values is None:
                self.write_group(output / name, target, plan)
            else:
                self.write_array(output / name, target, plan, values)
        except CannotRunError:
            raise
        except self.library_errors as error:
            return self.refusal(error, "write")
        return {"status": "ok", "result": {"store": name}}

    def handle(self, message: dict[str, Any]) -> dict[str, Any] | None:
        """Answer one message; a run whose glue raises becomes an adapter error, never a lost reply."""
        command = message.get("cmd")
        if command == "hello":
            return self.hello()
        if command == "run":
            seq = message["seq"]
            try:
                self._served = (Path(message["input"]), message.get("input_url"))
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

"""zn5 adapter kit for Python: the protocol glue of a conformance adapter in one file, standard library only.

Copy this file beside your adapter; it needs Python 3.10 or newer and nothing else, so the adapter can
run in your library's own environment, where zn5 is not installed. The kit reads the runner's messages
(one JSON object per line on standard input, spec/adapter-protocol.md), answers ``hello`` with your
capabilities and format gaps, dispatches each case on its operation, writes array results from raw
bytes, a data type and a shape (``array.json`` + ``array.bin``), and turns refusals, skips and the
adapter's own failures into the right replies. You write the part that calls your library::

    import sys
    from zn5_adapter_kit import Adapter, Values, selection_key, serve
    import mylib

    class MyAdapter(Adapter):
        name, version, language = "mylib", mylib.__version__, "python"
        capabilities = ("format:zarr3", "op:read", "codec:bytes", "dtype:int32")
        library_errors = (mylib.Error,)          # what the library raises when it refuses an input

        def open(self, store, node, format):
            return mylib.open(store / node)

        def read(self, array, selection):
            values = array[selection_key(selection)]     # say, a NumPy array
            return Values(values.tobytes(), array.dtype_name, values.shape, byte_order=sys.byteorder)

    serve(MyAdapter())

Start it with ``zn5 run --adapter "python my_adapter.py"``. An exception of ``library_errors``, or a
:class:`RefusedError`, raised in :meth:`Adapter.open`, :meth:`Adapter.read`, :meth:`Adapter.describe` or
:meth:`Adapter.write` is the library refusing the input (a ``rejected`` reply, in the phase it came
from); :class:`CannotRunError` is a skip; any other exception is a bug of the adapter, answered as an
adapter error with its traceback.
"""

from __future__ import annotations

import array
import hashlib
import json
import os
import re
import sys
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Literal

PROTOCOL = 1
"""The protocol version this kit speaks."""
Selection = Sequence[int | Sequence[int]] | None
"""A case's selection: None for everything, else per axis an index or [start, stop, step]."""
Reply = dict[str, Any]
FORMATS = ("zarr2", "zarr3", "n5")

# The capability vocabulary: groups of tokens of the corpus's capabilities.json that libraries claim together.
INTEGER_DTYPES = tuple(f"dtype:{sign}int{bits}" for sign in ("", "u") for bits in (8, 16, 32, 64))
NUMBER_DTYPES = (
    "dtype:bool",
    *INTEGER_DTYPES,
    *(f"dtype:{name}" for name in ("float16", "float32", "float64", "complex64", "complex128")),
)
"""bool and every integer, float and complex type."""
RAW_DTYPES = tuple(f"dtype:r{bits}" for bits in (8, 16, 24, 32, 64))
NUMPY_DTYPES = tuple(
    f"dtype:{name}"
    for name in ("fixed_length_bytes", "fixed_length_utf32", "numpy.datetime64", "numpy.timedelta64")
)
"""The fixed-length strings and the times, NumPy's kinds S, U, M and m."""
VARIABLE_LENGTH = ("dtype:string", "dtype:bytes", "codec:vlen-utf8", "codec:vlen-bytes")
"""The variable-length types and their codecs."""
CHUNK_KEYS = tuple(f"chunk-key:{name}-{sep}" for name in ("default", "v2") for sep in ("dot", "slash"))
CORE_FEATURES = tuple(
    f"feature:{name}" for name in ("empty-axis", "implicit-group", "undefined-fill", "zero-dimensional")
)
"""Zero-length axes, groups without metadata, an undefined fill value and zero-dimensional arrays."""
BLOSC_SHUFFLES = ("noshuffle", "shuffle", "bitshuffle")
"""Blosc's shuffles, by the number Zarr v2 and N5 give them."""
N5_RESERVED = ("dimensions", "blockSize", "dataType", "compression", "compressionType", "n5")
"""The keys of an N5 ``attributes.json`` that are metadata, not user attributes."""
_SWAP_TYPECODES = {array.array(code).itemsize: code for code in "HILQ"}
"""A typecode of the standard ``array`` module for each element size that byte swapping needs."""


@dataclass(frozen=True)
class Values:
    """An array's values as raw bytes in C order (last axis fastest), each element ``byte_order``."""

    raw: bytes
    data_type: str
    """The canonical data type name: ``int16``, ``float32``, ``complex64``, ``fixed_length_bytes[5]``, …"""
    shape: Sequence[int]
    byte_order: Literal["little", "big"] = "little"

    def little_endian(self) -> bytes:
        """The raw bytes with every element little-endian, as array results carry them."""
        unit = component_size(self.data_type)
        if self.byte_order == "little" or unit == 1:
            return bytes(self.raw)
        swapped = array.array(_SWAP_TYPECODES[unit])
        swapped.frombytes(self.raw)
        swapped.byteswap()
        return swapped.tobytes()


@dataclass(frozen=True)
class Declaration:
    """What an adapter claims, as its ``capabilities.json`` beside it states it (PROTO-004)."""

    capabilities: tuple[str, ...]
    """Tokens of the corpus's capabilities.json, the formats and operations among them."""
    format_gaps: Mapping[str, Mapping[str, str]]
    """Format -> claimed token it lacks in that format -> why."""
    implementation: Mapping[str, str]
    """Who the library is (``name``, ``language``, ``homepage``, ``distribution``); empty when the file
    does not say."""

    @classmethod
    def load(cls, path: Path) -> Declaration:
        """The declaration in the JSON file ``path`` (``capabilities``, optional ``format_gaps`` and
        ``implementation``)."""
        document = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            tuple(document["capabilities"]),
            document.get("format_gaps", {}),
            document.get("implementation", {}),
        )

    def tokens(self, kind: str) -> tuple[str, ...]:
        """The claimed names of one kind (``format``, ``op``) without the prefix, in the file's order."""
        return tuple(token.partition(":")[2] for token in self.capabilities if token.startswith(kind + ":"))

    def claims(self) -> tuple[str, ...]:
        """The tokens that name neither a format nor an operation."""
        return tuple(token for token in self.capabilities if not token.startswith(("format:", "op:")))

    def gap_reasons(self) -> dict[tuple[str, str], str]:
        """(format, token) -> why, for every gap."""
        return {(f, token): why for f, tokens in self.format_gaps.items() for token, why in tokens.items()}


class RefusedError(Exception):
    """Raise it when the library refuses the input, to say the error category (and the requirement)."""

    def __init__(self, category: str, message: str, requirement: str | None = None) -> None:
        super().__init__(message)
        self.category, self.requirement = category, requirement


class CannotRunError(Exception):
    """Raise it when the adapter cannot run a case; the message is the reason, the reply ``skipped``."""

    def __init__(self, reason: str, issue: str | None = None) -> None:
        super().__init__(reason)
        self.issue = issue


class Adapter:
    """Say who the library is and what it can do (class attributes), and drive it (the methods)."""

    name: ClassVar[str]
    version: ClassVar[str]
    language: ClassVar[str]
    homepage: ClassVar[str] = ""
    adapter_version: ClassVar[str] = "1.0.0"
    capabilities: ClassVar[Sequence[str]] = ()
    """Tokens of the corpus's capabilities.json: ``format:zarr3``, ``op:read``, ``codec:gzip``, …"""
    format_gaps: ClassVar[Mapping[str, Sequence[str]]] = {}
    """Declared tokens the library lacks in one format: ``{"zarr2": ["codec:gzip"]}``."""
    library_errors: ClassVar[tuple[type[BaseException], ...]] = ()
    """The exceptions with which the library refuses an input."""
    served: tuple[Path, str] | None = None
    """In a run over HTTP: the case's input folder and the run message's ``input_url`` (:meth:`store_url`)."""

    def open(self, store: Path, node: str, format: str) -> Any:
        """The node at path ``node`` of the store in folder ``store`` (read, reject and metadata cases).

        In a run over HTTP (``zn5 run --store http``) that folder is not on disk: an adapter that declares
        ``store:http`` opens :meth:`store_url` with the library's own HTTP store instead.
        """
        raise CannotRunError("this adapter does not open nodes")

    def store_url(self, store: Path) -> str | None:
        """The URL the store of folder ``store`` is served at in a run over HTTP, else None (PROTO-021)."""
        if self.served is None:
            return None
        input, url = self.served
        return url + "/" + store.relative_to(input).as_posix()

    def read(self, array: Any, selection: Selection) -> Values:
        """The values of ``selection`` of what :meth:`open` opened."""
        raise CannotRunError("this adapter does not read")

    def describe(self, node: Any, format: str) -> dict[str, Any]:
        """The canonical description (node.schema.json) of what :meth:`open` opened."""
        raise CannotRunError("this adapter does not describe metadata")

    def write(
        self, store: Path, format: str, node: str, metadata: Mapping[str, Any], values: Values | None
    ) -> None:
        """Create ``node`` as ``metadata`` (a canonical description) says in a new store in folder ``store``,
        holding ``values`` (little-endian; None for a group)."""
        raise CannotRunError("this adapter does not write")

    def category(self, error: BaseException, phase: str) -> str:
        """The error category of a library error raised in ``phase`` (open, read or write)."""
        if isinstance(error, (FileNotFoundError, KeyError)):
            return "not-found"
        return {"open": "metadata", "read": "chunk"}.get(phase, "store")

    def hello(self) -> Reply:
        """The hello reply."""
        implementation = {"name": self.name, "version": self.version, "language": self.language}
        if self.homepage:
            implementation["homepage"] = self.homepage
        reply: Reply = {
            "protocol": PROTOCOL,
            "implementation": implementation,
            "adapter": {"version": self.adapter_version},
            "capabilities": sorted(set(self.capabilities)),
        }
        if self.format_gaps:
            reply["format_gaps"] = {
                format: sorted(set(tokens)) for format, tokens in self.format_gaps.items()
            }
        return reply


def selection_key(selection: Selection) -> Any:
    """The Python/NumPy indexing key of a selection: ``...``, or per axis an int or a slice."""
    if selection is None:
        return ...
    return tuple(item if isinstance(item, int) else slice(*item) for item in selection)


def component_size(data_type: str) -> int:
    """The size in bytes of the unit whose byte order matters: a complex number's part, a UCS-4 character."""
    number = re.fullmatch(r"u?int(\d+)|float(\d+)|complex(\d+)", data_type)
    if number:
        bits = int(next(group for group in number.groups() if group))
        return bits // 16 if data_type.startswith("complex") else bits // 8
    if data_type.startswith(("numpy.datetime64", "numpy.timedelta64")):
        return 8
    return 4 if data_type.startswith("fixed_length_utf32") else 1  # bool, r*, fixed_length_bytes: bytes


def filtered_type(filters: Sequence[Any], element: Any, bytes_type: Any) -> Any:
    """The NumPy type that numcodecs ``filters`` hand on, for the ``bytes`` codec's endian and the
    compressor's typesize: of ``element`` (one element of the array, such as ``numpy.zeros(1, dtype)``)
    encoded by each filter in turn; ``bytes_type`` once a filter hands on bytes instead of an array."""
    for codec in filters:
        element = codec.encode(element)
        if not hasattr(element, "dtype"):
            return bytes_type
    return element.dtype


def write_array(values: Values, folder: Path) -> None:
    """Write ``array.json`` and ``array.bin`` (little-endian, C order) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = values.little_endian()
    (folder / "array.bin").write_bytes(raw)
    document = {
        "data_type": values.data_type,
        "shape": list(values.shape),
        "file": "array.bin",
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    (folder / "array.json").write_text(json.dumps(document), encoding="utf-8")


def read_array(path: Path) -> Values:
    """The values of an ``array.json`` (a write case's input); ValueError when the bytes do not match."""
    document = json.loads(path.read_text(encoding="utf-8"))
    raw = (path.parent / document["file"]).read_bytes()
    if hashlib.sha256(raw).hexdigest() != document["sha256"]:
        raise ValueError(f"{path}: the bytes of {document['file']} do not match their sha256")
    return Values(raw, document["data_type"], tuple(document["shape"]))


def fill_bytes(metadata: Mapping[str, Any]) -> bytes | None:
    """The fill value of a canonical array description: its element's little-endian bytes, or None."""
    fill = metadata.get("fill_value")
    return None if fill is None else bytes.fromhex(fill["hex"])


def rejected(category: str, phase: str, message: str, requirement: str | None = None) -> Reply:
    """The reply for an input the library refused."""
    error = {"category": category, "phase": phase, "message": message}
    if requirement:
        error["requirement"] = requirement
    return {"status": "rejected", "error": error}


def run_case(adapter: Adapter, case: Mapping[str, Any], input: Path, output: Path) -> Reply:
    """The reply (without seq) to one case; paths in the case are relative to ``input``."""
    where, operation = case["input"], case["operation"]
    try:
        if operation["op"] == "write":
            return _write(adapter, operation["target"], input, where, output)
        if operation["op"] == "metadata":
            return _describe(adapter, input / where["store"], where.get("node", ""), case["format"])
        if "stores" in where:
            return _equivalence(adapter, where, input, operation.get("selection"), output)
        return _read(
            adapter, input / where["store"], where.get("node", ""), case["format"], operation, output
        )
    except CannotRunError as skip:
        reply: Reply = {"status": "skipped", "reason": str(skip)}
        return reply | ({"issue": skip.issue} if skip.issue else {})


def _refusal(adapter: Adapter, error: BaseException, phase: str) -> Reply:
    if isinstance(error, RefusedError):
        return rejected(error.category, phase, str(error), error.requirement)
    return rejected(adapter.category(error, phase), phase, f"{type(error).__name__}: {error}")


def _refusals(adapter: Adapter) -> tuple[type[BaseException], ...]:
    return (RefusedError, *adapter.library_errors)


def _read(
    adapter: Adapter, store: Path, node: str, format: str, operation: Mapping[str, Any], output: Path
) -> Reply:
    phase = "open"
    try:
        opened = adapter.open(store, node, format)
        phase = "read"
        values = adapter.read(opened, operation.get("selection"))
    except _refusals(adapter) as error:
        return _refusal(adapter, error, phase)
    write_array(values, output)
    return {"status": "ok", "result": {"array": "array.json"}}


def _equivalence(
    adapter: Adapter, where: Mapping[str, Any], input: Path, selection: Selection, output: Path
) -> Reply:
    """Read the node of each store whose format the adapter declares, into ``output/<format>/``."""
    declared = [name for name in FORMATS if f"format:{name}" in adapter.capabilities]
    arrays = {}
    for format in (name for name in declared if name in where["stores"]):
        store = input / where["stores"][format]
        reply = _read(
            adapter, store, where.get("node", ""), format, {"selection": selection}, output / format
        )
        if reply["status"] != "ok":
            return reply
        arrays[format] = f"{format}/array.json"
    if not arrays:
        raise CannotRunError("the case has no store in a format the adapter declares")
    return {"status": "ok", "result": {"arrays": arrays}}


def _describe(adapter: Adapter, store: Path, node: str, format: str) -> Reply:
    try:
        description = adapter.describe(adapter.open(store, node, format), format)
    except _refusals(adapter) as error:
        return _refusal(adapter, error, "open")
    return {"status": "ok", "result": {"node": description}}


def _write(
    adapter: Adapter, target: Mapping[str, Any], input: Path, where: Mapping[str, Any], output: Path
) -> Reply:
    values = read_array(input / where["array"]) if "array" in where else None
    try:
        adapter.write(output / "store", target["format"], target["node"], target["metadata"], values)
    except _refusals(adapter) as error:
        return _refusal(adapter, error, "write")
    return {"status": "ok", "result": {"store": "store"}}


def handle(adapter: Adapter, message: Mapping[str, Any]) -> Reply | None:
    """The reply to one message (None for stop); a failure of the adapter's own code is an adapter error."""
    if message.get("cmd") == "hello":
        return adapter.hello()
    if message.get("cmd") != "run":
        return None
    input, url = Path(message["input"]), message.get("input_url")
    adapter.served = None if url is None else (input, url)
    try:
        reply = run_case(adapter, message["case"], input, Path(message["output"]))
    except Exception as error:
        reply = {"status": "adapter-error", "message": f"{type(error).__name__}: {error}"}
        reply["traceback"] = traceback.format_exc()
    return {"seq": message["seq"], **reply}


def serve(adapter: Adapter, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    """Answer the runner's messages until ``stop`` or the end of input; return the exit status (0).

    With the real standard streams, file descriptor 1 points at standard error while the adapter runs,
    so that nothing the library prints, even from C, can break the protocol stream.
    """
    if stdin is None:
        stdin = sys.stdin.buffer
    if stdout is None:
        sys.stdout.flush()
        stdout = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    for line in stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        if message.get("cmd") == "stop":
            break
        reply = handle(adapter, message)
        if reply is not None:
            stdout.write(json.dumps(reply, ensure_ascii=False).encode("utf-8") + b"\n")
            stdout.flush()
    return 0

"""The conformance runner: drive an adapter through the corpus and score every case.

The runner copies each case to a scratch folder (the corpus itself is never handed out), withholds the
expectation, sends one ``run`` per case with a time-out, and scores the reply against ``case.json``.
Everything an adapter can do wrong is an outcome, never an exception of the runner: a crash or a
hang is attributed to the case in flight and the adapter restarted; a line that breaks the protocol
is an adapter error; after ``restart_budget`` consecutive crashes or hangs the rest of the adapter's
cases are scored as crashes at once. Write cases are verified by the reference implementation.

With ``--jobs N`` above 1 the cases run in N forked worker processes, each with its own adapter
connection, copying, scoring and verifying its cases itself; the runner's process only hands out cases,
applies expectations and keeps the progress, so that the work of the runner scales with the adapters.

Outcomes (spec/adapter-protocol.md): pass (for rejects: precise when the error category matches),
fail, missed-reject, wrong-reject, crash, timeout, adapter-error, unsupported, skipped, xfail, xpass.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import traceback
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import IO, Any, Final, Literal, cast

from zn5.conformance import protocol
from zn5.conformance.adapters import Adapter
from zn5.conformance.canonical import decode_values, describe_node, difference, read_array_document
from zn5.conformance.expectations import Entry, Expectations
from zn5.conformance.meaning import meaning
from zn5.conformance.protocol import HelloReply, ProtocolError, RunReply
from zn5.conformance.resources import CORPUS
from zn5.reference import Array, ZN5Error
from zn5.reference import open as open_node
from zn5.reference.formats.dialect import parse_node
from zn5.reference.store.local import LocalStore

Outcome = Literal[
    "pass",
    "fail",
    "missed-reject",
    "wrong-reject",
    "crash",
    "timeout",
    "adapter-error",
    "unsupported",
    "skipped",
    "xfail",
    "xpass",
]
OUTCOMES: Final[tuple[Outcome, ...]] = (
    "pass",
    "fail",
    "missed-reject",
    "wrong-reject",
    "crash",
    "timeout",
    "adapter-error",
    "unsupported",
    "skipped",
    "xfail",
    "xpass",
)
NOT_PASSING: Final = frozenset({"fail", "missed-reject", "wrong-reject", "crash", "timeout", "adapter-error"})
FAILS_RUN: Final = NOT_PASSING | {"xpass"}
CORPUS_DIR: Final = CORPUS
STDERR_LINES: Final = 40
WORKER_STOP_GRACE: Final = 5.0


class CorpusError(ValueError):
    """The corpus folder is missing, or its manifest disagrees with its cases."""


class AdapterStartError(RuntimeError):
    """The adapter did not answer hello properly, so no case can run."""


# The corpus.


@dataclass(frozen=True)
class Case:
    """One case of the corpus: its folder and its case.json."""

    id: str
    uid: str
    kind: str
    format: str
    folder: Path
    document: Mapping[str, Any]

    @property
    def requires(self) -> frozenset[str]:
        """The capability tokens the case needs."""
        return frozenset(self.document.get("requires", ()))

    @property
    def level(self) -> str:
        """The strongest requirement level the case tests."""
        return str(self.document.get("level", "MUST"))

    @property
    def requirements(self) -> tuple[str, ...]:
        """The requirement IDs the case tests."""
        return tuple(self.document.get("requirements", ()))

    @property
    def expect(self) -> Mapping[str, Any]:
        """What the case expects."""
        expect: Mapping[str, Any] = self.document["expect"]
        return expect


@dataclass(frozen=True)
class Profile:
    """A conformance class of capabilities.json: the tokens it needs and the case kinds it covers."""

    name: str
    requires: frozenset[str]
    kinds: frozenset[str] | None = None
    description: str = ""
    capabilities: frozenset[str] = frozenset()
    """The tokens a claim of the profile declares: ``requires`` and the profile's required capabilities."""
    builds_on: str | None = None
    """The profile whose verdict this one carries: it is conformant only with it (CONF-CLASS-005)."""

    @classmethod
    def from_json(cls, name: str, document: Any) -> Profile:
        """A profile: a list of tokens, or {"requires": [...], "capabilities": [...], "kinds": [...],
        "builds_on": name}."""
        if isinstance(document, list):
            return cls(name, frozenset(document))
        kinds = document.get("kinds")
        scope = frozenset(document.get("requires", ()))
        return cls(
            name,
            scope,
            None if kinds is None else frozenset(kinds),
            str(document.get("description", "")),
            scope | frozenset(document.get("capabilities", ())),
            document.get("builds_on"),
        )

    def missing(
        self, declared: frozenset[str], gaps: Mapping[str, frozenset[str]] | None = None
    ) -> list[str]:
        """The tokens a claim needs that ``declared`` lacks, or lacks in the profile's format by ``gaps``;
        none means the profile is claimed."""
        needed = self.capabilities | self.requires
        formats = [token.removeprefix("format:") for token in self.requires if token.startswith("format:")]
        lacking = {token for name in formats for token in (gaps or {}).get(name, ())}
        return sorted((needed - declared) | (needed & lacking))

    def covers(self, case: Case) -> bool:
        """Whether a case belongs to the profile: a kind it covers, needing every token it names."""
        return (self.kinds is None or case.kind in self.kinds) and self.requires <= case.requires


def corpus_digest(entries: Iterable[Mapping[str, Any]]) -> str:
    """The digest of a corpus: SHA-256 of "<id> <uid>" lines in id order (the generator's definition)."""
    lines = "".join(f"{entry['id']} {entry['uid']}\n" for entry in sorted(entries, key=lambda e: e["id"]))
    return "sha256:" + hashlib.sha256(lines.encode()).hexdigest()


@dataclass(frozen=True)
class Corpus:
    """A corpus folder: VERSION, manifest.json, capabilities.json and cases/."""

    root: Path
    version: str
    digest: str
    cases: tuple[Case, ...]
    tokens: Mapping[str, str]
    profiles: tuple[Profile, ...]

    @classmethod
    def load(cls, root: Path = CORPUS_DIR) -> Corpus:
        """Read a corpus; CorpusError when it is missing or inconsistent (its digest, its uids)."""
        manifest_path = root / "manifest.json"
        if not manifest_path.is_file():
            raise CorpusError(f"no corpus at {root}: {manifest_path.name} is missing")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            vocabulary_path = root / "capabilities.json"
            vocabulary = (
                json.loads(vocabulary_path.read_text(encoding="utf-8")) if vocabulary_path.is_file() else {}
            )
            version_path = root / "VERSION"
            version = (
                version_path.read_text(encoding="utf-8").strip()
                if version_path.is_file()
                else str(manifest["version"])
            )
            cases = []
            for entry in manifest["cases"]:
                folder = root / entry["path"]
                document = json.loads((folder / "case.json").read_text(encoding="utf-8"))
                if document.get("uid") != entry["uid"] or document.get("id") != entry["id"]:
                    raise CorpusError(f"{folder}/case.json: its id and uid differ from the manifest's")
                cases.append(
                    Case(entry["id"], entry["uid"], entry["kind"], entry["format"], folder, document)
                )
            digest = str(manifest["digest"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CorpusError(f"{root}: unreadable corpus: {error}") from None
        if corpus_digest(manifest["cases"]) != digest:
            raise CorpusError(f"{manifest_path}: the digest does not match the ids and uids of its cases")
        if version != manifest.get("version", version):
            raise CorpusError(f"{root}: VERSION says {version}, manifest.json says {manifest['version']}")
        profiles = tuple(
            Profile.from_json(name, value) for name, value in sorted(vocabulary.get("profiles", {}).items())
        )
        return cls(root, version, digest, tuple(cases), dict(vocabulary.get("tokens", {})), profiles)

    def select(self, globs: Sequence[str] = ()) -> list[Case]:
        """The cases whose id matches any of ``globs`` (all cases when there are none), in corpus order."""
        if not globs:
            return list(self.cases)
        return [case for case in self.cases if any(fnmatchcase(case.id, glob) for glob in globs)]


# Connections to an adapter: a subprocess, or an object in this process; both speak encoded lines.


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


# Scoring.


@dataclass(frozen=True)
class CaseResult:
    """How one case went."""

    id: str
    uid: str
    kind: str
    format: str
    level: str
    requirements: tuple[str, ...]
    outcome: Outcome
    message: str = ""
    precise: bool | None = None
    expectation: Entry | None = None
    duration_ms: float = 0.0
    detail: str = ""
    stderr: str = ""

    @classmethod
    def of(cls, case: Case, outcome: Outcome, message: str = "", **extra: Any) -> CaseResult:
        """A result for ``case``."""
        return cls(
            case.id,
            case.uid,
            case.kind,
            case.format,
            case.level,
            case.requirements,
            outcome,
            message,
            **extra,
        )

    def to_json(self) -> dict[str, Any]:
        """The report's entry for this case."""
        document: dict[str, Any] = {
            "id": self.id,
            "uid": self.uid,
            "kind": self.kind,
            "format": self.format,
            "level": self.level,
            "requirements": list(self.requirements),
            "outcome": self.outcome,
            "duration_ms": round(self.duration_ms, 3),
            "message": self.message,
        }
        if self.precise is not None:
            document["precise"] = self.precise
        if self.expectation is not None:
            document["expectation"] = self.expectation.to_json()
        if self.detail:
            document["detail"] = self.detail
        if self.stderr:
            document["stderr"] = self.stderr
        return document


@dataclass(frozen=True)
class Verdict:
    """The score of one reply."""

    outcome: Outcome
    message: str = ""
    precise: bool | None = None
    detail: str = ""


class ResultError(ValueError):
    """A reply names a result that is missing, malformed or outside the output folder."""


def unsupported_reason(
    case: Case, capabilities: frozenset[str], gaps: Mapping[str, frozenset[str]] | None = None
) -> str | None:
    """Why an adapter with ``capabilities`` (less its ``gaps`` in the case's format) cannot run ``case``,
    or None when it can (PROTO-004)."""
    missing = sorted(case.requires - capabilities)
    if missing:
        return f"needs {', '.join(missing)}"
    gap = sorted(case.requires & (gaps or {}).get(case.format, frozenset()))
    if gap:
        return f"needs {', '.join(gap)}, which the adapter lacks in {case.format}"
    stores = case.document.get("input", {}).get("stores")
    if stores and not any(f"format:{name}" in capabilities for name in stores):
        return f"reads none of the formats {', '.join(sorted(stores))}"
    return None


def result_path(value: str, output: Path) -> Path:
    """A path a result names, which must lie inside ``output``."""
    path = Path(value)
    resolved = (path if path.is_absolute() else output / path).resolve()
    if not resolved.is_relative_to(output.resolve()):
        raise ResultError(f"the result {value!r} lies outside the output folder")
    return resolved


def _load_array(path: Path, what: str) -> tuple[str, Any]:
    """The data type name and values of an array.json; ResultError when it is malformed."""
    if not path.is_file():
        raise ResultError(f"{what}: no file at {path}")
    try:
        document, raw = read_array_document(path)
        problem = protocol.schema_problem("array", document)
        if problem is not None:
            raise ValueError(problem)
        return str(document["data_type"]), decode_values(document, raw)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ResultError(f"{what}: {error}") from None


def expected_array(case: Case) -> tuple[str, Any]:
    """The values a read or equivalence case expects."""
    document, raw = read_array_document(case.folder / case.expect["array"])
    return str(document["data_type"]), decode_values(document, raw)


def _same_scalar(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return expected == actual
    return type(expected) is type(actual) and bool(expected == actual)


def json_differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Where two JSON values differ, as JSON pointers; 1 equals 1.0, but true is no number."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual), key=str):
            pointer = f"{where}/{key}"
            if key not in actual:
                found.append(f"{pointer}: missing (expected {json.dumps(expected[key])})")
            elif key not in expected:
                found.append(f"{pointer}: unexpected {json.dumps(actual[key])}")
            else:
                found.extend(json_differences(expected[key], actual[key], pointer))
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            difference
            for index, (left, right) in enumerate(zip(expected, actual, strict=True))
            for difference in json_differences(left, right, f"{where}/{index}")
        ]
    if not isinstance(expected, dict | list) and _same_scalar(expected, actual):
        return []
    return [f"{where or '/'}: expected {json.dumps(expected)}, got {json.dumps(actual)}"]


def _summarise(differences: list[str], limit: int = 3) -> str:
    head = "; ".join(differences[:limit])
    more = f" (and {len(differences) - limit} more)" if len(differences) > limit else ""
    return f"{len(differences)} difference{'s' if len(differences) != 1 else ''}: {head}{more}"


def compare_array(case: Case, name: str, output: Path) -> Verdict:
    """Score an array result against the case's expected values."""
    actual_type, actual = _load_array(result_path(name, output), "result array")
    expected_type, expected = expected_array(case)
    problem = difference(expected, actual, expected_type, actual_type)
    return Verdict("pass") if problem is None else Verdict("fail", problem)


def compare_equivalence(
    case: Case, arrays: Mapping[str, str], output: Path, capabilities: frozenset[str]
) -> Verdict:
    """Score an equivalence result: every store format the adapter reads gives the expected values."""
    stores = case.document["input"]["stores"]
    unknown = sorted(set(arrays) - set(stores))
    if unknown:
        raise ResultError(f"results for formats the case has no store of: {', '.join(unknown)}")
    supported = {name for name in stores if f"format:{name}" in capabilities}
    missing = sorted(supported - set(arrays))
    problems = [f"{name}: no result, though the adapter reads {name}" for name in missing]
    expected_type, expected = expected_array(case)
    for name, path in sorted(arrays.items()):
        actual_type, actual = _load_array(result_path(path, output), f"result array of {name}")
        problem = difference(expected, actual, expected_type, actual_type)
        if problem is not None:
            problems.append(f"{name}: {problem}")
    return (
        Verdict("fail", "; ".join(problems))
        if problems
        else Verdict("pass", f"read {', '.join(sorted(arrays))}")
    )


def compare_node(case: Case, node: Any) -> Verdict:
    """Score a metadata result against the expected canonical description, on meaning (PROTO-012)."""
    differences = json_differences(
        meaning(case.expect["node"]), meaning(node) if isinstance(node, dict) else node
    )
    return (
        Verdict("fail", _summarise(differences), detail="\n".join(differences))
        if differences
        else Verdict("pass")
    )


def verify_write(case: Case, name: str, output: Path) -> Verdict:
    """Check a written store with the reference: its metadata is the target's, its values the input's.

    The comparison is strict on meaning (``meaning.py``, PROTO-020): codecs by name and whole
    configuration (a different compression level is a failure, an omitted default or an ``endian`` of
    no effect is not). A store that the reference reads only leniently fails too, and so does a chunk
    whose header contradicts the metadata (CODEC-BLOSC-004, N5-BLOCK-008).
    """
    store = result_path(name, output)
    if not store.is_dir():
        raise ResultError(f"the result store {name!r} is not a folder under output")
    target = case.document["operation"]["target"]
    try:
        parsed = parse_node(LocalStore(store, writable=False), target["node"], target["format"])
    except ZN5Error as error:
        return Verdict("fail", f"the reference cannot open the written store: {error}")
    if parsed is None:
        return Verdict("fail", f"no {target['format']} node at /{target['node']} in the written store")
    flaws = [problem for problem in parsed.problems if problem.level != "warning"]
    if flaws:
        return Verdict("fail", "the written metadata breaks the spec: " + "; ".join(str(p) for p in flaws))
    try:
        node = open_node(store, path=target["node"], format=target["format"])
        differences = json_differences(meaning(target["metadata"]), meaning(describe_node(node.model)))
        if differences:
            return Verdict(
                "fail",
                "written metadata differs from the target: " + _summarise(differences),
                detail="\n".join(differences),
            )
        if not isinstance(node, Array):
            return Verdict("pass", "group written")
        values = node[...]
        contradictions = [
            problem
            for coords in node.model.chunk_grid.all_chunks(node.model.shape)
            for problem in node.stored_chunk_problems(coords)
            if problem.level != "warning"
        ]
    except ZN5Error as error:
        return Verdict("fail", f"the reference cannot read the written store: {error}")
    document, raw = read_array_document(case.folder / case.document["input"]["array"])
    problem = difference(
        decode_values(document, raw), values, document["data_type"], node.model.data_type.name
    )
    if problem is not None:
        return Verdict("fail", f"written values differ: {problem}")
    if contradictions:
        return Verdict(
            "fail",
            "the written chunks contradict the metadata: " + _summarise([str(p) for p in contradictions]),
            detail="\n".join(str(p) for p in contradictions),
        )
    return Verdict("pass")


def score(case: Case, reply: RunReply, output: Path, capabilities: frozenset[str]) -> Verdict:
    """The outcome of a case from a valid reply."""
    if reply.status == "adapter-error":
        return Verdict("adapter-error", reply.message, detail=reply.traceback)
    if reply.status == "skipped":
        return Verdict("skipped", reply.reason)
    expect = case.expect
    if expect.get("outcome") == "error":
        wanted = f"a {expect['category']} error in {expect['phase']} ({expect['requirement']})"
        if reply.error is None:
            return Verdict("missed-reject", f"accepted; expected {wanted}")
        error = reply.error
        precise = error.category == expect["category"]
        said = f"rejected in {error.phase} as {error.category}"
        if error.requirement:
            said += f" ({error.requirement})"
        return Verdict(
            "pass", said if precise else f"{said}; expected {wanted}", precise=precise, detail=error.message
        )
    if reply.error is not None:
        error = reply.error
        return Verdict(
            "wrong-reject", f"refused valid input in {error.phase} as {error.category}: {error.message}"
        )
    result = reply.result
    try:
        if case.kind == "write":
            if "store" not in result:
                raise ResultError("a write case needs a store result")
            return verify_write(case, result["store"], output)
        if case.kind == "metadata":
            if "node" not in result:
                raise ResultError("a metadata case needs a node result")
            return compare_node(case, result["node"])
        if "stores" in case.document.get("input", {}):
            if "arrays" not in result:
                raise ResultError("an equivalence case needs an arrays result")
            return compare_equivalence(case, result["arrays"], output, capabilities)
        if "array" not in result:
            raise ResultError(f"a {case.kind} case needs an array result")
        return compare_array(case, result["array"], output)
    except ResultError as error:
        return Verdict("adapter-error", str(error))


def apply_expectation(result: CaseResult, entry: Entry | None) -> CaseResult:
    """Turn an expected failure into xfail, and its pass into xpass."""
    if entry is None or entry.outcome != "xfail":
        return result
    if result.outcome == "pass":
        return replace(
            result,
            outcome="xpass",
            expectation=entry,
            message=f"passes, but is listed as xfail: {entry.reason}",
        )
    if result.outcome in NOT_PASSING:
        return replace(
            result, outcome="xfail", expectation=entry, message=f"{result.outcome}: {result.message}"
        )
    return replace(result, expectation=entry)


# Scratch folders.


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes (and symbolic links with their target)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = "link:" + path.readlink().as_posix()
        elif path.is_file():
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def tree_changes(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """What changed between two tree digests, readably."""
    changes = [f"added {name}" for name in sorted(set(after) - set(before))]
    changes += [f"removed {name}" for name in sorted(set(before) - set(after))]
    changes += [f"changed {name}" for name in sorted(set(before) & set(after)) if before[name] != after[name]]
    return changes


def copy_case(case: Case, destination: Path) -> dict[str, str]:
    """Copy a case folder without ``expected/``, its case.json without ``expect`` (PROTO-006).

    Returns the copy's :func:`tree_digest`, computed from the bytes as they are copied (one pass).
    """
    digest: dict[str, str] = {}
    for root, folders, files in os.walk(case.folder):
        here = Path(root)
        relative = here.relative_to(case.folder)
        if relative == Path():
            folders[:] = [name for name in folders if name != "expected"]
            files = [name for name in files if name != "case.json"]
        (destination / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            data = (here / name).read_bytes()
            (destination / relative / name).write_bytes(data)
            digest[(relative / name).as_posix()] = hashlib.sha256(data).hexdigest()
    redacted = protocol.withhold_expectation(dict(case.document))
    text = (json.dumps(redacted, indent=2, sort_keys=True) + "\n").encode()
    (destination / "case.json").write_bytes(text)
    digest["case.json"] = hashlib.sha256(text).hexdigest()
    return digest


def _make_writable(function: Callable[..., Any], path: str, _error: Any) -> None:
    """rmtree's error handler: an adapter may have taken the write permission away; give it back."""
    for folder in (Path(path).parent, Path(path)):
        with contextlib.suppress(OSError):
            folder.chmod(0o700)
    with contextlib.suppress(FileNotFoundError):
        function(path)


def remove_tree(folder: Path) -> None:
    """Delete a scratch folder, even one whose permissions an adapter changed."""
    if folder.exists():
        shutil.rmtree(folder, onerror=_make_writable)


def default_scratch() -> Path | None:
    """Where scratch folders go: a memory file system when there is one (cases are small and many)."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else None


# The run.


@dataclass(frozen=True)
class RunOptions:
    """How to run."""

    jobs: int = 1
    timeout: float = 10.0
    startup_timeout: float = 60.0
    restart_budget: int = 3
    scratch: Path | None = None
    keep_scratch: bool = False
    collect: Path | None = None
    """Where to copy the store of each write case that passes, as ``collect/<case id>/`` (``zn5 interop``)."""
    progress: IO[str] | None = None
    progress_every: int = 0


@dataclass
class RunResult:
    """Everything a report needs."""

    corpus: Corpus
    hello: HelloReply
    adapter: str
    results: list[CaseResult]
    stale: list[Entry]
    expectations: Expectations
    options: RunOptions
    selection: tuple[str, ...]
    started: datetime
    finished: datetime
    notes: list[str] = field(default_factory=list)
    ready: datetime | None = None
    """When every adapter process had answered hello: the start of the cases."""

    def count(self, outcome: str) -> int:
        """How many cases ended with ``outcome``."""
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def passed(self) -> bool:
        """True when no case failed, nothing passed unexpectedly and no expectation is stale."""
        return not self.stale and not any(result.outcome in FAILS_RUN for result in self.results)


class _Budget:
    """Consecutive crashes and hangs of one adapter, across its parallel processes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.consecutive = 0

    @property
    def spent(self) -> bool:
        """True once ``limit`` cases in a row crashed or hung: the rest are not run."""
        return self.consecutive >= self.limit

    def record(self, outcome: str) -> None:
        self.consecutive = self.consecutive + 1 if outcome in ("crash", "timeout") else 0


class _Progress:
    """A line every ``every`` cases, so that CI logs stay short."""

    def __init__(self, stream: IO[str] | None, total: int, every: int) -> None:
        self.stream = stream
        self.total = total
        self.every = every or max(1, min(100, -(-total // 10)))
        self.done = 0
        self.counts: dict[str, int] = {}
        self.start = time.perf_counter()

    def add(self, result: CaseResult) -> None:
        self.done += 1
        self.counts[result.outcome] = self.counts.get(result.outcome, 0) + 1
        if self.stream is not None and (self.done % self.every == 0 or self.done == self.total):
            counts = "  ".join(f"{name} {self.counts[name]}" for name in OUTCOMES if name in self.counts)
            width = len(str(self.total))
            elapsed = time.perf_counter() - self.start
            print(
                f"  [{self.done:>{width}}/{self.total}]  {counts}  ({elapsed:.1f} s)",
                file=self.stream,
                flush=True,
            )


class _Worker:
    """One adapter process (or in-process connection) and the cases it runs, one at a time."""

    def __init__(self, runner: Runner, index: int) -> None:
        self.runner = runner
        self.index = index
        self.connection: Connection | None = None

    @property
    def description(self) -> str:
        """How the adapter is reached, for the report."""
        return self.connection.description if self.connection is not None else ""

    def start(self) -> HelloReply | Failure:
        connection = self.runner.connect()
        try:
            reply = connection.open(self.runner.hello, self.runner.options.startup_timeout)
        except ConnectionStartError as error:
            connection.close()
            return error.failure
        self.connection = connection
        return reply

    def restart(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def run(self, case: Case, seq: int) -> CaseResult:
        """Run one case; a runner error ends as the case's crash, never as the run's."""
        try:
            return self._run(case, seq)
        except Exception as error:
            self.restart()
            return CaseResult.of(case, "crash", f"runner error: {error!r}", detail=traceback.format_exc())

    def _run(self, case: Case, seq: int) -> CaseResult:
        runner = self.runner
        if self.connection is None:
            started = self.start()
            if isinstance(started, Failure):
                return CaseResult.of(
                    case, "crash", f"the adapter did not restart: {started.message}", stderr=started.stderr
                )
        assert self.connection is not None
        folder = runner.scratch / f"{seq:05d}"
        input, output = folder / "input", folder / "output"
        before = copy_case(case, input)
        output.mkdir(parents=True)
        message = protocol.run(seq, dict(case.document), input, output)
        begin = time.perf_counter()
        answer = self.connection.exchange(message, seq, runner.options.timeout)
        duration = 1000 * (time.perf_counter() - begin)
        if isinstance(answer, Failure):
            self.restart()
            result = CaseResult.of(
                case, answer.outcome, answer.message, duration_ms=duration, stderr=answer.stderr
            )
        else:
            try:
                verdict = score(case, answer, output, runner.capabilities)
            except Exception as error:  # a runner bug must not end the run; it is shown on the case
                verdict = Verdict(
                    "fail", f"the runner could not score the reply: {error!r}", detail=traceback.format_exc()
                )
            result = CaseResult.of(
                case,
                verdict.outcome,
                verdict.message,
                precise=verdict.precise,
                duration_ms=duration,
                detail=verdict.detail,
            )
        changes = tree_changes(before, tree_digest(input))
        if changes:
            what = f"the adapter changed its input: {'; '.join(changes[:5])}"
            if result.outcome in ("crash", "timeout"):
                result = replace(result, message=f"{result.message}; {what}")
            else:
                result = replace(result, outcome="fail", message=what, detail=result.message)
        if result.outcome == "pass" and case.kind == "write" and not isinstance(answer, Failure):
            self._collect(case, answer, output)
        if not runner.options.keep_scratch:
            remove_tree(folder)
        return result

    def _collect(self, case: Case, answer: RunReply, output: Path) -> None:
        """Keep a verified written store for the writer × reader run."""
        collect = self.runner.options.collect
        if collect is not None:
            shutil.copytree(result_path(str(answer.result["store"]), output), collect / case.id)


PipeEnd = multiprocessing.connection.Connection
Task = tuple[int, Case]
"""A case to run and its sequence number in the run."""


def _not_run(case: Case, budget: _Budget) -> CaseResult:
    return CaseResult.of(
        case, "crash", f"not run: the adapter crashed or hung on {budget.limit} cases in a row"
    )


class _Workers(ABC):
    """Where the cases run: one worker in this process, or one worker per child process."""

    @abstractmethod
    def start(self) -> tuple[HelloReply | Failure, str]:
        """Start every worker; the first one's hello reply (or why it failed) and its description."""

    @abstractmethod
    def share(self, capabilities: frozenset[str]) -> None:
        """Tell the workers the capabilities the run scores against (the first hello's)."""

    @abstractmethod
    def results(self, tasks: Sequence[Task], budget: _Budget) -> Iterable[tuple[int, CaseResult]]:
        """Run the tasks and yield their results as they come; once ``budget`` is spent, the rest fail."""

    @abstractmethod
    def close(self) -> None:
        """Stop every worker and its adapter."""


class _InThisProcess(_Workers):
    """``--jobs 1``: one worker in the runner's own process."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.worker = _Worker(runner, 0)

    def start(self) -> tuple[HelloReply | Failure, str]:
        reply = self.worker.start()
        return reply, self.worker.description

    def share(self, capabilities: frozenset[str]) -> None:
        self.runner.capabilities = capabilities

    def results(self, tasks: Sequence[Task], budget: _Budget) -> Iterable[tuple[int, CaseResult]]:
        for seq, case in tasks:
            yield seq, _not_run(case, budget) if budget.spent else self.worker.run(case, seq)

    def close(self) -> None:
        self.worker.restart()


def _serve(runner: Runner, index: int, pipe: PipeEnd) -> None:
    """A worker process: start the adapter, say its hello, then run each case the runner sends.

    Messages from the runner: the capabilities to score against (or None: stop), then tasks, then None.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner process handles Ctrl-C and stops its workers
    worker = _Worker(runner, index)
    try:
        reply = worker.start()
        pipe.send((reply, worker.description))
        capabilities = pipe.recv()
        if capabilities is None:
            return
        runner.capabilities = capabilities
        while (task := pipe.recv()) is not None:
            seq, case = task
            pipe.send(worker.run(case, seq))
    except (EOFError, OSError):  # the runner went away
        pass
    finally:
        worker.restart()
        pipe.close()


@dataclass
class _Child:
    """A worker process and the runner's end of its pipe."""

    process: multiprocessing.process.BaseProcess
    pipe: PipeEnd
    description: str = ""


class _InChildProcesses(_Workers):
    """``--jobs N``: N worker processes, each with its own adapter, so that scoring runs in parallel too.

    The workers are forked, so they share the runner's corpus and connector without pickling them; a
    worker that dies is replaced and the case it had counts as a crash.
    """

    IN_FLIGHT: Final = 2

    def __init__(self, runner: Runner, jobs: int) -> None:
        self.runner = runner
        self.context = multiprocessing.get_context("fork")
        self.children = [self._spawn(index) for index in range(jobs)]
        self.capabilities: frozenset[str] = frozenset()

    def _spawn(self, index: int) -> _Child:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(
            target=_serve, args=(self.runner, index, theirs), name=f"zn5-worker-{index}", daemon=True
        )
        process.start()
        theirs.close()
        return _Child(process, ours)

    @staticmethod
    def _hello(child: _Child) -> tuple[HelloReply | Failure, str]:
        try:
            reply: tuple[HelloReply | Failure, str] = child.pipe.recv()
        except (EOFError, OSError):
            died = f"the worker process died before hello (exit {child.process.exitcode})"
            return Failure("crash", died), ""
        return reply

    def start(self) -> tuple[HelloReply | Failure, str]:
        replies = [self._hello(child) for child in self.children]
        return replies[0]

    def share(self, capabilities: frozenset[str]) -> None:
        self.capabilities = capabilities
        for child in self.children:
            child.pipe.send(capabilities)

    def _replace(self, index: int) -> None:
        dead = self.children[index]
        dead.pipe.close()
        self.children[index] = child = self._spawn(index)
        self._hello(child)  # a worker whose adapter did not start retries on its first case
        child.pipe.send(self.capabilities)

    def results(self, tasks: Sequence[Task], budget: _Budget) -> Iterable[tuple[int, CaseResult]]:
        """Keep ``IN_FLIGHT`` tasks queued at each worker, so that none waits for the runner between cases."""
        waiting = deque(tasks)
        flights: list[deque[Task]] = [deque() for _ in self.children]
        while waiting or any(flights):
            for index, flight in enumerate(flights):
                while len(flight) < self.IN_FLIGHT and waiting:
                    seq, case = waiting.popleft()
                    if budget.spent:
                        yield seq, _not_run(case, budget)
                        continue
                    self.children[index].pipe.send((seq, case))
                    flight.append((seq, case))
            pipes = {self.children[index].pipe: index for index, flight in enumerate(flights) if flight}
            for ready in multiprocessing.connection.wait(list(pipes)):
                index = pipes[cast(PipeEnd, ready)]
                seq, case = flights[index].popleft()
                try:
                    result: CaseResult = self.children[index].pipe.recv()
                except (EOFError, OSError):
                    process = self.children[index].process
                    process.join(timeout=1.0)
                    died = f"the worker process died on this case (exit {process.exitcode})"
                    result = CaseResult.of(case, "crash", died)
                    waiting.extendleft(reversed(flights[index]))  # the cases queued behind it run again
                    flights[index].clear()
                    self._replace(index)
                yield seq, result

    def close(self) -> None:
        for child in self.children:
            with contextlib.suppress(OSError, ValueError):
                child.pipe.send(None)
        for child in self.children:
            child.process.join(timeout=WORKER_STOP_GRACE)
            if child.process.is_alive():
                child.process.terminate()
                child.process.join()
            child.pipe.close()


def _workers(runner: Runner, jobs: int) -> _Workers:
    """One worker in this process for one job; forked worker processes for more, where the system forks."""
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        return _InChildProcesses(runner, jobs)
    return _InThisProcess(runner)


class Runner:
    """Run a selection of a corpus through an adapter."""

    def __init__(
        self,
        corpus: Corpus,
        connect: Callable[[], Connection],
        expectations: Expectations | None = None,
        options: RunOptions | None = None,
    ) -> None:
        self.corpus = corpus
        self.connect = connect
        self.expectations = expectations or Expectations.empty()
        self.options = options or RunOptions()
        self.hello = protocol.hello(corpus.version, corpus.digest)
        protocol.validate("hello", self.hello)
        self.capabilities: frozenset[str] = frozenset()
        self.format_gaps: Mapping[str, frozenset[str]] = {}
        self.scratch = Path()

    def run(self, selection: Sequence[str] = ()) -> RunResult:
        """Run the cases matching ``selection`` (all when empty); AdapterStartError when hello fails."""
        started = datetime.now(UTC)
        cases = self.corpus.select(selection)
        self.scratch = Path(
            tempfile.mkdtemp(prefix="zn5-run-", dir=self.options.scratch or default_scratch())
        )
        workers = _workers(self, max(1, min(self.options.jobs, len(cases) or 1)))
        try:
            first, description = workers.start()
            if isinstance(first, Failure):
                detail = f"\n{first.stderr}" if first.stderr else ""
                raise AdapterStartError(f"{first.outcome}: {first.message}{detail}")
            workers.share(first.capabilities)
            self.capabilities = first.capabilities
            self.format_gaps = first.format_gaps
            ready = datetime.now(UTC)
            results = self._run_cases(cases, workers)
        finally:
            workers.close()
            if not self.options.keep_scratch:
                remove_tree(self.scratch)
        ordered = [results[seq] for seq in sorted(results)]
        idle = (result.id for result in ordered if result.outcome in ("unsupported", "skipped"))
        return RunResult(
            corpus=self.corpus,
            hello=first,
            adapter=description,
            results=ordered,
            stale=self.expectations.stale((case.id for case in self.corpus.cases), idle),
            expectations=self.expectations,
            options=self.options,
            selection=tuple(selection),
            started=started,
            finished=datetime.now(UTC),
            notes=self._notes(cases, selection, first),
            ready=ready,
        )

    def _run_cases(self, cases: Sequence[Case], workers: _Workers) -> dict[int, CaseResult]:
        """Score the cases the adapter cannot or should not run, run the others; results by seq."""
        results: dict[int, CaseResult] = {}
        progress = _Progress(self.options.progress, len(cases), self.options.progress_every)
        tasks: list[Task] = []
        for seq, case in enumerate(cases):
            entry = self.expectations.lookup(case.id)
            reason = unsupported_reason(case, self.capabilities, self.format_gaps)
            if reason is not None:
                results[seq] = CaseResult.of(case, "unsupported", reason, expectation=entry)
            elif entry is not None and entry.outcome == "skip":
                results[seq] = CaseResult.of(
                    case, "skipped", f"expectations: {entry.reason}", expectation=entry
                )
            else:
                tasks.append((seq, case))
                continue
            progress.add(results[seq])
        budget = _Budget(self.options.restart_budget)
        for seq, result in workers.results(tasks, budget):
            budget.record(result.outcome)
            results[seq] = apply_expectation(result, self.expectations.lookup(result.id))
            progress.add(results[seq])
        return results

    def _notes(self, cases: Sequence[Case], selection: Sequence[str], first: HelloReply) -> list[str]:
        """What a reader of the report should know about the run as a whole."""
        notes = []
        if selection:
            notes.append(
                f"--select {' '.join(selection)} ran {len(cases)} of {len(self.corpus.cases)} cases: each "
                "verdict covers only the selected cases of its profile (CONF-CLASS-006)"
            )
        unknown = sorted(self.capabilities - set(self.corpus.tokens)) if self.corpus.tokens else []
        if unknown:
            notes.append(f"the adapter claims tokens the corpus does not define: {', '.join(unknown)}")
        if self.expectations.implementation and self.expectations.implementation != first.implementation.name:
            notes.append(
                f"the expectations were written for {self.expectations.implementation}, "
                f"the adapter runs {first.implementation.name}"
            )
        return notes

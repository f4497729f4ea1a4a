"""The adapter protocol, version 1: line-delimited JSON between the runner and an adapter process.

Five messages, each defined by a JSON Schema in ``schemas/project/protocol/`` (spec/adapter-protocol.md):
``hello`` and ``run`` and ``stop`` go from the runner to the adapter; a hello reply and a run reply come
back. This module builds, encodes, decodes and validates them. Whatever an adapter prints that is not
a valid message becomes a :class:`ProtocolError`, which the runner scores as an adapter error; nothing
an adapter sends can raise anything else here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from zn5.conformance.suite.resources import PROJECT_SCHEMAS

if TYPE_CHECKING:  # jsonschema is imported on first validation: adapters that only encode start faster
    from jsonschema import Draft202012Validator
    from referencing import Registry

    from zn5.reference.errors import ErrorCategory

PROTOCOL_VERSION: Final = 1
SCHEMA_DIR: Final = PROJECT_SCHEMAS
MESSAGES: Final = ("hello", "hello-reply", "run", "run-reply", "stop")
MessageName = Literal["hello", "hello-reply", "run", "run-reply", "stop"]
Status = Literal["ok", "rejected", "skipped", "adapter-error"]
Phase = Literal["open", "read", "write"]
MAX_LINE_BYTES: Final = 16 * 1024 * 1024
"""The longest line the runner reads; results travel through files, so a reply is never near this."""


class ProtocolError(ValueError):
    """A line broke the protocol: not JSON, not an object, failing its schema, or answering another seq."""


def schema_path(name: str) -> Path:
    """The schema file of a message, or of another project document (``report``, ``case``, ...)."""
    if name in MESSAGES:
        return SCHEMA_DIR / "protocol" / f"{name}.schema.json"
    return SCHEMA_DIR / f"{name}.schema.json"


@cache
def registry() -> Registry:
    """Every project schema by its ``$id``, so that ``$ref`` between them resolves offline."""
    from referencing import Registry, Resource

    resources = []
    for path in sorted(SCHEMA_DIR.rglob("*.schema.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        resources.append((document["$id"], Resource.from_contents(document)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """A checked validator for one message or project document schema."""
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry())


def schema_problem(name: str, document: Any) -> str | None:
    """Why ``document`` fails the schema ``name`` (the most relevant error, with its location), or None."""
    from jsonschema.exceptions import best_match

    error = best_match(validator(name).iter_errors(document))
    if error is None:
        return None
    where = "".join(f"[{part!r}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
    return f"{name}{where}: {error.message}"


def validate(name: MessageName, document: Any) -> None:
    """Raise ProtocolError when ``document`` is not a valid ``name`` message."""
    problem = schema_problem(name, document)
    if problem is not None:
        raise ProtocolError(f"invalid {problem}")


def encode(document: dict[str, Any]) -> bytes:
    """One message as one UTF-8 line (JSON escapes any newline inside strings)."""
    return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode() + b"\n"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_line(line: bytes | str) -> dict[str, Any]:
    """One line as a JSON object; ProtocolError when it is not one."""
    text = line.decode("utf-8", errors="replace") if isinstance(line, bytes) else line
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as error:
        raise ProtocolError(f"not a JSON line ({error}): {shorten(text)}") from None
    if not isinstance(document, dict):
        raise ProtocolError(f"a message is a JSON object, not: {shorten(text)}")
    return document


def decode(line: bytes | str, name: MessageName) -> dict[str, Any]:
    """Parse and validate one line as a ``name`` message; ProtocolError says what was wrong."""
    document = parse_line(line)
    validate(name, document)
    return document


def shorten(text: str, limit: int = 200) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = text.strip().replace("\n", "\\n")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# The runner's messages.


def hello(corpus_version: str, corpus_digest: str) -> dict[str, Any]:
    """The hello message."""
    return {
        "cmd": "hello",
        "protocol": PROTOCOL_VERSION,
        "corpus": {"version": corpus_version, "digest": corpus_digest},
    }


def run(
    seq: int, case: dict[str, Any], input: Path, output: Path, *, input_url: str | None = None
) -> dict[str, Any]:
    """The run message for a case; the case's expectation is withheld (PROTO-006). ``input_url`` is
    where a ``--store http`` run serves the case's stores (PROTO-021)."""
    message = {
        "cmd": "run",
        "seq": seq,
        "case": withhold_expectation(case),
        "input": str(input),
        "output": str(output),
    }
    if input_url is not None:
        message["input_url"] = input_url
    return message


def stop() -> dict[str, Any]:
    """The stop message."""
    return {"cmd": "stop"}


def given(**members: Any) -> dict[str, Any]:
    """The members that have a value, for a JSON message or report: None and "" are left out."""
    return {name: value for name, value in members.items() if value is not None and value != ""}


def withhold_expectation(case: dict[str, Any]) -> dict[str, Any]:
    """The case without what it expects: an adapter cannot pass by echoing the answer."""
    return {name: value for name, value in case.items() if name != "expect"}


# The adapter's replies, as the runner reads them.


@dataclass(frozen=True)
class Implementation:
    """The library under test, as the hello reply names it."""

    name: str
    """The library's own name, such as ``zarr-python``; the report and the site key on it."""
    version: str
    """The version that ran, as the library reports it; an expectations file names the version it is for."""
    language: str
    homepage: str | None = None
    commit: str | None = None
    """The source commit, for a library built from a checkout."""

    def to_json(self) -> dict[str, str]:
        """The JSON object of the hello reply and the report: the members that have a value."""
        return given(**asdict(self))


@dataclass(frozen=True)
class HelloReply:
    """Who the adapter is, and the capability tokens its implementation supports."""

    implementation: Implementation
    adapter_version: str
    capabilities: frozenset[str]
    protocol: int = PROTOCOL_VERSION
    format_gaps: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Declared capabilities the implementation lacks in one format, by format (PROTO-004)."""

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> HelloReply:
        """A validated hello reply; a protocol other than this one is a ProtocolError (PROTO-003)."""
        validate("hello-reply", document)
        if document["protocol"] != PROTOCOL_VERSION:
            raise ProtocolError(
                f"the adapter speaks protocol {document['protocol']}; this runner speaks {PROTOCOL_VERSION}"
            )
        return cls(
            implementation=Implementation(**document["implementation"]),
            adapter_version=document["adapter"]["version"],
            capabilities=frozenset(document["capabilities"]),
            protocol=document["protocol"],
            format_gaps={name: frozenset(tokens) for name, tokens in document.get("format_gaps", {}).items()},
        )

    def to_json(self) -> dict[str, Any]:
        """The hello reply message."""
        return {
            "protocol": self.protocol,
            "implementation": self.implementation.to_json(),
            "adapter": {"version": self.adapter_version},
            "capabilities": sorted(self.capabilities),
            **({"format_gaps": gaps_json(self.format_gaps)} if self.format_gaps else {}),
        }


def gaps_json(gaps: Mapping[str, frozenset[str]]) -> dict[str, list[str]]:
    """Format gaps as JSON: sorted tokens per format, formats without gaps left out."""
    return {name: sorted(tokens) for name, tokens in sorted(gaps.items()) if tokens}


@dataclass(frozen=True)
class Rejection:
    """Why the implementation refused a case's input (the run reply's ``error``)."""

    category: ErrorCategory
    """One of the error categories of spec/conventions.md; a refusal is precise when it is the case's."""
    phase: Phase
    """What the implementation was doing when it refused: opening the node, reading or writing."""
    message: str
    requirement: str | None = None
    """The requirement the implementation names as broken, when it names one."""


@dataclass(frozen=True)
class RunReply:
    """One validated answer to a run."""

    seq: int
    status: Status
    result: dict[str, Any] = field(default_factory=dict)
    error: Rejection | None = None
    reason: str = ""
    message: str = ""
    traceback: str = ""

    @classmethod
    def from_json(cls, document: dict[str, Any], seq: int) -> RunReply:
        """A validated reply to the run ``seq``; another seq is a ProtocolError (PROTO-005)."""
        validate("run-reply", document)
        if document["seq"] != seq:
            raise ProtocolError(
                f"the reply answers seq {document['seq']}, but the run in flight is seq {seq}"
            )
        error = document.get("error")
        return cls(
            seq=seq,
            status=document["status"],
            result=document.get("result", {}),
            error=None if error is None else Rejection(**error),
            reason=document.get("reason", ""),
            message=document.get("message", ""),
            traceback=document.get("traceback", ""),
        )


def parse_hello_reply(line: bytes | str) -> HelloReply:
    """Decode and validate the adapter's answer to hello."""
    return HelloReply.from_json(parse_line(line))


def parse_run_reply(line: bytes | str, seq: int) -> RunReply:
    """Decode and validate the adapter's answer to the run ``seq``."""
    return RunReply.from_json(parse_line(line), seq)

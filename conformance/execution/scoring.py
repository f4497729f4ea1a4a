"""Scoring: the outcome of one case from the adapter's reply (spec/adapter-protocol.md).

Outcomes: pass (for rejects: precise when the error category matches), fail, missed-reject,
wrong-reject, crash, timeout, adapter-error, unsupported, skipped, xfail, xpass. Results are compared
on meaning (PROTO-012, PROTO-020); written stores are read back by the reference implementation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final, Literal, get_args

from zn5.conformance.execution import protocol
from zn5.conformance.execution.expectations import Entry, StoreKind
from zn5.conformance.execution.meaning import meaning
from zn5.conformance.execution.protocol import RunReply
from zn5.conformance.suite.canonical import decode_values, describe_node, difference, read_array_document
from zn5.conformance.suite.case import Case
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
OUTCOMES: Final[tuple[Outcome, ...]] = get_args(Outcome)
"""Every outcome, in the order reports list them."""
NOT_PASSING: Final = frozenset({"fail", "missed-reject", "wrong-reject", "crash", "timeout", "adapter-error"})
FAILS_RUN: Final = NOT_PASSING | {"xpass"}


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
        expectation = self.expectation.to_json() if self.expectation is not None else None
        return document | protocol.given(
            precise=self.precise, expectation=expectation, detail=self.detail, stderr=self.stderr
        )


@dataclass(frozen=True)
class Verdict:
    """The score of one reply."""

    outcome: Outcome
    message: str = ""
    precise: bool | None = None
    detail: str = ""


class ResultError(ValueError):
    """A reply names a result that is missing, malformed or outside the output folder."""


HTTP_TOKEN: Final = "store:http"
"""The capability of reading a store through the URL of a ``--store http`` run (PROTO-021)."""


def store_excludes(case: Case, store: StoreKind) -> str | None:
    """Why a run with ``--store store`` leaves the case out, or None (PROTO-021): over HTTP, a write
    reads no store, and an implicit group has no document to fetch, so that a store that cannot list
    has no such node (STORE-REMOTE-002)."""
    if store != "http":
        return None
    if case.kind == "write":
        return "writes no store to read: --store http runs the cases that read one"
    if "feature:implicit-group" in case.requires:
        return "an implicit group needs a listing, which a store over HTTP has not (STORE-REMOTE-002)"
    return None


def unsupported_reason(
    case: Case,
    capabilities: frozenset[str],
    gaps: Mapping[str, frozenset[str]] | None = None,
    store: StoreKind = "file",
) -> str | None:
    """Why an adapter with ``capabilities`` (less its ``gaps`` in the case's format) cannot run ``case``
    in a run with ``--store store``, or None when it can (PROTO-004, PROTO-021)."""
    excluded = store_excludes(case, store)
    if excluded is not None:
        return excluded
    if store == "http" and HTTP_TOKEN not in capabilities:
        return f"needs {HTTP_TOKEN}: the adapter does not read stores over HTTP"
    missing = sorted(case.requires - capabilities)
    if missing:
        return f"needs {', '.join(missing)}"
    gap = sorted(case.requires & (gaps or {}).get(case.format, frozenset()))
    if gap:
        return f"needs {', '.join(gap)}, which the adapter lacks in {case.format}"
    stores = case.input.get("stores")
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
    stores = case.input["stores"]
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


def missing_ancestor_groups(store: Path, node: str) -> list[str]:
    """The ancestors of the Zarr v2 node at ``node``, the root included, that have no ``.zgroup``: a
    writer creates one at each (ZARR2-NODE-001)."""
    parts = [part for part in node.split("/") if part]
    ancestors = ["/".join(parts[:length]) for length in range(len(parts))]
    return [prefix for prefix in ancestors if not store.joinpath(*prefix.split("/"), ".zgroup").is_file()]


def verify_write(case: Case, name: str, output: Path) -> Verdict:
    """Check a written store with the reference: its metadata is the target's, its values the input's.

    The comparison is strict on meaning (``meaning.py``, PROTO-020): codecs by name and whole
    configuration (a different compression level is a failure, an omitted default or an ``endian`` of
    no effect is not). A store that the reference reads only leniently fails too, and so does a chunk
    whose bytes contradict the metadata: a blosc header (CODEC-BLOSC-004), gzip or zlib framing
    (CODEC-GZIP-001, CODEC-ZLIB-001), an N5 block header (N5-BLOCK-003, N5-BLOCK-008), a shard index
    (CODEC-SHARDING-004, CODEC-SHARDING-006). A case that cites ZARR2-NODE-001 also fails a Zarr v2 node
    without a ``.zgroup`` at each ancestor; other cases read such stores past it (CORE-DEVIATION-005).
    """
    store = result_path(name, output)
    if not store.is_dir():
        raise ResultError(f"the result store {name!r} is not a folder under output")
    target = case.operation["target"]
    try:
        parsed = parse_node(LocalStore(store, writable=False), target["node"], target["format"])
    except ZN5Error as error:
        return Verdict("fail", f"the reference cannot open the written store: {error}")
    if parsed is None:
        return Verdict("fail", f"no {target['format']} node at /{target['node']} in the written store")
    flaws = [problem for problem in parsed.problems if problem.level != "warning"]
    if flaws:
        return Verdict("fail", "the written metadata breaks the spec: " + "; ".join(str(p) for p in flaws))
    orphaned = missing_ancestor_groups(store, target["node"]) if "ZARR2-NODE-001" in case.requirements else []
    if orphaned:
        where = ", ".join(f"/{prefix}" for prefix in orphaned)
        return Verdict("fail", f"no .zgroup at the ancestors {where} of the written node (ZARR2-NODE-001)")
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
    document, raw = read_array_document(case.folder / case.input["array"])
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
        if "stores" in case.input:
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

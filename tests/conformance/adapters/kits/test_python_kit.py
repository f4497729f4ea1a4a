"""The Python adapter kit (``conformance/adapters/kits/python/zn5_adapter_kit.py``).

A small adapter built on it (``reference_on_python_kit.py``: the reference implementation, values handed
over big-endian, Zarr v2 gzip declared a format gap) runs the whole corpus through ``zn5 run``; the
kit's replies to the other situations (a skip, a refusal, the adapter's own bug) are checked message by
message; its byte swapping against NumPy's.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numcodecs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zn5.conformance.adapters.kits.python import zn5_adapter_kit as kit
from zn5.conformance.suite.canonical import numpy_dtype
from zn5.conformance.suite.case import Corpus
from zn5.conformance.suite.resources import CORPUS
from zn5.reference.model.dtype import VARIABLE_KINDS

from .reference_on_python_kit import FORMAT_GAPS

KIT = Path(kit.__file__)
ADAPTER = Path(__file__).with_name("reference_on_python_kit.py")
ZN5 = Path(sys.executable).with_name("zn5")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The report of the whole corpus against the adapter on the kit."""
    folder = tmp_path_factory.mktemp("kit-report")
    command = [str(ZN5), "run", "--adapter", f"{sys.executable} {ADAPTER}", "--report-dir", str(folder)]
    subprocess.run(command, capture_output=True, check=False, timeout=600)
    document: dict[str, Any] = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return document


def gapped(case: Any) -> bool:
    """Whether a case needs a token the adapter lists as a gap in the case's format."""
    return bool(set(case.requires) & set(FORMAT_GAPS.get(case.format, ())))


def test_the_kit_imports_the_standard_library_only() -> None:
    tree = ast.parse(KIT.read_text(encoding="utf-8"))
    imported = {
        (alias.name if isinstance(node, ast.Import) else node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported and imported <= {*sys.stdlib_module_names, "__future__"}, imported


def test_every_case_passes_through_the_kit_but_the_format_gaps(report: dict[str, Any]) -> None:
    corpus = Corpus.load(CORPUS)
    outcomes = {case["id"]: case["outcome"] for case in report["cases"]}
    expected = {case.id: "unsupported" if gapped(case) else "pass" for case in corpus.cases}
    assert outcomes == expected
    assert "unsupported" in outcomes.values()
    assert report["passed"]


@pytest.mark.req("PROTO-022")
def test_over_http_the_kit_hands_the_adapter_each_stores_url(tmp_path: Path) -> None:
    selected = ("--select", "zarr3/sharding/*", "--select", "zarr2/reject/*", "--select", "cross/*")
    command = [str(ZN5), "run", "--adapter", f"{sys.executable} {ADAPTER}", "--store", "http", *selected]
    subprocess.run([*command, "--report-dir", str(tmp_path)], capture_output=True, check=False, timeout=300)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    outcomes = {case["id"]: case["outcome"] for case in report["cases"]}
    cases = Corpus.load(CORPUS).select(["zarr3/sharding/*", "zarr2/reject/*", "cross/*"])
    # no store was on disk, so each case that passes read its stores by URL
    assert outcomes == {case.id: "unsupported" if gapped(case) else "pass" for case in cases}
    assert list(outcomes.values()).count("pass") > 40


def test_refusals_through_the_kit_keep_their_category(report: dict[str, Any]) -> None:
    rejects = [case for case in report["cases"] if case["kind"] == "reject" and case["outcome"] == "pass"]
    assert rejects
    assert all(case["precise"] for case in rejects), [case["id"] for case in rejects if not case["precise"]]


def test_a_profile_with_a_format_gap_is_not_claimed(report: dict[str, Any]) -> None:
    profiles = {profile["name"]: profile for profile in report["summary"]["profiles"]}
    assert profiles["zarr2-reader"]["claimed"] is False
    assert profiles["zarr2-reader"]["missing"] == ["codec:gzip"]
    assert profiles["zarr3-reader-core"]["conformant"] is True


class Library(kit.Adapter):
    """A library stand-in that refuses, cannot run or breaks, by the node it is asked to open."""

    name, version, language = "stand-in", "1.0", "python"
    capabilities = ("format:zarr3", "op:read")
    library_errors = (LookupError, OSError)

    def open(self, store: Path, node: str, format: str) -> Any:
        if node == "refused":
            raise kit.RefusedError("codec", "no such codec", "CORE-CODEC-001")
        if node == "missing":
            raise FileNotFoundError(node)
        if node == "unknown":
            raise kit.CannotRunError("no sharding here", "https://example.org/issue/1")
        if node == "bug":
            raise ZeroDivisionError("a bug of the adapter")
        return node

    def read(self, array: Any, selection: kit.Selection) -> kit.Values:
        raise LookupError("chunk 0 is corrupt")


def run_message(node: str) -> dict[str, Any]:
    case = {"kind": "read", "format": "zarr3", "input": {"store": "store", "node": node}}
    case["operation"] = {"op": "read", "selection": None}
    return {"cmd": "run", "seq": 4, "case": case, "input": "/nowhere/input", "output": "/nowhere/output"}


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (
            "refused",
            {
                "status": "rejected",
                "error": {
                    "category": "codec",
                    "phase": "open",
                    "message": "no such codec",
                    "requirement": "CORE-CODEC-001",
                },
            },
        ),
        (
            "missing",
            {
                "status": "rejected",
                "error": {"category": "not-found", "phase": "open", "message": "FileNotFoundError: missing"},
            },
        ),
        (
            "array",
            {
                "status": "rejected",
                "error": {"category": "chunk", "phase": "read", "message": "LookupError: chunk 0 is corrupt"},
            },
        ),
        (
            "unknown",
            {"status": "skipped", "reason": "no sharding here", "issue": "https://example.org/issue/1"},
        ),
    ],
)
def test_replies_to_what_the_library_does(node: str, expected: dict[str, Any]) -> None:
    assert kit.handle(Library(), run_message(node)) == {"seq": 4, **expected}


def test_a_bug_of_the_adapter_is_an_adapter_error_with_its_traceback() -> None:
    reply = kit.handle(Library(), run_message("bug"))
    assert reply is not None
    assert (reply["seq"], reply["status"]) == (4, "adapter-error")
    assert reply["message"] == "ZeroDivisionError: a bug of the adapter"
    assert "ZeroDivisionError" in reply["traceback"]


def test_hello_and_stop() -> None:
    class Gapped(Library):
        format_gaps: ClassVar[Mapping[str, Sequence[str]]] = {"zarr2": ("codec:gzip", "codec:gzip")}

    hello = kit.handle(Gapped(), {"cmd": "hello", "protocol": 1})
    assert hello == {
        "protocol": 1,
        "implementation": {"name": "stand-in", "version": "1.0", "language": "python"},
        "adapter": {"version": "1.0.0"},
        "capabilities": ["format:zarr3", "op:read"],
        "format_gaps": {"zarr2": ["codec:gzip"]},
    }
    assert kit.handle(Gapped(), {"cmd": "stop"}) is None


CORPUS_TYPES = {
    json.loads(path.read_text(encoding="utf-8"))["data_type"]
    for path in CORPUS.glob("cases/*/*/*/*/array.json")
}
DATA_TYPES = sorted(name for name in CORPUS_TYPES if numpy_dtype(name).kind not in VARIABLE_KINDS)
"""Every fixed-size data type of the corpus's arrays."""
VARIABLE_TYPES = sorted(set(CORPUS_TYPES) - set(DATA_TYPES))
"""The variable-length ones, whose elements travel length-prefixed, with no byte order (PROTO-VLEN-001)."""


@given(data_type=st.sampled_from(DATA_TYPES), raw=st.binary(max_size=240))
def test_big_endian_values_become_numpys_little_endian_bytes(data_type: str, raw: bytes) -> None:
    dtype = numpy_dtype(data_type)
    raw = raw[: len(raw) // dtype.itemsize * dtype.itemsize]
    big = dtype if dtype.byteorder == "|" else dtype.newbyteorder(">")
    values = kit.Values(raw, data_type, (len(raw) // dtype.itemsize,), "big")
    assert values.little_endian() == np.frombuffer(raw, big).astype(dtype).tobytes()


@pytest.mark.parametrize("data_type", VARIABLE_TYPES)
def test_variable_length_values_pass_unchanged(data_type: str) -> None:
    raw = b"\x02\x00\x00\x00ab\x00\x00\x00\x00"
    assert kit.Values(raw, data_type, (2,), "big").little_endian() == raw


@pytest.mark.parametrize(("fill", "expected"), [({"hex": "0000003f"}, b"\x00\x00\x00\x3f"), (None, None)])
def test_fill_bytes_are_the_tagged_hex(fill: dict[str, str] | None, expected: bytes | None) -> None:
    assert kit.fill_bytes({"fill_value": fill}) == expected


def test_an_array_result_reads_back_and_its_checksum_is_checked(tmp_path: Path) -> None:
    values = kit.Values(bytes(range(12)), "uint16", (2, 3))
    kit.write_array(values, tmp_path / "result")
    assert kit.read_array(tmp_path / "result" / "array.json") == kit.Values(values.raw, "uint16", (2, 3))
    (tmp_path / "result" / "array.bin").write_bytes(bytes(12))
    with pytest.raises(ValueError, match="sha256"):
        kit.read_array(tmp_path / "result" / "array.json")


def test_the_filtered_type_is_what_the_last_filter_hands_on_or_bytes() -> None:
    delta = numcodecs.Delta(dtype="<i4", astype=">i2")
    element = np.zeros(1, "<i4")
    assert kit.filtered_type([delta], element, np.dtype("u1")) == np.dtype(">i2")
    assert kit.filtered_type([delta, numcodecs.Zlib()], element, np.dtype("u1")) == np.dtype("u1")
    assert kit.filtered_type([], element, np.dtype("u1")) == np.dtype("<i4")

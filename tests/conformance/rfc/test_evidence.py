"""Tests of the evidence a Candidate or Final RFC needs: spec text, corpus cases, passing reports."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from zn5.conformance.report import trace
from zn5.conformance.rfc import checks, documents

from .example_front_matter import DECIDED, DROP, REFERENCE_ENTRY, drop_markers, front
from .example_repository import BODY, TODAY, make_repo, write_rfc

# --------------------------------------------------------------------------------------------------------
# Evidence for Candidate and Final


def evidence_repo(root: Path, *, project_test: bool = False) -> documents.Layout:
    """A repository whose spec defines CORE-EXAMPLE-001 and whose reports exist."""
    layout = make_repo(root)
    marker = "; project test" if project_test else ""
    definition = f'- <a id="CORE-EXAMPLE-001"></a>**CORE-EXAMPLE-001** (MUST{marker}): A reader MUST do it.\n'
    (layout.spec / "core.md").write_text(f"# Core\n\n{definition}", encoding="utf-8")
    (root / "reports").mkdir()
    for name in ("reference", "zarr-python-2", "zarr-python-3", "zarrs-python", "zarrs"):
        write_report(root / "reports" / f"{name}.json", "pass")
    return layout


def write_report(path: Path, outcome: str, requirements: Sequence[str] = ("CORE-EXAMPLE-001",)) -> None:
    """A conformance report with one case of ``requirements`` scored ``outcome``."""
    case = {"id": "zarr3/core/example", "requirements": list(requirements), "outcome": outcome}
    path.write_text(json.dumps({"cases": [case]}), encoding="utf-8")


def write_case(folder: Path, requirements: Sequence[str]) -> None:
    """A complete case.json (schemas/project/case.schema.json) in ``folder`` naming ``requirements``."""
    folder.mkdir(parents=True)
    case = {
        "id": "zarr3/core/example",
        "uid": "0" * 16,
        "kind": "read",
        "format": "zarr3",
        "requirements": list(requirements),
        "level": "MUST",
        "requires": ["format:zarr3", "op:read"],
        "tags": [],
        "status": "stable",
        "origin": {"generator": "tests"},
        "description": "an example case for the evidence checks",
        "input": {"store": "store", "node": ""},
        "operation": {"op": "read", "selection": None},
        "expect": {"outcome": "ok", "array": "expected/array.json"},
    }
    (folder / "case.json").write_text(json.dumps(case), encoding="utf-8")


def add_case(layout: documents.Layout, requirements: Sequence[str] = ("CORE-EXAMPLE-001",)) -> None:
    """Add a corpus case naming ``requirements``."""
    write_case(layout.corpus_cases / "zarr3" / "core" / "example", requirements)


def implementation(name: str, codebase: str, language: str = "Python") -> dict[str, str]:
    """An implementation entry whose report is ``reports/<name>.json``."""
    return {
        "name": name,
        "version": "1.0",
        "codebase": codebase,
        "language": language,
        "report": f"reports/{name}.json",
    }


def evidence_problems(layout: documents.Layout, front_matter: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, message) of every problem the full check finds for one RFC."""
    write_rfc(layout.rfcs, "0012-example.md", front_matter)
    return [
        (problem.field, problem.message)
        for problem in checks.check_repository(layout, history=False, today=TODAY)
    ]


REFERENCE_ONLY = [implementation("reference", "zn5-reference")]


def test_candidate_with_spec_case_and_reference_passes(tmp_path: Path) -> None:
    layout = evidence_repo(tmp_path)
    add_case(layout)
    assert (
        evidence_problems(layout, front(status="Candidate", implementations=REFERENCE_ONLY, **DECIDED)) == []
    )


def test_candidate_without_spec_text_case_or_reference(tmp_path: Path) -> None:
    layout = evidence_repo(tmp_path)
    front_matter = front(
        status="Candidate",
        requirements=["CORE-EXAMPLE-002"],
        implementations=[
            implementation("zarrs", "zarrs", "Rust"),
            {**REFERENCE_ENTRY, "report": "reports/no.json"},
        ],
        **DECIDED,
    )
    body = "# Example\n\nCORE-EXAMPLE-002 is new.\n"
    write_rfc(layout.rfcs, "0012-example.md", front_matter, body)
    problems = checks.check_repository(layout, history=False, today=TODAY)
    found = [(problem.field, problem.message) for problem in problems]
    assert found == [
        ("implementations", "the reference implementation (codebase zn5-reference) needs an existing report"),
        ("implementations[0].report", "reports/zarrs.json runs no case of CORE-EXAMPLE-002"),
        ("implementations[1].report", "reports/no.json does not exist"),
        ("requirements", "CORE-EXAMPLE-002 has no corpus case that names it"),
        ("requirements", "CORE-EXAMPLE-002 is not defined in spec/"),
    ]


def test_project_test_requirement_needs_a_marked_test(tmp_path: Path) -> None:
    layout = evidence_repo(tmp_path, project_test=True)
    front_matter = front(status="Candidate", implementations=REFERENCE_ONLY, **DECIDED)
    assert evidence_problems(layout, front_matter) == [
        (
            "requirements",
            'CORE-EXAMPLE-001 is tested by a project test, but no test is marked req("CORE-EXAMPLE-001")',
        )
    ]
    (layout.tests / "store").mkdir(parents=True)
    (layout.tests / "store" / "test_example.py").write_text(
        '@pytest.mark.req("CORE-EXAMPLE-001")\ndef test_it() -> None: ...\n', encoding="utf-8"
    )
    assert evidence_problems(layout, front_matter) == []


def test_removed_requirement_still_in_spec(tmp_path: Path) -> None:
    layout = evidence_repo(tmp_path)
    add_case(layout)
    body = BODY + "\nCORE-EXAMPLE-001 replaces CORE-OLD-001.\n"
    front_matter = front(
        status="Candidate", implementations=REFERENCE_ONLY, removes=["CORE-EXAMPLE-001"], **DECIDED
    )
    write_rfc(layout.rfcs, "0012-example.md", front_matter, body)
    problems = checks.check_repository(layout, history=False, today=TODAY)
    assert [(problem.field, problem.message) for problem in problems] == [
        ("removes", "CORE-EXAMPLE-001 is still defined in spec/")
    ]


FINAL_EVIDENCE: dict[str, tuple[list[dict[str, Any]], list[str]]] = {
    "zarr-python-2-and-3-are-two": (
        [implementation("zarr-python-2", "zarr-python-2"), implementation("zarr-python-3", "zarr-python-3")],
        [],
    ),
    "zarrs-python-and-zarrs-are-one": (
        [implementation("zarrs-python", "zarrs"), implementation("zarrs", "zarrs", "Rust")],
        ["found 1: zarrs"],
    ),
    "reference-does-not-count": ([implementation("zarrs", "zarrs", "Rust")], ["found 1: zarrs"]),
    "a-missing-report-does-not-count": (
        [
            implementation("zarrs", "zarrs", "Rust"),
            {**implementation("zarr-python-3", "zarr-python-3"), "report": DROP},
        ],
        ["found 1: zarrs"],
    ),
}


@pytest.mark.parametrize(("entries", "found"), FINAL_EVIDENCE.values(), ids=FINAL_EVIDENCE.keys())
def test_final_needs_two_independent_implementations(
    tmp_path: Path, entries: list[dict[str, Any]], found: list[str]
) -> None:
    layout = evidence_repo(tmp_path)
    add_case(layout)
    implementations = [*REFERENCE_ONLY, *(drop_markers(entry) for entry in entries)]
    front_matter = front(status="Final", released_in="1.1.0", implementations=implementations, **DECIDED)
    problems = evidence_problems(layout, front_matter)
    assert [field for field, _ in problems] == ["implementations"] * len(found)
    for (_, message), tail in zip(problems, found, strict=True):
        assert message.startswith("Final needs reports from at least 2 independent implementations")
        assert message.endswith(tail)


REPORT_FAULTS: dict[str, tuple[str, str]] = {
    "failing": ("fail", "does not pass 1 of its 1 cases: zarr3/core/example"),
    "unrelated": ("pass", "runs no case of CORE-EXAMPLE-001"),
    "not-json": ("{", "is no readable JSON report"),
    "no-cases": ("[]", "has no list of cases"),
}


@pytest.mark.parametrize(("fault", "message"), REPORT_FAULTS.values(), ids=REPORT_FAULTS.keys())
def test_a_report_counts_only_when_it_passes_the_rfc_cases(tmp_path: Path, fault: str, message: str) -> None:
    layout = evidence_repo(tmp_path)
    add_case(layout)
    target = tmp_path / "reports" / "zarrs.json"
    if fault in ("fail", "pass"):
        write_report(target, fault, ["CORE-EXAMPLE-001"] if fault == "fail" else ["CORE-EXAMPLE-002"])
    else:
        target.write_text(fault, encoding="utf-8")
    implementations = [*REFERENCE_ONLY, implementation("zarrs", "zarrs", "Rust")]
    problems = evidence_problems(
        layout, front(status="Candidate", implementations=implementations, **DECIDED)
    )
    assert [field for field, _ in problems] == ["implementations[1].report"]
    assert problems[0][1].startswith(f"reports/zarrs.json {message}")


def test_unreadable_case_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "case.json").write_text("{not json", encoding="utf-8")
    write_case(tmp_path / "b", ["CORE-X-001"])
    assert trace.corpus_cases_by_requirement(tmp_path) == {"CORE-X-001": [tmp_path / "b" / "case.json"]}

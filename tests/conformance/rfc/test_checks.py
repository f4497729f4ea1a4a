"""Tests of ``zn5 rfc check``: one RFC, numbering and file names, references, the real rfcs/ folder."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from zn5.conformance.rfc import checks, documents

from .example_front_matter import DECIDED, DROP, REFERENCE_ENTRY, REVIEWED, drop_markers, front
from .example_repository import BODY, REPO, TODAY, make_repo, write_rfc

# --------------------------------------------------------------------------------------------------------
# Checks of one RFC


def one_rfc_problems(
    tmp_path: Path, front_matter: Mapping[str, Any], body: str = BODY
) -> list[documents.Problem]:
    """Every problem that ``check_repository`` finds in a repository holding one RFC, without history."""
    layout = make_repo(tmp_path)
    write_rfc(layout.rfcs, "0012-example.md", front_matter, body)
    return checks.check_repository(layout, history=False, today=TODAY)


DATE_FAULTS: dict[str, tuple[dict[str, Any], list[tuple[str, str]]]] = {
    "not-a-calendar-day": (front(created="2026-02-30"), [("created", "2026-02-30 is not a calendar date")]),
    "updated-in-the-future": (front(updated="2026-12-01"), [("updated", "2026-12-01 is in the future")]),
    "updated-before-created": (
        front(updated="2026-01-01"),
        [("updated", "2026-01-01 is before created (2026-01-05)")],
    ),
    "last-call-too-short": (
        front(status="Last-Call", last_call={"opened": "2026-02-01", "closes": "2026-02-11"}, **REVIEWED),
        [("last_call.closes", "the window is 10 days; this RFC needs at least 14")],
    ),
    "breaking-last-call-too-short": (
        front(
            status="Last-Call",
            compatibility="breaking",
            last_call={"opened": "2026-02-01", "closes": "2026-02-15"},
            **REVIEWED,
        ),
        [("last_call.closes", "the window is 14 days; this RFC needs at least 28")],
    ),
    "last-call-closes-before-it-opens": (
        front(status="Last-Call", last_call={"opened": "2026-02-15", "closes": "2026-02-01"}, **REVIEWED),
        [
            ("last_call.closes", "2026-02-01 is before last_call.opened (2026-02-15)"),
            ("last_call.closes", "the window is -14 days; this RFC needs at least 14"),
        ],
    ),
}


@pytest.mark.parametrize(("front_matter", "expected"), DATE_FAULTS.values(), ids=DATE_FAULTS.keys())
def test_date_faults(tmp_path: Path, front_matter: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    problems = one_rfc_problems(tmp_path, front_matter)
    assert sorted((problem.field, problem.message) for problem in problems) == sorted(expected)


@pytest.mark.parametrize(
    ("track", "days", "ok"),
    [("erratum", 7, True), ("registry", 6, False), ("standards", 14, True), ("process", 13, False)],
)
def test_last_call_minimum_per_track(tmp_path: Path, track: str, days: int, ok: bool) -> None:
    fields: dict[str, Any] = {"track": track}
    if track == "erratum":
        fields["compatibility"] = "clarifying"
    if track == "registry":
        fields["registry"] = {"kind": "codec", "name": "example"}
    if track == "process":
        fields.update(requirements=[], compatibility=DROP)
    closes = (dt.date(2026, 2, 1) + dt.timedelta(days=days)).isoformat()
    front_matter = front(status="Last-Call", last_call={"opened": "2026-02-01", "closes": closes}, **REVIEWED)
    body = BODY if track != "process" else "# Process\n"
    problems = one_rfc_problems(tmp_path, drop_markers({**front_matter, **fields}), body)
    assert [problem.field for problem in problems] == ([] if ok else ["last_call.closes"])


def test_requirement_not_mentioned_in_text(tmp_path: Path) -> None:
    problems = one_rfc_problems(tmp_path, front(requirements=["CORE-EXAMPLE-001", "CORE-EXAMPLE-002"]))
    assert problems == [
        documents.Problem(
            "rfcs/0012-example.md",
            "requirements",
            "CORE-EXAMPLE-002 is listed but the text never mentions it",
        )
    ]


def test_mention_must_be_the_whole_id(tmp_path: Path) -> None:
    body = "# Example\n\nSee CORE-EXAMPLE-0011 and XCORE-EXAMPLE-001.\n"
    problems = one_rfc_problems(tmp_path, front(), body)
    assert [problem.message for problem in problems] == [
        "CORE-EXAMPLE-001 is listed but the text never mentions it"
    ]


def test_missing_decision_record(tmp_path: Path) -> None:
    decision = "governance/decisions/0002-missing.md"
    problems = one_rfc_problems(tmp_path, front(status="Accepted", **{**DECIDED, "decision": decision}))
    assert problems == [documents.Problem("rfcs/0012-example.md", "decision", f"{decision} does not exist")]


# --------------------------------------------------------------------------------------------------------
# Numbering and file names


def test_number_differs_from_file_name(tmp_path: Path) -> None:
    problems = one_rfc_problems(tmp_path, front(number=13))
    assert problems == [
        documents.Problem("rfcs/0012-example.md", "number", "is 13, but the file name says 12")
    ]


@pytest.mark.parametrize(
    "name",
    ["12-example.md", "0012_example.md", "0012-Example.md", "0012-.md", "00012-example.md"],
    ids=["three-digit-short", "underscore", "upper-case-slug", "empty-slug", "five-digits"],
)
def test_malformed_file_name(tmp_path: Path, name: str) -> None:
    layout = make_repo(tmp_path)
    write_rfc(layout.rfcs, name, front())
    problems = checks.check_repository(layout, history=False, today=TODAY)
    assert [(problem.file, problem.field) for problem in problems] == [(f"rfcs/{name}", "(file name)")]


def test_duplicate_numbers(tmp_path: Path) -> None:
    layout = make_repo(tmp_path)
    write_rfc(layout.rfcs, "0012-example.md", front())
    write_rfc(layout.rfcs, "0012-other.md", front(title="Another example"))
    problems = checks.check_repository(layout, history=False, today=TODAY)
    assert problems == [
        documents.Problem("rfcs/0012-other.md", "number", "12 is also used by rfcs/0012-example.md")
    ]


def test_readme_and_template_are_not_rfcs(tmp_path: Path) -> None:
    layout = make_repo(tmp_path)
    (layout.rfcs / "README.md").write_text("# RFCs\n", encoding="utf-8")
    assert documents.rfc_files(layout.rfcs) == []
    assert checks.check_repository(layout, history=False, today=TODAY) == []


def test_broken_template_is_reported(tmp_path: Path) -> None:
    layout = make_repo(tmp_path)
    write_rfc(layout.rfcs, documents.TEMPLATE_NAME, front(number=0, status="Sketch"))
    problems = checks.check_repository(layout, history=False, today=TODAY)
    assert [(problem.file, problem.field) for problem in problems] == [("rfcs/0000-template.md", "status")]


# --------------------------------------------------------------------------------------------------------
# References between RFCs


def test_references(tmp_path: Path) -> None:
    layout = make_repo(tmp_path)
    final = dict(status="Final", implementations=[REFERENCE_ENTRY], released_in="1.0.0", **DECIDED)
    write_rfc(layout.rfcs, "0010-old.md", front(number=10, title="The old design", **final))
    write_rfc(layout.rfcs, "0011-new.md", front(number=11, title="The new design", supersedes=[10], **final))
    write_rfc(layout.rfcs, "0012-example.md", front(requires=[12, 99], superseded_by=10))
    problems = checks.check_references(documents.load_rfcs(layout)[0], layout)
    assert sorted(problems) == [
        documents.Problem(
            "rfcs/0011-new.md",
            "supersedes",
            "RFC 10 must be Superseded, with superseded_by 11, once this RFC is Final",
        ),
        documents.Problem("rfcs/0012-example.md", "requires", "RFC 99 does not exist"),
        documents.Problem("rfcs/0012-example.md", "requires", "an RFC cannot refer to itself"),
        documents.Problem("rfcs/0012-example.md", "superseded_by", "RFC 10 does not list 12 in supersedes"),
    ]


# --------------------------------------------------------------------------------------------------------
# The real rfcs/ folder


def test_real_rfcs_pass_check() -> None:
    problems = checks.check_repository(documents.Layout.at(REPO))
    assert [str(problem) for problem in problems] == []


def test_real_rfcs_numbers_and_titles() -> None:
    rfcs, problems = documents.load_rfcs(documents.Layout.at(REPO))
    assert problems == []
    numbers = [document.number for document in rfcs]
    assert numbers[:7] == [1, 2, 3, 4, 5, 6, 7]
    assert rfcs[0].front_matter["title"] == "The RFC process"
    assert rfcs[0].front_matter["track"] == "process"


def transitions_in_rfc_0001() -> dict[str, set[str]]:
    """The From → To pairs of the table under '### Transitions' in RFC 0001."""
    text = (REPO / "rfcs" / "0001-rfc-process.md").read_text(encoding="utf-8")
    section = text.split("### Transitions", 1)[1].split("\n### ", 1)[0]
    table: dict[str, set[str]] = {status: set() for status in documents.STATUSES}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] in documents.TRANSITIONS:
            table[cells[0]].add(cells[1])
    return table


def test_rfc_0001_transition_table_matches_the_checker() -> None:
    assert transitions_in_rfc_0001() == {old: set(new) for old, new in documents.TRANSITIONS.items()}


def test_rfc_0001_documents_every_front_matter_field() -> None:
    schema = json.loads((REPO / documents.SCHEMA_PATH).read_text(encoding="utf-8"))
    text = (REPO / "rfcs" / "0001-rfc-process.md").read_text(encoding="utf-8")
    section = text.split("\n## Front matter\n", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE))
    assert documented == set(schema["properties"])

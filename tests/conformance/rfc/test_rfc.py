"""Tests of ``zn5 rfc``: the front matter schema, the repository checks, git history and the index."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from zn5.conformance.cli import rfc as rfc_command
from zn5.conformance.report import trace
from zn5.conformance.rfc import checks, documents, history
from zn5.conformance.rfc import index as rfc_index

REPO = Path(__file__).resolve().parents[3]
TODAY = dt.date(2026, 11, 25)
DROP = object()
"""Marks a field to remove from the base front matter."""

BASE: dict[str, Any] = {
    "number": 12,
    "title": "A valid example",
    "status": "Draft",
    "track": "standards",
    "authors": [{"name": "Ada Example", "github": "ada-example"}],
    "created": "2026-01-05",
    "updated": "2026-01-06",
    "discussion": None,
    "requirements": ["CORE-EXAMPLE-001"],
    "compatibility": "additive",
}
REVIEWED: dict[str, Any] = {
    "shepherd": {"name": "Ben Shepherd"},
    "reviewers": [{"name": "Cy Reviewer"}, {"name": "Di Reviewer"}],
    "discussion": "https://example.org/discussions/12",
}
DECIDED: dict[str, Any] = {**REVIEWED, "decision": "governance/decisions/0001-adopt-governance.md"}
REFERENCE_ENTRY = {
    "name": "zn5 reference",
    "version": "1.0.0",
    "codebase": "zn5-reference",
    "language": "Python",
    "report": "reports/reference.json",
}
BODY = "# Example\n\n- **CORE-EXAMPLE-001** (MUST): A reader MUST do the example thing.\n"


def front(**changes: object) -> dict[str, Any]:
    """The base front matter with ``changes`` applied (``DROP`` removes a field)."""
    result = dict(BASE)
    for name, value in changes.items():
        if value is DROP:
            result.pop(name, None)
        else:
            result[name] = value
    return result


def write_rfc(folder: Path, name: str, front_matter: Mapping[str, Any], body: str = BODY) -> Path:
    """Write an RFC file with the given front matter and body; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    header = yaml.safe_dump(dict(front_matter), sort_keys=False, allow_unicode=True)
    path.write_text(f"---\n{header}---\n{body}", encoding="utf-8")
    return path


def make_repo(root: Path) -> documents.Layout:
    """A minimal repository under ``root``: the real schema and template, an empty spec folder."""
    (root / "schemas" / "project").mkdir(parents=True)
    shutil.copy(REPO / documents.SCHEMA_PATH, root / documents.SCHEMA_PATH)
    (root / "rfcs").mkdir()
    shutil.copy(REPO / "rfcs" / documents.TEMPLATE_NAME, root / "rfcs" / documents.TEMPLATE_NAME)
    (root / "spec").mkdir()
    (root / "governance" / "decisions").mkdir(parents=True)
    (root / "governance" / "decisions" / "0001-adopt-governance.md").write_text("# Decision\n")
    return documents.Layout.at(root)


def schema_problems(front_matter: Mapping[str, Any]) -> list[documents.Problem]:
    """The schema problems of one front matter."""
    layout = documents.Layout.at(REPO)
    document = documents.Rfc(REPO / "rfcs" / "0012-example.md", dict(front_matter), BODY)
    return checks.check_schema(document, documents.load_validator(layout.schema), layout)


# --------------------------------------------------------------------------------------------------------
# The schema

VALID: dict[str, dict[str, Any]] = {
    "minimal-standards-draft": front(),
    "process-draft-without-requirements": front(track="process", requirements=[], compatibility=DROP),
    "informational-draft": front(track="informational", requirements=[], compatibility=DROP),
    "registry-draft": front(track="registry", registry={"kind": "codec", "name": "n5-lz4"}),
    "erratum-draft": front(track="erratum", compatibility="clarifying"),
    "optional-fields": front(requires=[2], supersedes=[3], target_version="1.1"),
    "review": front(status="Review", **REVIEWED),
    "last-call": front(
        status="Last-Call", last_call={"opened": "2026-02-01", "closes": "2026-02-15"}, **REVIEWED
    ),
    "accepted": front(status="Accepted", **DECIDED),
    "candidate": front(status="Candidate", implementations=[REFERENCE_ENTRY], **DECIDED),
    "final-standards": front(
        status="Final", implementations=[REFERENCE_ENTRY], released_in="1.1.0", **DECIDED
    ),
    "final-process": front(status="Final", track="process", requirements=[], compatibility=DROP, **DECIDED),
    "superseded": front(status="Superseded", superseded_by=14, released_in="1.0.0", **DECIDED),
    "deferred-from-draft": front(status="Deferred"),
    "withdrawn-from-draft": front(status="Withdrawn"),
    "codec-requirement-prefix": front(requirements=["CODEC-N5LZ4-001", "N5-EDGE-002", "ZARR2-VLEN-003"]),
}


@pytest.mark.parametrize("front_matter", VALID.values(), ids=VALID.keys())
def test_valid_front_matter_has_no_schema_problem(front_matter: dict[str, Any]) -> None:
    assert schema_problems(front_matter) == []


INVALID: dict[str, tuple[dict[str, Any], str]] = {
    "missing-title": (front(title=DROP), "title"),
    "number-zero": (front(number=0), "number"),
    "number-as-string": (front(number="12"), "number"),
    "unknown-field": (front(champion="someone"), "(front matter)"),
    "unknown-status": (front(status="Approved"), "status"),
    "unknown-track": (front(track="feature"), "track"),
    "date-not-iso": (front(created="25.11.2026"), "created"),
    "date-with-time": (front(updated="2026-01-06T10:00:00"), "updated"),
    "title-with-rfc-prefix": (front(title="RFC 12: an example"), "title"),
    "author-without-name": (front(authors=[{"github": "ada"}]), "authors[0].name"),
    "github-handle-with-space": (
        front(authors=[{"name": "Ada", "github": "ada example"}]),
        "authors[0].github",
    ),
    "no-authors": (front(authors=[]), "authors"),
    "requirement-lower-case": (front(requirements=["core-example-001"]), "requirements[0]"),
    "requirement-unknown-prefix": (front(requirements=["FOO-EXAMPLE-001"]), "requirements[0]"),
    "requirement-two-digits": (front(requirements=["CORE-EXAMPLE-01"]), "requirements[0]"),
    "requirement-listed-twice": (
        front(requirements=["CORE-EXAMPLE-001", "CORE-EXAMPLE-001"]),
        "requirements",
    ),
    "standards-without-requirements": (front(requirements=[]), "requirements"),
    "process-with-requirements": (front(track="process", compatibility=DROP), "requirements"),
    "standards-without-compatibility": (front(compatibility=DROP), "compatibility"),
    "erratum-breaking": (front(track="erratum", compatibility="breaking"), "compatibility"),
    "registry-without-entry": (front(track="registry"), "registry"),
    "registry-entry-on-standards": (front(registry={"kind": "codec", "name": "x"}), "registry"),
    "registry-unknown-kind": (
        front(track="registry", registry={"kind": "store", "name": "x"}),
        "registry.kind",
    ),
    "discussion-over-http": (front(discussion="http://example.org/12"), "discussion"),
    "review-without-shepherd": (front(status="Review", **{**REVIEWED, "shepherd": DROP}), "shepherd"),
    "review-with-one-reviewer": (
        front(status="Review", **{**REVIEWED, "reviewers": [{"name": "Cy"}]}),
        "reviewers",
    ),
    "review-without-discussion": (front(status="Review", **{**REVIEWED, "discussion": None}), "discussion"),
    "last-call-without-window": (front(status="Last-Call", **REVIEWED), "last_call"),
    "last-call-window-without-close": (
        front(status="Last-Call", last_call={"opened": "2026-02-01"}, **REVIEWED),
        "last_call.closes",
    ),
    "accepted-without-decision": (front(status="Accepted", **REVIEWED), "decision"),
    "decision-outside-decisions-folder": (
        front(status="Accepted", **{**DECIDED, "decision": "notes.md"}),
        "decision",
    ),
    "candidate-without-implementations": (front(status="Candidate", **DECIDED), "implementations"),
    "implementation-without-codebase": (
        front(status="Candidate", implementations=[{**REFERENCE_ENTRY, "codebase": DROP}], **DECIDED),
        "implementations[0].codebase",
    ),
    "report-outside-repository": (
        front(status="Candidate", implementations=[{**REFERENCE_ENTRY, "report": "../x.json"}], **DECIDED),
        "implementations[0].report",
    ),
    "final-standards-without-release": (
        front(status="Final", implementations=[REFERENCE_ENTRY], **DECIDED),
        "released_in",
    ),
    "superseded-without-successor": (front(status="Superseded", **DECIDED), "superseded_by"),
    "release-not-semver": (front(released_in="1.1"), "released_in"),
}


def _drop_markers(value: Any) -> Any:
    """Remove ``DROP`` entries from nested dictionaries built by the INVALID table."""
    if isinstance(value, dict):
        return {key: _drop_markers(item) for key, item in value.items() if item is not DROP}
    if isinstance(value, list):
        return [_drop_markers(item) for item in value]
    return value


@pytest.mark.parametrize(("front_matter", "field"), INVALID.values(), ids=INVALID.keys())
def test_invalid_front_matter_names_the_field(front_matter: dict[str, Any], field: str) -> None:
    problems = schema_problems(_drop_markers(front_matter))
    assert [problem.field for problem in problems] == [field]
    assert problems[0].file == "rfcs/0012-example.md"


def test_schema_has_the_stable_id_and_dialect() -> None:
    schema = json.loads((REPO / documents.SCHEMA_PATH).read_text(encoding="utf-8"))
    assert schema["$id"] == "https://zn5.dev/schemas/project/rfc-front-matter.schema.json"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["status"]["enum"] == list(documents.STATUSES)


def test_missing_field_message_names_status_and_track() -> None:
    problems = schema_problems(_drop_markers(front(status="Review", **{**REVIEWED, "shepherd": DROP})))
    assert problems == [
        documents.Problem(
            "rfcs/0012-example.md",
            "shepherd",
            "is required here but missing (status 'Review', track 'standards')",
        )
    ]


# --------------------------------------------------------------------------------------------------------
# Parsing


def test_unquoted_dates_stay_strings() -> None:
    front_matter, body = documents.parse_front_matter("---\ncreated: 2026-11-25\nnumber: 7\n---\n# Title\n")
    assert front_matter == {"created": "2026-11-25", "number": 7}
    assert body == "# Title\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# no front matter\n", "the file must start with a '---' line that opens the YAML front matter"),
        ("---\nnumber: 1\n", "the front matter is not closed by a second '---' line"),
        ("---\n- a list\n---\n", "the front matter must be a YAML mapping of field names to values"),
    ],
    ids=["no-front-matter", "unclosed-front-matter", "list-instead-of-mapping"],
)
def test_malformed_front_matter_is_reported(text: str, message: str) -> None:
    with pytest.raises(documents.FrontMatterError) as raised:
        documents.parse_front_matter(text)
    assert str(raised.value) == message


def test_invalid_yaml_is_reported_as_a_problem(tmp_path: Path) -> None:
    layout = make_repo(tmp_path)
    (layout.rfcs / "0001-broken.md").write_text("---\nnumber: [1\n---\n", encoding="utf-8")
    problems = checks.check_repository(layout, history=False, today=TODAY)
    assert [(problem.file, problem.field) for problem in problems] == [
        ("rfcs/0001-broken.md", "(front matter)")
    ]
    assert problems[0].message.startswith("the front matter is not valid YAML")


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
    problems = one_rfc_problems(tmp_path, _drop_markers({**front_matter, **fields}), body)
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
# Status history from git


def git(root: Path, *arguments: str) -> None:
    """Run git in ``root`` with a throw-away identity."""
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *arguments]
    subprocess.run(command, cwd=root, check=True, capture_output=True)


def commit_versions(root: Path, versions: list[tuple[str, Mapping[str, Any]]]) -> documents.Layout:
    """A git repository whose RFC went through ``versions`` (file name, front matter), one commit each."""
    layout = make_repo(root)
    git(root, "init", "-q")
    previous: str | None = None
    for number, (name, front_matter) in enumerate(versions):
        if previous is not None and previous != name:
            git(root, "mv", f"rfcs/{previous}", f"rfcs/{name}")
        write_rfc(layout.rfcs, name, front_matter)
        git(root, "add", "--", "rfcs", "schemas", "governance")
        git(root, "commit", "-q", "-m", f"version {number}")
        previous = name
    return layout


def history_problems(layout: documents.Layout) -> list[documents.Problem]:
    """The history problems of the one RFC in ``layout``."""
    rfcs, problems = documents.load_rfcs(layout)
    assert problems == []
    return [
        problem for document in rfcs for problem in history.check_history(document, layout, dt.date.today())
    ]


LAST_CALL_DONE = {"last_call": {"opened": "2026-02-01", "closes": "2026-02-15"}}


def test_legal_history_has_no_problem(tmp_path: Path) -> None:
    layout = commit_versions(
        tmp_path,
        [
            ("0012-example.md", front()),
            ("0012-example.md", front(title="A valid example, revised")),
            ("0012-example.md", front(status="Review", **REVIEWED)),
            ("0012-example.md", front(status="Last-Call", **REVIEWED, **LAST_CALL_DONE)),
            ("0012-example.md", front(status="Accepted", **DECIDED, **LAST_CALL_DONE)),
        ],
    )
    assert history_problems(layout) == []


def test_illegal_transition_in_git_history(tmp_path: Path) -> None:
    layout = commit_versions(
        tmp_path,
        [("0012-example.md", front()), ("0012-example.md", front(status="Accepted", **DECIDED))],
    )
    problems = history_problems(layout)
    assert len(problems) == 1
    assert (problems[0].file, problems[0].field) == ("rfcs/0012-example.md", "status")
    assert re.fullmatch(
        r"Draft → Accepted in commit [0-9a-f]{10} \(\d{4}-\d\d-\d\d\) is not a legal transition; "
        r"Draft may become Deferred, Review, Withdrawn",
        problems[0].message,
    )


def test_history_follows_renames(tmp_path: Path) -> None:
    layout = commit_versions(
        tmp_path,
        [("0012-first-name.md", front()), ("0012-example.md", front(status="Candidate", **DECIDED))],
    )
    problems = history_problems(layout)
    assert [problem.message.split(" in ")[0] for problem in problems] == ["Draft → Candidate"]


def test_first_version_must_be_draft(tmp_path: Path) -> None:
    layout = commit_versions(tmp_path, [("0012-example.md", front(status="Review", **REVIEWED))])
    problems = history_problems(layout)
    assert len(problems) == 1
    assert re.fullmatch(r"an RFC starts as Draft; commit [0-9a-f]{10} \(.+\) has Review", problems[0].message)


def test_shallow_clone_does_not_require_a_draft_start(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    commit_versions(
        origin,
        [
            ("0012-example.md", front()),
            ("0012-example.md", front(status="Review", **REVIEWED)),
            ("0012-example.md", front(status="Last-Call", **REVIEWED, **LAST_CALL_DONE)),
        ],
    )
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    layout = documents.Layout.at(clone)
    assert history.is_shallow(clone)
    assert history_problems(layout) == []


def test_working_tree_is_compared_with_the_last_commit(tmp_path: Path) -> None:
    layout = commit_versions(tmp_path, [("0012-example.md", front())])
    write_rfc(layout.rfcs, "0012-example.md", front(status="Last-Call", **REVIEWED, **LAST_CALL_DONE))
    problems = history_problems(layout)
    assert [problem.message for problem in problems] == [
        "Draft → Last-Call in the working tree is not a legal transition; "
        "Draft may become Deferred, Review, Withdrawn"
    ]


def test_untracked_rfc_must_start_as_draft(tmp_path: Path) -> None:
    layout = make_repo(tmp_path)
    git(tmp_path, "init", "-q")
    write_rfc(layout.rfcs, "0012-example.md", front(status="Accepted", **DECIDED))
    assert [problem.message for problem in history_problems(layout)] == [
        "an RFC starts as Draft; the working tree has Accepted"
    ]


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (
            front(status="Accepted", **DECIDED),
            front(status="Final", released_in="1.0.0", implementations=[REFERENCE_ENTRY], **DECIDED),
            "Accepted → Final in W: an RFC with requirements must pass through Candidate",
        ),
        (
            front(status="Accepted", track="process", requirements=[], **DECIDED),
            front(status="Candidate", track="process", requirements=[], **DECIDED),
            "→ Candidate in W: only RFCs that add or change requirements have this stage",
        ),
        (
            front(status="Last-Call", **REVIEWED, last_call={"opened": "2026-11-20", "closes": "2026-12-04"}),
            front(status="Accepted", **DECIDED, last_call={"opened": "2026-11-20", "closes": "2026-12-04"}),
            "Last-Call → Accepted in W: the Last Call window closes on 2026-12-04",
        ),
        (
            front(status="Candidate", implementations=[REFERENCE_ENTRY], **DECIDED),
            front(status="Withdrawn", released_in="1.0.0", **DECIDED),
            "→ Withdrawn in W: a released change is deprecated by a new RFC, not withdrawn",
        ),
    ],
    ids=[
        "final-skips-candidate",
        "candidate-without-requirements",
        "accepted-before-close",
        "released-withdrawn",
    ],
)
def test_transition_guards(before: dict[str, Any], after: dict[str, Any], message: str) -> None:
    old = history.Version("B", dt.date(2026, 11, 25), before)
    new = history.Version("W", dt.date(2026, 11, 25), after)
    assert history.transition_problem(old, new) == message


@pytest.mark.parametrize(
    ("old", "new"), [(old, new) for old, targets in documents.TRANSITIONS.items() for new in targets]
)
def test_every_legal_edge_passes_without_guards(old: str, new: str) -> None:
    fields = {"requirements": [] if new == "Final" and old == "Accepted" else ["CORE-EXAMPLE-001"]}
    before = history.Version("B", TODAY, front(status=old, **fields))
    after = history.Version("A", TODAY, front(status=new, **fields))
    assert history.transition_problem(before, after) is None


def test_outside_git_history_is_skipped(tmp_path: Path) -> None:
    layout = make_repo(tmp_path)
    write_rfc(layout.rfcs, "0012-example.md", front(status="Accepted", **DECIDED))
    document = documents.load_rfcs(layout)[0][0]
    if history.git_toplevel(tmp_path) is not None:
        pytest.skip("the temporary directory lies inside a git work tree")
    assert history.status_history(document, TODAY) is None
    assert history.check_history(document, layout, TODAY) == []


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
    implementations = [*REFERENCE_ONLY, *(_drop_markers(entry) for entry in entries)]
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


# --------------------------------------------------------------------------------------------------------
# The index and the command line


def test_index_lists_the_front_matter(tmp_path: Path) -> None:
    layout = make_repo(tmp_path)
    write_rfc(
        layout.rfcs,
        "0012-example.md",
        front(superseded_by=13, status="Superseded", released_in="1.0.0", **DECIDED),
    )
    write_rfc(layout.rfcs, "0013-better.md", front(number=13, title="A | better example", supersedes=[12]))
    rfcs, _ = documents.load_rfcs(layout)
    index = rfc_index.build_index(rfcs, layout)
    assert index["rfcs"][0] == {
        "number": 12,
        "title": "A valid example",
        "status": "Superseded",
        "track": "standards",
        "authors": ["Ada Example"],
        "created": "2026-01-05",
        "updated": "2026-01-06",
        "requirements": ["CORE-EXAMPLE-001"],
        "supersedes": [],
        "superseded_by": 13,
        "discussion": "https://example.org/discussions/12",
        "path": "rfcs/0012-example.md",
    }
    page = rfc_index.render_markdown(index, tmp_path / "site" / "rfcs" / "index.md", layout)
    lines = page.splitlines()
    assert lines[0] == "# RFC index"
    assert (
        "> **Superseded:** [RFC 0012](../../rfcs/0012-example.md) (A valid example) is replaced by "
        "[RFC 0013](../../rfcs/0013-better.md)." in lines
    )
    assert (
        "| [RFC 0013](../../rfcs/0013-better.md) | A \\| better example | Draft | standards | Ada Example "
        "| 2026-01-06 | 1 |" in lines
    )


def test_index_command_writes_json_and_markdown(tmp_path: Path) -> None:
    layout = make_repo(tmp_path)
    write_rfc(layout.rfcs, "0012-example.md", front())
    output, page = tmp_path / "index.json", tmp_path / "index.md"
    code = rfc_command.main(
        ["index", "--root", str(tmp_path), "--output", str(output), "--markdown", str(page)]
    )
    assert code == 0
    assert [entry["number"] for entry in json.loads(output.read_text(encoding="utf-8"))["rfcs"]] == [12]
    assert "| [RFC 0012](rfcs/0012-example.md) | A valid example | Draft |" in page.read_text(
        encoding="utf-8"
    )


def test_index_command_refuses_invalid_front_matter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layout = make_repo(tmp_path)
    write_rfc(layout.rfcs, "0012-example.md", front(status="Approved"))
    assert rfc_command.main(["index", "--root", str(tmp_path)]) == 1
    assert "rfcs/0012-example.md: status: 'Approved' is not one of" in capsys.readouterr().err


def test_check_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    layout = make_repo(tmp_path)
    write_rfc(layout.rfcs, "0012-example.md", front(number=13))
    assert rfc_command.main(["check", "--root", str(tmp_path), "--no-history"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "rfcs/0012-example.md: number: is 13, but the file name says 12\n"
    assert "1 problem(s)" in captured.err
    write_rfc(layout.rfcs, "0012-example.md", front())
    assert rfc_command.main(["check", "--root", str(tmp_path), "--no-history"]) == 0


def test_register_adds_rfc_check_and_index() -> None:
    parser = argparse.ArgumentParser(prog="zn5")
    subparsers = parser.add_subparsers(dest="command", required=True)
    rfc_command.register(subparsers)
    check = parser.parse_args(["rfc", "check", "--no-history"])
    index = parser.parse_args(["rfc", "index", "--output", "x.json"])
    assert (check.handler, check.no_history) == (rfc_command.run_check, True)
    assert (index.handler, index.output, index.markdown) == (rfc_command.run_index, "x.json", None)

"""Tests of the RFC front matter: its schema and how it is parsed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from zn5.conformance.rfc import checks, documents

from .example_front_matter import DECIDED, DROP, REFERENCE_ENTRY, REVIEWED, drop_markers, front
from .example_repository import BODY, REPO, TODAY, make_repo


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


@pytest.mark.parametrize(("front_matter", "field"), INVALID.values(), ids=INVALID.keys())
def test_invalid_front_matter_names_the_field(front_matter: dict[str, Any], field: str) -> None:
    problems = schema_problems(drop_markers(front_matter))
    assert [problem.field for problem in problems] == [field]
    assert problems[0].file == "rfcs/0012-example.md"


def test_schema_has_the_stable_id_and_dialect() -> None:
    schema = json.loads((REPO / documents.SCHEMA_PATH).read_text(encoding="utf-8"))
    assert schema["$id"] == "https://zn5.dev/schemas/project/rfc-front-matter.schema.json"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["status"]["enum"] == list(documents.STATUSES)


def test_missing_field_message_names_status_and_track() -> None:
    problems = schema_problems(drop_markers(front(status="Review", **{**REVIEWED, "shepherd": DROP})))
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

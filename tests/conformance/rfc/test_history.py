"""Tests of the RFC status history that ``zn5 rfc check`` reads from git."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from zn5.conformance.rfc import documents, history

from .example_front_matter import DECIDED, REFERENCE_ENTRY, REVIEWED, front
from .example_repository import TODAY, make_repo, write_rfc

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

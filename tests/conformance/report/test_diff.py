"""``zn5 report diff A B``: the cases whose outcome changed, each with what changed under it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zn5.conformance.cli import main
from zn5.conformance.report.diff import diff_reports

REFERENCE = Path(__file__).resolve().parents[3] / "conformance" / "reports" / "reference.json"


def report(outcomes: dict[str, str], *, version: str = "1.0", uid: str = "u1", digest: str = "d1") -> Any:
    """A report with the members the diff reads."""
    return {
        "implementation": {"name": "lib", "version": version},
        "adapter": {"version": "1"},
        "corpus": {"version": "0.2.4", "digest": digest},
        "started": "2026-12-08T00:00:00+00:00",
        "cases": [{"id": case, "uid": uid, "outcome": outcome} for case, outcome in outcomes.items()],
    }


UNEXPLAINED = "same case, implementation and adapter: the runner, the host, or a flaky result"
CHANGES = [
    # name, before, after, (before, after, fix, regression, cause)
    ("same", report({"a": "pass"}), report({"a": "pass"}), None),
    ("fixed-by-a-new-version", report({"a": "fail"}), report({"a": "pass"}, version="1.1"),
     ("fail", "pass", True, False, "implementation changed (1.0 → 1.1)")),
    ("regressed-by-a-changed-case", report({"a": "pass"}), report({"a": "fail"}, uid="u2"),
     ("pass", "fail", False, True, "case changed (uid u1 → u2)")),
    ("nothing-changed-under-it", report({"a": "pass"}), report({"a": "crash"}),
     ("pass", "crash", False, True, UNEXPLAINED)),
    ("a-new-case", report({}), report({"a": "pass"}, digest="d2"),
     (None, "pass", True, False, "new case (or not selected in A)")),
    ("a-case-not-selected", report({"a": "pass"}), report({}),
     ("pass", None, False, True, "not selected in B")),
]  # fmt: skip


@pytest.mark.parametrize(("name", "before", "after", "expected"), CHANGES, ids=[row[0] for row in CHANGES])
def test_a_changed_outcome_names_its_cause(name: str, before: Any, after: Any, expected: Any) -> None:
    changes = diff_reports(before, after)
    if expected is None:
        assert changes == []
        return
    (change,) = changes
    assert (change.before, change.after, change.fix, change.regression, change.cause) == expected


def test_the_command_prints_each_change_and_the_totals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = json.loads(REFERENCE.read_text(encoding="utf-8"))
    after = json.loads(REFERENCE.read_text(encoding="utf-8"))
    changed = after["cases"][0]
    changed["outcome"] = "fail"
    (tmp_path / "a.json").write_text(json.dumps(before))
    (tmp_path / "b.json").write_text(json.dumps(after))
    main(["report", "diff", str(tmp_path / "a.json"), str(tmp_path / "b.json")])
    lines = capsys.readouterr().out.splitlines()
    assert f"  {changed['id']}: pass → fail  [same case, implementation and adapter" in lines[3]
    assert lines[-1] == "fixed 0, regressed 1, other 0"

"""The diff of two run reports: which cases changed outcome, and whether the case, the implementation
or the adapter changed under them (each case carries its uid, each report the versions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zn5.conformance.report.run import outcome_label


@dataclass(frozen=True)
class Change:
    """A case whose outcome differs between two reports, and what changed under it."""

    id: str
    before: str | None
    after: str | None
    cause: str

    @property
    def regression(self) -> bool:
        """A pass that no longer passes."""
        return self.before in ("pass", "pass (imprecise)") and self.after not in ("pass", "pass (imprecise)")

    @property
    def fix(self) -> bool:
        """A case that passes now and did not before."""
        return self.after in ("pass", "pass (imprecise)") and self.before not in ("pass", "pass (imprecise)")


def diff_reports(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """The cases whose outcome changed, each with its cause: the case (uid), the implementation (version)."""
    old = {case["id"]: case for case in before["cases"]}
    new = {case["id"]: case for case in after["cases"]}
    old_version = before["implementation"]["version"]
    new_version = after["implementation"]["version"]
    old_adapter = before["adapter"]["version"]
    new_adapter = after["adapter"]["version"]
    same_corpus = before["corpus"]["digest"] == after["corpus"]["digest"]
    changes = []
    for case_id in sorted(set(old) | set(new)):
        if case_id not in new:
            cause = "not selected in B" if same_corpus else "case removed from the corpus (or not selected)"
            changes.append(Change(case_id, outcome_label(old[case_id]), None, cause))
            continue
        if case_id not in old:
            cause = "not selected in A" if same_corpus else "new case (or not selected in A)"
            changes.append(Change(case_id, None, outcome_label(new[case_id]), cause))
            continue
        was, now = outcome_label(old[case_id]), outcome_label(new[case_id])
        if was == now:
            continue
        causes = []
        if old[case_id]["uid"] != new[case_id]["uid"]:
            causes.append(f"case changed (uid {old[case_id]['uid']} → {new[case_id]['uid']})")
        if old_version != new_version or before["implementation"]["name"] != after["implementation"]["name"]:
            causes.append(f"implementation changed ({old_version} → {new_version})")
        if old_adapter != new_adapter:
            causes.append(f"adapter changed ({old_adapter} → {new_adapter})")
        if not causes:
            causes.append("same case, implementation and adapter: the runner, the host, or a flaky result")
        changes.append(Change(case_id, was, now, "; ".join(causes)))
    return changes


def render_diff(before: Mapping[str, Any], after: Mapping[str, Any], changes: Sequence[Change]) -> str:
    """The diff as text: both runs, each changed case, and totals."""

    def describe(report: Mapping[str, Any]) -> str:
        implementation = report["implementation"]
        return (
            f"{implementation['name']} {implementation['version']} (adapter {report['adapter']['version']}), "
            f"corpus {report['corpus']['version']} {report['corpus']['digest'][:19]}…, {report['started']}"
        )

    lines = [f"A: {describe(before)}", f"B: {describe(after)}"]
    if not changes:
        lines.append("no case changed outcome")
        return "\n".join(lines) + "\n"
    lines.append(f"{len(changes)} case{'s' if len(changes) != 1 else ''} changed outcome:")
    for change in changes:
        lines.append(
            f"  {change.id}: {change.before or '(absent)'} → {change.after or '(absent)'}  [{change.cause}]"
        )
    fixed = sum(change.fix for change in changes)
    regressed = sum(change.regression for change in changes)
    lines.append(f"fixed {fixed}, regressed {regressed}, other {len(changes) - fixed - regressed}")
    return "\n".join(lines) + "\n"

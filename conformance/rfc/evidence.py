"""Evidence for Candidate and Final RFCs: the requirement IDs are defined in ``spec/``, each has a
corpus case or the project test the spec names, and cited conformance reports pass their cases; Final
needs :data:`MIN_INDEPENDENT` independent implementations besides the reference.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zn5.conformance.report.trace import corpus_cases_by_requirement, project_tests_by_requirement
from zn5.conformance.rfc.documents import (
    MIN_INDEPENDENT,
    REFERENCE_CODEBASE,
    Layout,
    Problem,
    Rfc,
    string_list,
)
from zn5.conformance.suite.requirements import Requirement, RequirementMarkupError, load_requirements


@dataclass(frozen=True)
class Evidence:
    """What the evidence checks compare RFCs against: the spec's requirements, the corpus, the tests."""

    defined: Mapping[str, Requirement] | None
    cases: Mapping[str, list[Path]]
    project_tests: Mapping[str, list[Path]]

    def test_problem(self, requirement: str) -> str | None:
        """Why ``requirement`` lacks its test (a corpus case, or the project test the spec names)."""
        known = self.defined.get(requirement) if self.defined is not None else None
        if known is not None and known.tested_by_project_test:
            if requirement in self.project_tests:
                return None
            return f'{requirement} is tested by a project test, but no test is marked req("{requirement}")'
        return None if requirement in self.cases else f"{requirement} has no corpus case that names it"


def load_evidence(layout: Layout) -> tuple[Evidence, list[Problem]]:
    """Read the spec's requirement IDs and the corpus index once."""
    problems = []
    try:
        defined: Mapping[str, Requirement] | None = load_requirements(layout.spec)
    except (OSError, RequirementMarkupError) as error:
        defined = None
        problems.append(Problem(layout.display(layout.spec), "(spec)", f"cannot read requirements: {error}"))
    cases = corpus_cases_by_requirement(layout.corpus_cases)
    return Evidence(defined, cases, project_tests_by_requirement(layout.tests)), problems


def needs_evidence(rfc: Rfc) -> bool:
    """Candidate and Final RFCs that add or change requirements must show evidence."""
    return rfc.status in ("Candidate", "Final") and bool(rfc.requirements)


def check_evidence(rfc: Rfc, layout: Layout, evidence: Evidence) -> list[Problem]:
    """Spec text, corpus cases and conformance reports for a Candidate or Final RFC."""
    file = layout.display(rfc.path)
    problems = []
    for requirement in rfc.requirements:
        if evidence.defined is not None and requirement not in evidence.defined:
            problems.append(Problem(file, "requirements", f"{requirement} is not defined in spec/"))
        missing_test = evidence.test_problem(requirement)
        if missing_test is not None:
            problems.append(Problem(file, "requirements", missing_test))
    for requirement in string_list(rfc.front_matter.get("removes")):
        if evidence.defined is not None and requirement in evidence.defined:
            problems.append(Problem(file, "removes", f"{requirement} is still defined in spec/"))
    return problems + check_reports(rfc, layout)


def _implementations(rfc: Rfc) -> list[dict[str, Any]]:
    """The implementation entries of an RFC that are mappings."""
    value = rfc.front_matter.get("implementations")
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def check_reports(rfc: Rfc, layout: Layout) -> list[Problem]:
    """Cited reports exist; the reference has one; Final has enough independent implementations."""
    file = layout.display(rfc.path)
    problems = []
    reported: set[str] = set()
    for position, entry in enumerate(_implementations(rfc)):
        report = entry.get("report")
        if not isinstance(report, str):
            continue
        where = f"implementations[{position}].report"
        if not (layout.root / report).is_file():
            problems.append(Problem(file, where, f"{report} does not exist"))
            continue
        failure = report_failure(layout.root / report, rfc.requirements)
        if failure is None:
            reported.add(str(entry.get("codebase")))
        else:
            problems.append(Problem(file, where, f"{report} {failure}"))
    if REFERENCE_CODEBASE not in reported:
        message = f"the reference implementation (codebase {REFERENCE_CODEBASE}) needs an existing report"
        problems.append(Problem(file, "implementations", message))
    independent = sorted(reported - {REFERENCE_CODEBASE})
    if rfc.status == "Final" and len(independent) < MIN_INDEPENDENT:
        message = (
            f"Final needs reports from at least {MIN_INDEPENDENT} independent implementations (distinct "
            f"codebases besides the reference); found {len(independent)}: {', '.join(independent) or '-'}"
        )
        problems.append(Problem(file, "implementations", message))
    return problems


def report_failure(path: Path, requirements: Sequence[str]) -> str | None:
    """Why a conformance report is no evidence for ``requirements``, or None when it passes their cases."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return f"is no readable JSON report ({error})"
    cases = document.get("cases") if isinstance(document, dict) else None
    if not isinstance(cases, list):
        return "has no list of cases"
    wanted = set(requirements)
    relevant = [
        case
        for case in cases
        if isinstance(case, dict)
        and isinstance(case.get("requirements"), list)
        and wanted & set(case["requirements"])
    ]
    if not relevant:
        return f"runs no case of {', '.join(requirements)}"
    failing = sorted(str(case.get("id")) for case in relevant if case.get("outcome") != "pass")
    if failing:
        return f"does not pass {len(failing)} of its {len(relevant)} cases: {', '.join(failing[:5])}"
    return None

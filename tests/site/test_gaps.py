"""The gaps page's data (tools/site/gaps.py): from the committed reports, every gap of issue #16 has
enough cases that an implementation independent of the reference passes (item 4), and a case with fewer
than two such implementations says who agrees with the reference."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

from zn5.conformance.suite.gaps import GAPS, WANTED, Gap

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gaps() -> ModuleType:
    """tools/site/gaps.py, imported as mkdocs imports the hooks: beside its siblings."""
    sys.path.insert(0, str(ROOT / "tools" / "site"))
    return importlib.import_module("gaps")


@pytest.fixture(scope="module")
def confirmed(gaps: ModuleType) -> dict[str, list[str]]:
    """Per case, the independent implementations that pass it on files, in the committed reports."""
    evidence = sys.modules["evidence"]  # the sibling module gaps.py imported (tools/site/evidence.py)
    reports = sys.modules["reports"]  # tools/site/reports.py, the committed reports' loader
    found: dict[str, list[str]] = evidence.confirmations(reports.load_reports(ROOT), evidence.codebases())
    return found


@pytest.mark.parametrize("gap", GAPS, ids=[gap.tag for gap in GAPS])
def test_a_second_library_passes_enough_cases_of_each_gap(
    gap: Gap, gaps: ModuleType, confirmed: dict[str, list[str]]
) -> None:
    cases = gaps.gap_cases(ROOT)[gap.tag]
    passed = [case_id for case_id in cases if confirmed.get(case_id)]
    assert len(passed) >= WANTED, f"{gap.tag}: {len(passed)} of {len(cases)} cases passed by a second library"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["tensorstore", "zarrs"], "confirmed"),
        (["zarr-python-2"], "only the reference and zarr-python-2 agree"),
        ([], "the reference alone"),
    ],
    ids=["two-libraries", "one-library", "none"],
)
def test_a_case_says_who_agrees_with_the_reference(gaps: ModuleType, names: list[str], expected: str) -> None:
    assert gaps.agreement(names) == expected

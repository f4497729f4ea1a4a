"""The requirement trace: which corpus cases and which project tests name each requirement ID.

The website's requirements index (tools/site/hooks.py) and the evidence check of ``zn5 rfc check``
(``rfc.evidence``) read the same two maps, so that the page and the check cannot disagree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from zn5.conformance.suite.case import CASE_FILE, Case, CorpusError

PROJECT_TEST_RE: Final = re.compile(
    r"""mark\.req\(\s*["'](?P<id>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-[0-9]{3})["']"""
)
"""A project test's marker, ``@pytest.mark.req("ID")``."""


def corpus_cases_by_requirement(cases_dir: Path) -> dict[str, list[Path]]:
    """Map each requirement ID to the case files (``cases/**/case.json``) that name it.

    A case that cannot be read is left out here; ``zn5 corpus check`` reports it.
    """
    index: dict[str, list[Path]] = {}
    for case_file in sorted(cases_dir.glob(f"**/{CASE_FILE}")):
        try:
            case = Case.load(case_file.parent)
        except CorpusError:
            continue
        for requirement in case.requirements:
            index.setdefault(requirement, []).append(case_file)
    return index


def project_tests_by_requirement(tests_dir: Path) -> dict[str, list[Path]]:
    """Map each requirement ID to the test files that mark a test with ``@pytest.mark.req("ID")``."""
    index: dict[str, list[Path]] = {}
    for test_file in sorted(tests_dir.glob("**/*.py")):
        try:
            text = test_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for requirement in sorted({match["id"] for match in PROJECT_TEST_RE.finditer(text)}):
            index.setdefault(requirement, []).append(test_file)
    return index

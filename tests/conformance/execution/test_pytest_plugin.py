"""The pytest plugin: an implementation's own test suite runs the corpus, one test per case."""

from __future__ import annotations

import shlex
import sys
import textwrap
from pathlib import Path

import pytest

from ..corpus_fixtures import case_ids

TEST_FILE = """
from pathlib import Path

from zn5.conformance.adapters.reference import ReferenceAdapter
from zn5.conformance.execution.pytest_plugin import conformance_tests


class Limited(ReferenceAdapter):
    def capabilities(self):
        return [token for token in super().capabilities() if token != "format:n5"]


VOCABULARY = Path({corpus!r}) / "capabilities.json"
test_zn5 = conformance_tests({adapter}, corpus={corpus!r}, expectations={expectations!r})
"""


def run_suite(
    pytester: pytest.Pytester, corpus: Path, adapter: str, expectations: str | None = None
) -> pytest.RunResult:
    path = None
    if expectations is not None:
        path = str(pytester.makefile(".toml", expectations=textwrap.dedent(expectations)))
    source = TEST_FILE.format(adapter=adapter, corpus=str(corpus), expectations=path)
    pytester.makepyfile(test_conformance=source)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-o", "addopts=", "-rA")


def test_every_case_is_a_test_that_passes_on_the_reference(
    pytester: pytest.Pytester, tiny_corpus: Path
) -> None:
    cases = list(case_ids(tiny_corpus))
    result = run_suite(pytester, tiny_corpus, "ReferenceAdapter(VOCABULARY)")
    result.assert_outcomes(passed=len(cases) + 1)
    for case_id in cases:
        result.stdout.fnmatch_lines([f"PASSED*test_zn5?{case_id}?*"])


def test_cases_an_adapter_does_not_claim_are_skipped_not_passed(
    pytester: pytest.Pytester, tiny_corpus: Path
) -> None:
    cases = list(case_ids(tiny_corpus))
    n5 = [case for case in cases if case.startswith("n5/")]
    result = run_suite(pytester, tiny_corpus, "Limited(VOCABULARY)")
    result.assert_outcomes(passed=len(cases) + 1 - len(n5), skipped=len(n5))
    result.stdout.fnmatch_lines(["SKIPPED*unsupported*format:n5*"])


def test_expected_failures_that_pass_and_stale_entries_fail(
    pytester: pytest.Pytester, tiny_corpus: Path
) -> None:
    expectations = """
        [implementation]
        name = "zn5-reference"
        version = "0.1.0"

        [[expect]]
        match = "zarr3/read/int16-gzip"
        outcome = "xfail"
        reason = "listed although it passes, so it must fail as an unexpected pass"
        issue = "not filed"

        [[expect]]
        match = "zarr9/no/such-case"
        outcome = "xfail"
        reason = "matches no case of the corpus, so the entry is stale"
        issue = "not filed"
    """
    cases = list(case_ids(tiny_corpus))
    result = run_suite(pytester, tiny_corpus, "ReferenceAdapter(VOCABULARY)", expectations)
    result.assert_outcomes(passed=len(cases) - 1, failed=2)
    result.stdout.fnmatch_lines(
        ["_*test_zn5?zarr3/read/int16-gzip?*", "xpass: passes, but is listed as xfail*"]
    )
    result.stdout.fnmatch_lines(["*expectation entries that match no case: zarr9/no/such-case*"])


def test_a_failing_adapter_fails_its_cases(pytester: pytest.Pytester, tiny_corpus: Path, fake) -> None:  # type: ignore[no-untyped-def]
    command = fake("reject_all")
    result = run_suite(pytester, tiny_corpus, repr(command))
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) > 0
    result.stdout.fnmatch_lines(["_*test_zn5?zarr3/read/int16-gzip?*", "wrong-reject: refused valid input*"])


def test_the_installed_plugin_runs_an_adapter_command_without_a_test_module(
    pytester: pytest.Pytester, tiny_corpus: Path
) -> None:
    cases = list(case_ids(tiny_corpus))
    command = f"{shlex.quote(sys.executable)} -m zn5.conformance.adapters.reference"
    options = ["--zn5-adapter", command, "--zn5-corpus", str(tiny_corpus), "--zn5-select", "zarr3/*"]
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-o", "addopts=", "-rA", *options)
    selected = [case_id for case_id in cases if case_id.startswith("zarr3/")]
    assert 0 < len(selected) < len(cases)
    result.assert_outcomes(passed=len(selected) + 1)
    result.stdout.fnmatch_lines([f"PASSED *zn5[[]{selected[0]}[]]", "PASSED *zn5[[]expectations[]]"])


def test_the_plugin_adds_no_test_without_an_adapter(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_nothing="def test_one():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-o", "addopts=")
    result.assert_outcomes(passed=1)

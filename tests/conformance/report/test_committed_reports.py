"""The reports committed under conformance/reports/ (the website's compliance data) are valid and current."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from zn5.conformance.execution.protocol import validator
from zn5.conformance.report.run import portable
from zn5.conformance.suite.case import Corpus

REPORTS = Path(__file__).resolve().parents[3] / "conformance" / "reports"
RUN_REPORTS = sorted(path for path in REPORTS.glob("*.json") if path.name != "interop.json")


def load(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize("path", RUN_REPORTS, ids=[path.stem for path in RUN_REPORTS])
def test_a_committed_report_is_valid_and_ran_the_current_corpus(path: Path) -> None:
    report = load(path)
    errors = [error.message for error in validator("report").iter_errors(report)]
    assert errors == []
    corpus = Corpus.load()
    assert report["corpus"]["digest"] == corpus.digest, "re-run the adapter: the corpus has changed"
    assert {case["id"] for case in report["cases"]} == {case.id for case in corpus.cases}
    assert report["options"]["select"] == [], "a committed report covers the whole corpus"


@pytest.mark.parametrize("path", RUN_REPORTS, ids=[path.stem for path in RUN_REPORTS])
def test_a_committed_report_names_paths_inside_the_checkout_relative_to_it(path: Path) -> None:
    report = load(path)
    assert report["corpus"]["path"] == "conformance/corpus"
    texts = [report["adapter"]["connection"]]
    texts += [value for case in report["cases"] for value in case.values() if isinstance(value, str)]
    checkout = re.compile(r"/\S*/(conformance/adapters|\.venv)/")
    assert not [text for text in texts if checkout.search(text)], "paths of one checkout"


def test_portable_leaves_out_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    inside, outside = tmp_path / "conformance" / "corpus", "/elsewhere/corpus"
    assert (
        portable(f'File "{inside}/x.py", and {outside}')
        == 'File "conformance/corpus/x.py", and /elsewhere/corpus'
    )


def test_the_reference_report_passes_every_case() -> None:
    report = load(REPORTS / "reference.json")
    assert report["implementation"]["name"] == "zn5-reference"
    assert report["passed"] is True
    assert {case["outcome"] for case in report["cases"]} == {"pass"}

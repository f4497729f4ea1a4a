"""The one model of a corpus case (zn5.conformance.suite.case) against its schema and the committed corpus."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from zn5.conformance.suite.case import CASE_FILE, Case, Corpus, CorpusError, read_document
from zn5.conformance.suite.resources import PROJECT_SCHEMAS

SCHEMA = json.loads((PROJECT_SCHEMAS / "case.schema.json").read_text(encoding="utf-8"))


def test_the_fields_are_the_schemas_members_in_its_order() -> None:
    members = [item.name for item in fields(Case) if item.name != "folder"]
    assert members == list(SCHEMA["properties"])
    assert members == SCHEMA["required"]
    assert SCHEMA["additionalProperties"] is False


def test_every_committed_case_round_trips_through_the_model() -> None:
    corpus = Corpus.load()
    assert len(corpus.cases) > 500
    for case in corpus.cases:
        assert case.to_json() == read_document(case.folder), case.id


def test_a_case_missing_a_member_is_refused_naming_its_file(tmp_path: Path) -> None:
    case = next(iter(Corpus.load().cases)).to_json()
    del case["expect"]
    (tmp_path / CASE_FILE).write_text(json.dumps(case), encoding="utf-8")
    with pytest.raises(CorpusError, match=rf"{CASE_FILE}: unreadable case: KeyError\('expect'\)"):
        Case.load(tmp_path)


def test_an_unparsable_case_is_refused_naming_its_file(tmp_path: Path) -> None:
    (tmp_path / CASE_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match=str(tmp_path / CASE_FILE)):
        Case.load(tmp_path)

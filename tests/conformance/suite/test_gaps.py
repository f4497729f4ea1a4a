"""The gaps of issue #16 (zn5.conformance.suite.gaps) against the committed corpus: the tags the cases
carry are the declared ones, and every write case carries the gaps its target description shows."""

from __future__ import annotations

import json
import re

from zn5.conformance.suite.case import Corpus
from zn5.conformance.suite.gaps import GAPS, PREFIX, write_gaps
from zn5.conformance.suite.resources import PROJECT_SCHEMAS

TAG_PATTERN = json.loads((PROJECT_SCHEMAS / "case.schema.json").read_text(encoding="utf-8"))["properties"][
    "tags"
]["items"]["pattern"]


def test_the_gap_tags_of_the_corpus_are_the_declared_ones() -> None:
    used = {tag for case in Corpus.load().cases for tag in case.tags if tag.startswith(PREFIX)}
    assert used == {gap.tag for gap in GAPS}


def test_each_gap_has_a_tag_the_case_schema_allows_and_a_description() -> None:
    assert len({gap.tag for gap in GAPS}) == len(GAPS)
    for gap in GAPS:
        assert gap.tag.startswith(PREFIX) and re.fullmatch(TAG_PATTERN, gap.tag), gap.tag
        assert gap.description and "\n" not in gap.description, gap.tag


def test_every_write_case_carries_the_gaps_its_target_shows() -> None:
    for case in Corpus.load().cases:
        if case.kind == "write" and case.operation["target"]["metadata"]["node_type"] == "array":
            target = case.operation["target"]
            shown = {gap.tag for gap in write_gaps(target["format"], target["metadata"])}
            assert shown <= set(case.tags), case.id

"""The committed corpus is exactly what ``zn5 corpus build`` generates, and it lints clean."""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path

import pytest

from zn5.conformance.cli.corpus import REPOSITORY
from zn5.conformance.generate import build
from zn5.conformance.generate.gold import READER_SIDE
from zn5.conformance.suite.lint import lint, spec_problems
from zn5.conformance.suite.requirements import Level, Requirement, load_requirements
from zn5.conformance.suite.resources import CORPUS

MAX_BYTES = 30 * 2**20
SPEC = REPOSITORY / "spec"


def _differences(left: Path, right: Path) -> list[str]:
    comparison = filecmp.dircmp(left, right)
    found = [f"only in {left}: {name}" for name in comparison.left_only]
    found += [f"only in {right}: {name}" for name in comparison.right_only]
    found += [f"differs: {left / name}" for name in comparison.diff_files]
    found += [f"unreadable: {left / name}" for name in comparison.funny_files]
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    found += [
        f"differs: {left / name}" for name in mismatch + errors if f"differs: {left / name}" not in found
    ]
    for name in comparison.common_dirs:
        found += _differences(left / name, right / name)
    return found


def test_rebuild_is_byte_identical_to_the_committed_corpus(tmp_path: Path) -> None:
    build(tmp_path / "corpus")
    assert _differences(CORPUS, tmp_path / "corpus") == []


def test_corpus_lints_clean_without_the_spec() -> None:
    assert lint(CORPUS, None) == []


def test_lint_finds_a_metadata_case_that_does_not_require_its_nodes_data_type(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    case_file = corpus / "cases" / "zarr2" / "spec-example" / "fill-complex" / "case.json"
    case = json.loads(case_file.read_text(encoding="utf-8"))
    case["requires"].remove("dtype:complex64")
    case_file.write_text(json.dumps(case), encoding="utf-8")
    assert lint(corpus, None) == [
        "cases/zarr2/spec-example/fill-complex: the node the case describes needs dtype:complex64, "
        "which its requires does not list"
    ]


@pytest.mark.parametrize(
    ("case_id", "cited"),
    [
        ("zarr2/gold/zarrs-0.23.14--int16-attributes", {"CORE-NODE-004", "ZARR2-META-012"}),
        ("n5/gold/tensorstore-0.1.86--float32-gzip", {"N5-ROOT-001"}),
        ("zarr3/gold/zarr-python-3.1.6--float32-gzip", set()),
    ],
)
def test_a_gold_case_cites_what_a_reader_meets_because_of_how_the_library_wrote_it(
    case_id: str, cited: set[str]
) -> None:
    """zarrs writes no root .zgroup and adds node_type to .zarray; tensorstore writes no N5 root."""
    case = json.loads((CORPUS / "cases" / case_id / "case.json").read_text(encoding="utf-8"))
    assert set(case["requirements"]) & set(READER_SIDE.values()) == cited


def test_corpus_stays_small() -> None:
    size = sum(path.stat().st_size for path in CORPUS.rglob("*") if path.is_file())
    assert 0 < size <= MAX_BYTES


def _requirement(requirement_id: str, level: Level, project_test: bool = False) -> Requirement:
    return Requirement(requirement_id, level, f"A reader {level} do it.", Path("x.md"), 1, project_test)


def test_coverage_needs_a_case_per_must_and_a_reject_or_write_case_per_must_not() -> None:
    requirements = {
        item.id: item
        for item in (
            _requirement("DEMO-X-001", "MUST"),
            _requirement("DEMO-X-002", "MUST NOT"),
            _requirement("DEMO-X-003", "MUST NOT"),
            _requirement("DEMO-X-004", "MUST NOT"),
            _requirement("DEMO-X-005", "MUST", project_test=True),
            _requirement("DEMO-X-006", "SHOULD"),
        )
    }
    covered = {"DEMO-X-002": {"read", "metadata"}, "DEMO-X-003": {"reject"}, "DEMO-X-004": {"write"}}
    problems = list(spec_problems(covered, requirements))
    assert problems == [
        "x.md:1: MUST DEMO-X-001 has no corpus case",
        "x.md:1: MUST NOT DEMO-X-002 has no reject or write case",
    ]
    assert list(spec_problems({"DEMO-Y-001": {"read"}}, {})) == [
        "requirement DEMO-Y-001 is cited by cases but not defined in the spec"
    ]


def test_the_committed_corpus_covers_every_must_of_the_spec() -> None:
    assert lint(CORPUS, load_requirements(SPEC)) == []

"""``zn5 interop``: writer × reader matrix and gold stores, with the reference and fake adapters."""

from __future__ import annotations

import json
from pathlib import Path

from zn5.conformance.adapters.connect import REFERENCE, adapter_connector
from zn5.conformance.execution.connection import SubprocessConnection
from zn5.conformance.interop import Participant, independent, run_interop
from zn5.conformance.suite.case import Corpus
from zn5.conformance.suite.resources import zn5_version

from .conftest import Fake

WRITE_CASES = ("n5/write/uint16-gzip", "zarr2/write/int32-gzip")


def party(name: str, codebase: set[str], command: list[str] | None, corpus: Corpus) -> Participant:
    if command is None:
        return Participant(name, frozenset(codebase), adapter_connector(REFERENCE, corpus, in_process=True))
    return Participant(name, frozenset(codebase), lambda: SubprocessConnection(command))


def cell(report: dict[str, object], writer: str, reader: str) -> dict[str, object]:
    matrix = report["matrix"]
    assert isinstance(matrix, list)
    return next(c for c in matrix if c["writer"] == writer and c["reader"] == reader)


def test_every_reader_reads_every_verified_store(tiny_corpus: Path, fake: Fake, tmp_path: Path) -> None:
    corpus = Corpus.load(tiny_corpus)
    taking_part = [
        party(REFERENCE, {"zn5-reference"}, None, corpus),
        party("alpha", {"alpha"}, fake("correct"), corpus),
        party("refuser", {"refuser"}, fake("reject_all"), corpus),
    ]
    result = run_interop(taking_part, corpus, tmp_path / "work")
    assert sorted(writer for writer, _ in result.sources.values()) == ["alpha", "alpha", REFERENCE, REFERENCE]
    assert sorted(source for _, source in result.sources.values()) == sorted(WRITE_CASES * 2)
    assert cell(result.report, "alpha", REFERENCE) == {
        "writer": "alpha",
        "reader": REFERENCE,
        "cases": 2,
        "pass": 2,
        "failing": [],
    }
    refused = cell(result.report, REFERENCE, "refuser")
    assert (refused["cases"], refused["pass"]) == (2, 0)
    assert refused["failing"] == [
        "n5/interop/reference--uint16-gzip: wrong-reject",
        "zarr2/interop/reference--int32-gzip: wrong-reject",
    ]
    # the refuser wrote nothing that verifies, so no reader tried a store of its
    matrix = result.report["matrix"]
    assert all(c["cases"] == 0 for c in matrix if c["writer"] == "refuser")


def test_gold_needs_the_reference_and_two_independent_readers(
    tiny_corpus: Path, fake: Fake, tmp_path: Path
) -> None:
    corpus = Corpus.load(tiny_corpus)
    reference = party(REFERENCE, {"zn5-reference"}, None, corpus)
    alpha = party("alpha", {"alpha"}, fake("correct"), corpus)
    alpha_again = party("alpha-again", {"alpha", "beta"}, fake("correct"), corpus)  # shares alpha's code
    gamma = party("gamma", {"gamma"}, fake("correct"), corpus)

    shared = run_interop([reference, alpha, alpha_again], corpus, tmp_path / "one")
    assert shared.capture_gold(tmp_path / "gold-one") == []

    enough = run_interop([reference, alpha, gamma], corpus, tmp_path / "two")
    saved = enough.capture_gold(tmp_path / "gold-two")
    assert sorted(path.relative_to(tmp_path / "gold-two").as_posix() for path in saved) == [
        f"zn5-reference-{zn5_version()}/n5--uint16-gzip",  # alpha and gamma both report the reference's name
        f"zn5-reference-{zn5_version()}/zarr2--int32-gzip",
    ]
    gold = json.loads((saved[0] / "gold.json").read_text(encoding="utf-8"))
    assert gold["adapter"] in ("alpha", "gamma")
    assert gold["source_case"] in WRITE_CASES
    assert len(gold["agreed"]) == 3
    assert (saved[0] / "expected" / "array.json").is_file()


def test_independent_readers_share_no_code() -> None:
    codebases = {
        REFERENCE: frozenset({"zn5-reference"}),
        "zarr-python": frozenset({"zarr-python-3"}),
        "zarrs-python": frozenset({"zarr-python-3", "zarrs"}),
        "zarrs": frozenset({"zarrs"}),
        "tensorstore": frozenset({"tensorstore"}),
    }
    assert independent([REFERENCE, "zarr-python", "zarrs-python", "zarrs"], codebases) == [
        "zarr-python",
        "zarrs",
    ]
    assert independent(["zarrs-python", "zarr-python", "zarrs"], codebases) == ["zarrs-python"]
    assert independent([REFERENCE, "tensorstore"], codebases) == ["tensorstore"]

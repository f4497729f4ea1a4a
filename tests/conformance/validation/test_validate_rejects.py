"""``zn5 validate --chunks`` flags every broken store of the corpus: each reject case's store, validated
whole, gives at least one error, or is refused as unsupported, as a reader refuses it (issue #13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zn5.conformance.suite.case import Case, Corpus
from zn5.conformance.validation.walk import Validation
from zn5.reference.errors import UnsupportedError
from zn5.reference.store.local import LocalStore

REJECTS = [case for case in Corpus.load().cases if case.kind == "reject"]


def flagged(store: Path, node: str) -> list[str]:
    """The requirement IDs of the errors ``zn5 validate --chunks --path NODE`` reports for ``store`` (the
    node the case opens, which may be the fault: a path with a ``..`` name); an unsupported store is one
    error of its own."""
    paths = [node] if node else []
    try:
        problems = list(Validation(LocalStore(store, writable=False), chunks=True, paths=paths).problems())
    except UnsupportedError as error:
        return [error.requirement]
    return [problem.requirement for problem in problems if problem.level == "error"]


@pytest.mark.parametrize("case", REJECTS, ids=lambda case: case.id)
def test_every_broken_store_of_the_corpus_is_flagged(case: Case) -> None:
    store = case.folder / case.input["store"]
    assert flagged(store, case.input.get("node", "")), f"{case.id}: validate finds no error"

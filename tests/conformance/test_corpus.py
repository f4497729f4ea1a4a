"""The committed corpus is exactly what ``zn5 corpus build`` generates, and it lints clean."""

from __future__ import annotations

import filecmp
from pathlib import Path

from zn5.conformance.corpus_tools import CORPUS, lint
from zn5.conformance.generate import build

MAX_BYTES = 30 * 2**20


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


def test_corpus_stays_small() -> None:
    size = sum(path.stat().st_size for path in CORPUS.rglob("*") if path.is_file())
    assert 0 < size <= MAX_BYTES

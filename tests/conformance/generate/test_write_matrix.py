"""The write matrix covers each value of each axis in every format that has it, without being the cross
product of the axes, and seeds each case from its id (conformance/generate/write_matrix/)."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from zn5.conformance.generate.write_matrix import base, matrix, types
from zn5.conformance.suite.case import Corpus

ROWS = matrix.rows()


def _slugs(format_name: str) -> list[str]:
    return [row.slug for row in ROWS if row.format == format_name]


@pytest.mark.parametrize(
    ("format_name", "chains", "codes"),
    [
        ("zarr2", types._zarr2_chains(), types.ZARR_CODES),
        ("zarr3", types._zarr3_chains(), types.ZARR_CODES),
        ("n5", types._n5_chains(), types.N5_CODES),
    ],
)
def test_every_type_and_chain_of_a_format_is_written(
    format_name: str, chains: list[types.Chain], codes: tuple[str, ...]
) -> None:
    slugs = _slugs(format_name)
    for chain in chains:
        assert any(f"-{chain.slug}" in slug for slug in slugs), chain.slug
    for code in codes:
        assert any(slug.startswith(types.TYPE_NAMES[code] + "-") for slug in slugs), code


def test_every_layout_of_the_zarr_formats_is_written() -> None:
    for format_name, layouts in (
        ("zarr2", types.ZARR2_LAYOUTS),
        ("zarr3", types.ZARR3_LAYOUTS),
    ):
        options = [row.options for row in ROWS if row.format == format_name]
        for layout in layouts:
            assert any(layout.options.items() <= option.items() for option in options), layout.slug


def test_the_matrix_is_not_a_cross_product() -> None:
    """One row per type in each walk: the types times the chains would be several times as many."""
    per_format = Counter(row.format for row in ROWS)
    assert per_format["zarr2"] < len(types.ZARR_CODES) * len(types._zarr2_chains())
    assert sum(per_format.values()) >= 90


def test_each_case_is_seeded_from_a_hash_of_its_id() -> None:
    for row in ROWS[:20]:
        expected = int.from_bytes(hashlib.sha256(row.id.encode()).digest()[:4], "big")
        assert matrix.case(row).origin == {"generator": base.GENERATOR, "seed": expected}


def test_the_committed_corpus_holds_120_write_cases_and_30_in_each_format() -> None:
    writes = Counter(case.format for case in Corpus.load().cases if case.kind == "write")
    assert sum(writes.values()) >= 120
    assert all(writes[name] >= 30 for name in ("zarr2", "zarr3", "n5")), writes

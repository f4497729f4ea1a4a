"""Node descriptions compare on meaning (PROTO-020): each equivalence the spec allows is one row, and
each row has a twin that changes the meaning and must still differ."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from zn5.conformance.execution.meaning import EQUIVALENCES, meaning
from zn5.conformance.execution.scoring import json_differences

Description = dict[str, Any]


def _array(data_type: str, *codecs: dict[str, Any]) -> Description:
    return {
        "node_type": "array",
        "shape": [6, 7],
        "data_type": data_type,
        "chunk_grid": {"name": "regular", "chunk_shape": [4, 4]},
        "chunk_key_encoding": {"name": "default", "separator": "/"},
        "fill_value": {"hex": "00" * (2 if data_type.endswith("16") else 1)},
        "codecs": list(codecs),
        "dimension_names": None,
        "attributes": {},
    }


def _bytes(**configuration: Any) -> dict[str, Any]:
    return {"name": "bytes", "configuration": configuration}


def _blosc(**extra: Any) -> dict[str, Any]:
    configuration = {"cname": "zstd", "clevel": 3, "shuffle": "shuffle", "blocksize": 0} | extra
    return {"name": "blosc", "configuration": configuration}


def _delta(dtype: str, astype: str) -> dict[str, Any]:
    return {"name": "numcodecs.delta", "configuration": {"dtype": dtype, "astype": astype}}


def _sharded(*inner: dict[str, Any], **extra: Any) -> dict[str, Any]:
    configuration = {
        "chunk_shape": [2, 2],
        "codecs": list(inner),
        "index_codecs": [_bytes(endian="little"), {"name": "crc32c", "configuration": {}}],
        "index_location": "end",
    } | extra
    return {"name": "sharding_indexed", "configuration": configuration}


def _without(member: str) -> Callable[[Description], Description]:
    def change(description: Description) -> Description:
        changed = copy.deepcopy(description)
        del changed[member]
        return changed

    return change


def _without_index_location(description: Description) -> Description:
    changed = copy.deepcopy(description)
    del changed["codecs"][0]["configuration"]["index_location"]
    return changed


# (equivalence, expected, actual): the two spellings mean one thing.
SAME: list[tuple[str, Description, Description]] = [
    (
        "dimension_names absent is null",
        _array("uint8", _bytes()),
        _without("dimension_names")(_array("uint8", _bytes())),
    ),
    (
        "a codec member left out is its default",
        _array("uint16", _bytes(endian="little"), _blosc(typesize=2)),
        _array(
            "uint16",
            _bytes(endian="little"),
            {
                "name": "blosc",
                "configuration": {"cname": "zstd", "clevel": 3, "shuffle": "shuffle", "typesize": 2},
            },
        ),
    ),
    (
        "a codec member left out is its default",
        _array("uint16", _sharded(_bytes(endian="little"))),
        _without_index_location(_array("uint16", _sharded(_bytes(endian="little")))),
    ),
    (
        "blosc typesize left out is the item size reaching blosc",
        _array("uint16", _bytes(endian="little"), _blosc(typesize=2)),
        _array("uint16", _bytes(endian="little"), _blosc()),
    ),
    (
        "bytes endian on a type without byte order has no effect",
        _array("uint8", _bytes()),
        _array("uint8", _bytes(endian="little")),
    ),
    (
        "bytes endian on a type without byte order has no effect",
        _array("uint8", _bytes()),
        _array("uint8", _bytes(endian="big")),
    ),
    (
        "bytes endian on a type without byte order has no effect",
        _array("uint8", _sharded(_bytes())),
        _array("uint8", _sharded(_bytes(endian="little"))),
    ),
]

SAME += [
    (
        "the byte order of delta's dtype and astype has no effect",
        _array("uint16", _delta("<u2", "<u2"), _bytes(endian="little")),
        _array("uint16", _delta(">u2", "=u2"), _bytes(endian="little")),
    ),
    (
        "a codec member left out is its default",
        _array("uint16", _delta("<u2", "<u2"), _bytes(endian="little")),
        _array(
            "uint16", {"name": "numcodecs.delta", "configuration": {"dtype": "<u2"}}, _bytes(endian="little")
        ),
    ),
]

# (what changes, expected, actual): the two mean different things.
DIFFERENT: list[tuple[str, Description, Description]] = [
    (
        "delta differences in another type",
        _array("uint16", _delta("<u2", "<u2"), _bytes(endian="little")),
        _array("uint16", _delta("<u2", "<i2"), _bytes(endian="little")),
    ),
    (
        "dimension names given",
        _array("uint8", _bytes()),
        {**_array("uint8", _bytes()), "dimension_names": ["y", None]},
    ),
    (
        "another compression level",
        _array("uint16", _bytes(endian="little"), _blosc()),
        _array("uint16", _bytes(endian="little"), _blosc(clevel=5)),
    ),
    (
        "index at the start",
        _array("uint16", _sharded(_bytes(endian="little"))),
        _array("uint16", _sharded(_bytes(endian="little"), index_location="start")),
    ),
    (
        "blosc typesize other than the item size",
        _array("uint16", _bytes(endian="little"), _blosc()),
        _array("uint16", _bytes(endian="little"), _blosc(typesize=4)),
    ),
    (
        "bytes endian on a type with byte order",
        _array("uint16", _bytes(endian="little")),
        _array("uint16", _bytes(endian="big")),
    ),
    (
        "an unknown codec stays as written",
        _array("uint8", _bytes()),
        _array("uint8", _bytes(), {"name": "no-such-codec", "configuration": {}}),
    ),
]


def test_every_equivalence_has_a_row() -> None:
    assert {row[0] for row in SAME} == set(EQUIVALENCES)


@pytest.mark.req("PROTO-020")
@pytest.mark.parametrize(("equivalence", "expected", "actual"), SAME, ids=[row[0] for row in SAME])
def test_spellings_of_one_meaning_compare_equal(
    equivalence: str, expected: Description, actual: Description
) -> None:
    assert json_differences(expected, actual), "the row must differ in spelling"
    assert json_differences(meaning(expected), meaning(actual)) == [], equivalence


@pytest.mark.req("PROTO-020")
@pytest.mark.parametrize(("change", "expected", "actual"), DIFFERENT, ids=[row[0] for row in DIFFERENT])
def test_different_meanings_still_differ(change: str, expected: Description, actual: Description) -> None:
    assert json_differences(meaning(expected), meaning(actual)), change


def test_groups_and_unreadable_descriptions_keep_their_spelling() -> None:
    group = {"node_type": "group", "attributes": {"a": 1}}
    broken = {**_array("uint8", _bytes()), "data_type": "no-such-type"}
    assert meaning(group) == group
    assert meaning(broken) == broken

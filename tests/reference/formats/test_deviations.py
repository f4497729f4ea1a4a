"""Known deviations (CORE-DEVIATION-001 to -012): each is read with a warning of its own class that names
its entry, reads to the values the writer meant, and its strict twin stays an error."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import zn5.reference as zn5
from zn5.conformance.validation.walk import Validation
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.formats import deviations
from zn5.reference.formats.deviations import WARNINGS, LenientReadWarning
from zn5.reference.store.memory import MemoryStore

DOCUMENT = {"zarr2": "x/.zarray", "zarr3": "x/zarr.json"}


def store_with(format_name: str, dtype: str, compressor: Any = None) -> MemoryStore:
    """An array x of shape (5,) in chunks of 2 whose last chunk was never written."""
    store = MemoryStore()
    zn5.create_group(store, format=format_name)
    array = zn5.create_array(
        store, format=format_name, path="x", shape=(5,), dtype=dtype, chunks=(2,), compressor=compressor
    )
    array[:4] = np.arange(4).astype(dtype)
    return store


def setting(member: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document[member] = value

    return change


def in_codec(index: int, member: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["codecs"][index]["configuration"][member] = value

    return change


def blosc_shuffle(value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["compressor"]["shuffle"] = value

    return change


@dataclass(frozen=True)
class Deviation:
    """A store one writer's way, the warning it gives, and the fill value it reads to."""

    name: str
    format: str
    dtype: str
    change: Callable[[dict[str, Any]], None]
    warning: type[LenientReadWarning]
    fill: Any
    compressor: Any = None
    document: str = "x"


DEVIATIONS = [
    Deviation(
        "gdal-blosc-bit",
        "zarr2",
        "int16",
        blosc_shuffle("BIT"),
        deviations.BloscShuffleWordWarning,
        0,
        Blosc("lz4", 5, "bitshuffle", None),
    ),
    Deviation(
        "gdal-blosc-none",
        "zarr2",
        "int16",
        blosc_shuffle("NONE"),
        deviations.BloscShuffleWordWarning,
        0,
        Blosc("lz4", 5, "noshuffle", None),
    ),
    Deviation(
        "number-string-fill-int",
        "zarr2",
        "int32",
        setting("fill_value", "-7"),
        deviations.NumberStringFillWarning,
        -7,
    ),
    Deviation(
        "number-string-fill-float",
        "zarr2",
        "float32",
        setting("fill_value", "2.5"),
        deviations.NumberStringFillWarning,
        2.5,
    ),
    Deviation(
        "integral-float-fill",
        "zarr2",
        "uint8",
        setting("fill_value", 3.0),
        deviations.IntegralFloatFillWarning,
        3,
    ),
    Deviation(
        "integer-bool-fill-zarr2",
        "zarr2",
        "bool",
        setting("fill_value", 1),
        deviations.IntegerBoolFillWarning,
        True,
    ),
    Deviation(
        "integer-bool-fill-zarr3",
        "zarr3",
        "bool",
        setting("fill_value", 1),
        deviations.IntegerBoolFillWarning,
        True,
    ),
    Deviation(
        "not-a-time-fill",
        "zarr2",
        "datetime64[s]",
        setting("fill_value", "NaT"),
        deviations.NotATimeStringFillWarning,
        np.datetime64("NaT", "s"),
    ),
    Deviation(
        "null-consolidated-metadata",
        "zarr3",
        "int8",
        setting("consolidated_metadata", None),
        deviations.NullConsolidatedMetadataWarning,
        0,
        document="",
    ),
    Deviation(
        "blosc-nthreads",
        "zarr3",
        "int16",
        in_codec(1, "nthreads", 4),
        deviations.InertCodecMemberWarning,
        0,
        Blosc("lz4", 5, "shuffle", 2),
    ),
    Deviation(
        "gzip-use-zlib-false",
        "zarr3",
        "int16",
        in_codec(1, "useZlib", False),
        deviations.InertCodecMemberWarning,
        0,
        Gzip(5),
    ),
]


def deviant_store(case: Deviation) -> MemoryStore:
    store = store_with(case.format, case.dtype, case.compressor)
    key = DOCUMENT[case.format] if case.document == "x" else "zarr.json"
    document = json.loads(store.values[key])
    case.change(document)
    store.values[key] = json.dumps(document).encode()
    return store


@pytest.mark.parametrize("case", DEVIATIONS, ids=lambda case: case.name)
def test_a_known_deviation_reads_with_its_own_warning(case: Deviation) -> None:
    store = deviant_store(case)
    with pytest.warns(case.warning, match=case.warning.requirement) as caught:
        node = zn5.open(store, path="x") if case.document == "x" else zn5.open(store)
    assert {type(warning.message) for warning in caught} == {case.warning}
    array = zn5.open_array(store, path="x") if case.document != "x" else node
    assert isinstance(array, zn5.Array)
    values = array[...]
    expected = np.concatenate([np.arange(4).astype(case.dtype), np.array([case.fill], dtype=case.dtype)])
    np.testing.assert_array_equal(values, expected)


STRICT_TWINS = [
    (
        "blosc-shuffle-lowercase-word",
        "zarr2",
        "int16",
        blosc_shuffle("bitshuffle"),
        "CODEC-BLOSC-002",
        Blosc("lz4", 5, "bitshuffle", None),
    ),
    ("word-string-fill", "zarr2", "int32", setting("fill_value", "seven"), "ZARR2-FILL-003", None),
    ("bool-fill-two", "zarr3", "bool", setting("fill_value", 2), "ZARR3-FILL-002", None),
    ("complex-fill-zero", "zarr3", "complex64", setting("fill_value", 0), "ZARR3-FILL-005", None),
    ("zarr3-number-string-fill", "zarr3", "int32", setting("fill_value", "0"), "ZARR3-FILL-003", None),
    ("gzip-use-zlib-true", "zarr3", "int16", in_codec(1, "useZlib", True), "CORE-CODEC-006", Gzip(5)),
]


@pytest.mark.parametrize(
    ("name", "format_name", "dtype", "change", "requirement", "compressor"),
    STRICT_TWINS,
    ids=[twin[0] for twin in STRICT_TWINS],
)
def test_the_strict_twin_of_a_deviation_is_an_error(
    name: str,
    format_name: str,
    dtype: str,
    change: Callable[[dict[str, Any]], None],
    requirement: str,
    compressor: Any,
) -> None:
    store = deviant_store(Deviation(name, format_name, dtype, change, LenientReadWarning, 0, compressor))
    with pytest.raises(zn5.MetadataError) as caught, warnings.catch_warnings():
        warnings.simplefilter("error", LenientReadWarning)
        zn5.open(store, path="x")
    assert caught.value.requirement == requirement
    assert caught.value.key == DOCUMENT[format_name]


def test_every_entry_has_one_warning_class() -> None:
    assert sorted(WARNINGS) == [
        "CORE-DEVIATION-001",
        "CORE-DEVIATION-002",
        "CORE-DEVIATION-003",
        "CORE-DEVIATION-004",
        "CORE-DEVIATION-005",
        "CORE-DEVIATION-006",
        "CORE-DEVIATION-007",
        "CORE-DEVIATION-008",
        "CORE-DEVIATION-009",
        "CORE-DEVIATION-010",
        "CORE-DEVIATION-011",
        "CORE-DEVIATION-012",
        "CORE-DEVIATION-014",
        "CORE-DEVIATION-015",
    ]


@pytest.mark.req("CORE-DEVIATION-013")
@pytest.mark.parametrize("format_name", ["zarr2", "zarr3"])
def test_the_reference_writes_none_of_the_deviations(format_name: str) -> None:
    store = MemoryStore()
    zn5.create_group(store, format=format_name, attributes={"note": "NaN as text is fine"})
    for dtype, fill in [("bool", True), ("float32", float("nan")), ("datetime64[s]", np.datetime64("NaT"))]:
        zn5.create_array(
            store,
            format=format_name,
            path=f"a-{dtype}",
            shape=(3,),
            dtype=dtype,
            chunks=(2,),
            fill_value=fill,
            compressor=Blosc("lz4", 5, "bitshuffle", None),
        )
    problems = list(Validation(store).problems())
    assert [problem for problem in problems if problem.level != "warning"] == []
    with pytest.raises(zn5.MetadataError) as caught:
        zn5.create_group(store, path="g", format=format_name, attributes={"valid_max": float("inf")})
    assert caught.value.requirement == "CORE-META-001"
    assert not any(key.startswith("g/") for key in store.values), "nothing of the refused group is written"

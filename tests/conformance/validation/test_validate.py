"""Tests of ``zn5 validate``: stores built with the reference, broken one way at a time.

Each broken store must report the expected requirement at the expected key and level, and nothing
else at the level ``error``; valid stores report nothing. The command's output and exit codes are in
test_validate_command.py, its streaming in test_validate_streaming.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from zn5.conformance.validation.report import format_line
from zn5.conformance.validation.walk import STRAY_KEY, Validation
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.delta import Delta
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.zstd import Zstd
from zn5.reference.store.memory import MemoryStore

from .broken_stores import (
    CHUNK,
    bare_nan,
    build,
    delete,
    edit,
    in_codec,
    put,
    removing,
    run,
    setting,
)

FORMATS = ("zarr2", "zarr3", "n5")


@dataclass(frozen=True)
class Case:
    """One store, broken one way, and the problem it must report."""

    name: str
    format: str
    mutate: Callable[[MemoryStore], None]
    level: str
    requirement: str
    key: str
    location: str = ""
    chunks: bool = False
    options: tuple[tuple[str, Any], ...] = ()


CASES = [
    # metadata documents, through the schema and the reference
    Case("shape-negative", "zarr2", edit("g/a/.zarray", setting("shape", [-6, 5])), "error", "ZARR2-META-002",
         "g/a/.zarray", "shape[0]"),
    Case("zgroup-extra-key", "zarr2", edit("g/.zgroup", setting("attributes", {})), "error", "ZARR2-META-009",
         "g/.zgroup", "attributes"),
    Case("order-unknown", "zarr2", edit("g/a/.zarray", setting("order", "K")), "error", "ZARR2-META-005",
         "g/a/.zarray", "order"),
    Case("fill-value-missing", "zarr3", edit("g/a/zarr.json", removing("fill_value")), "error",
         "ZARR3-META-002", "g/a/zarr.json", "fill_value"),
    Case("document-not-json", "zarr3", put("g/a/zarr.json", b"{not json"), "error", "CORE-META-001",
         "g/a/zarr.json"),
    Case("codec-unknown", "zarr3", edit("g/a/zarr.json", setting("codecs", [{"name": "unknown"}])), "error",
         "CORE-CODEC-003", "g/a/zarr.json", "codecs[0]"),
    Case("chunk-grid-must-understand-false", "zarr3",
         edit("g/a/zarr.json", setting("chunk_grid", {"name": "regular", "must_understand": False,
                                                      "configuration": {"chunk_shape": [4, 4]}})),
         "error", "ZARR3-GRID-001", "g/a/zarr.json", "chunk_grid.must_understand"),
    Case("block-size-rank", "n5", edit("g/a/attributes.json", setting("blockSize", [4])), "error",
         "N5-META-004", "g/a/attributes.json", "blockSize"),
    Case("n5-reserved-key-in-group", "n5", edit("g/attributes.json", setting("compression", {"type": "raw"})),
         "error", "N5-META-005", "g/attributes.json", "compression"),
    Case("delta-dtype-differs", "zarr2",
         edit("g/a/.zarray", setting("filters", [{"id": "delta", "dtype": "<f8"}])), "error",
         "CODEC-DELTA-002", "g/a/.zarray", "filters[0]"),
    Case("crc32c-location-start", "zarr2",
         edit("g/a/.zarray", setting("compressor", {"id": "crc32c", "location": "start"})), "error",
         "CODEC-CRC32C-003", "g/a/.zarray", "compressor"),
    Case("n5-root-version-5", "n5", edit("attributes.json", setting("n5", "5.0.0")), "error",
         "N5-ROOT-002", "attributes.json", "n5"),
    Case("zarr3-fill-value-null", "zarr3", edit("g/a/zarr.json", setting("fill_value", None)), "error",
         "ZARR3-FILL-001", "g/a/zarr.json", "fill_value"),
    # known deviations: reported once, as deviations
    Case("bare-nan", "zarr3", lambda store: store.values.__setitem__("g/a/zarr.json", bare_nan(store)),
         "deviation", "CORE-META-001", "g/a/zarr.json", options=(("dtype", "float32"),)),
    Case("blosc-shuffle-gdal-word", "zarr2",
         edit("g/a/.zarray", setting("compressor", {"id": "blosc", "cname": "lz4", "clevel": 5,
                                                    "shuffle": "BIT", "blocksize": 0})),
         "deviation", "CODEC-BLOSC-002", "g/a/.zarray", "compressor.shuffle",
         options=(("compressor", Blosc("lz4", 5, "bitshuffle", None)),)),
    Case("blosc-shuffle-other-word", "zarr2",
         edit("g/a/.zarray", setting("compressor", {"id": "blosc", "cname": "lz4", "clevel": 5,
                                                    "shuffle": "bitshuffle", "blocksize": 0})),
         "error", "CODEC-BLOSC-002", "g/a/.zarray", "compressor.shuffle",
         options=(("compressor", Blosc("lz4", 5, "bitshuffle", None)),)),
    Case("bare-nan-fill", "zarr2", lambda store: store.values.__setitem__(
        "g/a/.zarray", store.values["g/a/.zarray"].replace(b'"fill_value": 0.0', b'"fill_value": NaN')),
         "deviation", "ZARR2-FILL-004", "g/a/.zarray", "fill_value", options=(("dtype", "float32"),)),
    Case("number-string-fill", "zarr2", edit("g/a/.zarray", setting("fill_value", "0")),
         "deviation", "ZARR2-FILL-003", "g/a/.zarray", "fill_value"),
    Case("word-string-fill", "zarr2", edit("g/a/.zarray", setting("fill_value", "zero")),
         "error", "ZARR2-FILL-003", "g/a/.zarray", "fill_value"),
    Case("integer-bool-fill-zarr2", "zarr2", edit("g/a/.zarray", setting("fill_value", 1)),
         "deviation", "ZARR2-FILL-002", "g/a/.zarray", "fill_value", options=(("dtype", "bool"),)),
    Case("integer-bool-fill-zarr3", "zarr3", edit("g/a/zarr.json", setting("fill_value", 0)),
         "deviation", "ZARR3-FILL-002", "g/a/zarr.json", "fill_value", options=(("dtype", "bool"),)),
    Case("integer-bool-fill-out-of-range", "zarr3", edit("g/a/zarr.json", setting("fill_value", 2)),
         "error", "ZARR3-FILL-002", "g/a/zarr.json", "fill_value", options=(("dtype", "bool"),)),
    Case("integer-complex-fill", "zarr3", edit("g/a/zarr.json", setting("fill_value", 0)),
         "error", "ZARR3-FILL-005", "g/a/zarr.json", "fill_value", options=(("dtype", "complex64"),)),
    Case("not-a-time-string-fill", "zarr2", edit("g/a/.zarray", setting("fill_value", "NaT")),
         "deviation", "ZARR2-FILL-008", "g/a/.zarray", "fill_value", options=(("dtype", "datetime64[s]"),)),
    Case("null-consolidated-metadata", "zarr3", edit("g/zarr.json", setting("consolidated_metadata", None)),
         "deviation", "ZARR3-META-008", "g/zarr.json", "consolidated_metadata"),
    Case("number-consolidated-metadata", "zarr3", edit("g/zarr.json", setting("consolidated_metadata", 42)),
         "error", "ZARR3-META-008", "g/zarr.json", "consolidated_metadata"),
    Case("blosc-nthreads", "zarr3", edit("g/a/zarr.json", in_codec(1, "nthreads", 4)),
         "deviation", "CORE-CODEC-006", "g/a/zarr.json", "codecs[1].configuration.nthreads",
         options=(("compressor", Blosc("lz4", 5, "shuffle", 4)),)),
    Case("gzip-use-zlib-false", "zarr3", edit("g/a/zarr.json", in_codec(1, "useZlib", False)),
         "deviation", "CORE-CODEC-006", "g/a/zarr.json", "codecs[1].configuration.useZlib"),
    Case("gzip-use-zlib-true", "zarr3", edit("g/a/zarr.json", in_codec(1, "useZlib", True)),
         "error", "CORE-CODEC-006", "g/a/zarr.json", "codecs[1]"),
    Case("integer-fill-written-as-float", "zarr2", edit("g/a/.zarray", setting("fill_value", 3.0)),
         "deviation", "ZARR2-FILL-003", "g/a/.zarray", "fill_value"),
    Case("codec-extra-member", "zarr2",
         edit("g/a/.zarray", setting("compressor", {"id": "gzip", "level": 1, "mtime": 0})),
         "deviation", "ZARR2-CODEC-003", "g/a/.zarray", "compressor.mtime"),
    Case("n5-compression-extra-member", "n5",
         edit("g/a/attributes.json", setting("compression", {"type": "zstd", "level": 3, "checksum": False})),
         "deviation", "N5-CODEC-003", "g/a/attributes.json", "compression.checksum",
         options=(("compressor", Zstd(3)),)),
    Case("n5-compression-type-legacy", "n5",
         lambda store: edit("g/a/attributes.json", removing("compression"))(store)
         or edit("g/a/attributes.json", setting("compressionType", "raw"))(store),
         "deviation", "N5-CODEC-001", "g/a/attributes.json", "compressionType",
         options=(("compressor", None),)),
    Case("group-document-missing-zarr2", "zarr2", delete("g/.zgroup"), "deviation",
         "ZARR2-NODE-001", "g/.zgroup"),
    Case("group-document-missing-zarr3", "zarr3", delete("g/zarr.json"), "deviation",
         "CORE-NODE-007", "g/zarr.json"),
    Case("root-document-missing-zarr3", "zarr3", delete("zarr.json"), "deviation",
         "CORE-NODE-007", "zarr.json"),
    Case("attributes-without-zgroup", "zarr2",
         lambda store: delete("g/.zgroup")(store) or put("g/.zattrs", b'{"a": 1}')(store),
         "deviation", "ZARR2-NODE-001", "g/.zgroup"),
    # SHOULDs
    Case("extra-zarray-member", "zarr2", edit("g/a/.zarray", setting("comment", "hi")), "warning",
         "ZARR2-META-008", "g/a/.zarray", "comment"),
    Case("n5-root-without-version", "n5", edit("attributes.json", removing("n5")), "deviation", "N5-META-001",
         "attributes.json", "n5"),
    Case("n5-root-without-attributes", "n5", delete("attributes.json"), "deviation", "N5-META-001",
         "attributes.json"),
    # keys
    Case("stray-key-in-array", "zarr3", put("g/a/notes.txt", b"x"), "warning", STRAY_KEY, "g/a/notes.txt"),
    Case("chunk-outside-grid", "zarr3", put("g/a/c/2/0", b"x"), "warning", STRAY_KEY, "g/a/c/2/0"),
    Case("chunk-with-leading-zero", "n5", put("g/a/00/0", b"x"), "warning", STRAY_KEY, "g/a/00/0"),
    Case("chunk-with-wrong-separator", "zarr2", put("g/a/1/0", b"x"), "warning", STRAY_KEY, "g/a/1/0"),
    Case("stray-key-in-group", "zarr2", put("g/README", b"x"), "warning", STRAY_KEY, "g/README"),
    Case("node-inside-an-array", "zarr3", put("g/a/b/zarr.json", b'{"zarr_format": 3, "node_type": "group"}'),
         "warning", STRAY_KEY, "g/a/b/zarr.json"),
    Case("several-formats-at-one-node", "zarr3", put(".zgroup", b'{"zarr_format": 2}'), "error",
         "CORE-NODE-005", "/"),
    Case("consolidated-metadata-stale", "zarr2",
         put(".zmetadata", json.dumps({"zarr_consolidated_format": 1,
                                       "metadata": {".zgroup": {"zarr_format": 2}}}).encode()),
         "warning", "ZARR2-CONSOLIDATED-001", ".zmetadata", "metadata"),
    # chunks, decoded with --chunks
    Case("chunk-corrupt", "zarr3", put(CHUNK["zarr3"], b"\x1f\x8b damaged"), "error", "CORE-CODEC-005",
         CHUNK["zarr3"], chunks=True),
    Case("chunk-not-gzip", "zarr3", put(CHUNK["zarr3"], b"not gzip"), "error", "CODEC-GZIP-001",
         CHUNK["zarr3"], chunks=True),
    Case("chunk-wrong-size", "zarr2", put(CHUNK["zarr2"], b"\x00" * 10), "error", "CODEC-BYTES-003",
         CHUNK["zarr2"], chunks=True, options=(("compressor", None),)),
    Case("n5-block-rank", "n5", put(CHUNK["n5"], b"\x00\x00\x00\x01\x00\x00\x00\x04"), "error",
         "N5-BLOCK-003", CHUNK["n5"], chunks=True),
]  # fmt: skip


@pytest.mark.parametrize("format_name", FORMATS)
@pytest.mark.parametrize("chunks", [False, True])
def test_valid_store_reports_nothing(format_name: str, chunks: bool) -> None:
    validation = Validation(build(format_name), chunks=chunks)
    assert list(validation.problems()) == []
    assert validation.formats == [format_name]
    assert validation.counts.nodes == 3 and validation.counts.chunks == 4
    assert validation.counts.decoded == (4 if chunks else 0)


@pytest.mark.parametrize(
    "options",
    [
        {"order": "F", "dimension_separator": "/"},
        {"filters": [Delta("<i4", "<i4")], "compressor": Zstd(3)},
        {"compressor": Blosc("zstd", 3, "shuffle", 4)},
        {"fill_value": None},
    ],
    ids=["order-f", "delta-zstd", "blosc", "fill-undefined"],
)
def test_valid_zarr2_variants_report_nothing(options: dict[str, Any]) -> None:
    assert run(build("zarr2", **options), chunks=True) == []


def test_a_zarr2_crc32c_with_its_checksum_at_the_end_reports_nothing() -> None:
    from zn5.reference.codecs.crc32c import Crc32c

    store = build("zarr2", compressor=Crc32c())
    edit("g/a/.zarray", setting("compressor", {"id": "crc32c", "location": "end"}))(store)
    assert run(store, chunks=True) == []


def test_valid_sharded_zarr3_array_reports_nothing() -> None:
    from zn5.reference.codecs.bytes import BytesCodec
    from zn5.reference.codecs.sharding import Sharding

    codecs = (Sharding((2, 2), (BytesCodec("little"), Gzip(1))),)
    assert run(build("zarr3", codecs=codecs), chunks=True) == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_broken_store_reports_the_broken_requirement(case: Case) -> None:
    store = build(case.format, **dict(case.options))
    case.mutate(store)
    problems = run(store, chunks=case.chunks)
    wanted = [
        p for p in problems if (p.level, p.requirement, p.key) == (case.level, case.requirement, case.key)
    ]
    assert wanted, f"expected {case.level} {case.requirement} at {case.key}; got:\n" + "\n".join(
        map(format_line, problems)
    )
    assert wanted[0].location == case.location
    if case.level == "deviation":
        assert wanted[0].allowed_by, "a deviation names the statement that lets readers read it"
    if case.level != "error":
        assert [p for p in problems if p.level == "error"] == []
    assert len(problems) == len(set(problems)), "a problem is reported twice"


def test_each_known_deviation_is_reported_once() -> None:
    store = build("n5", compressor=None)
    edit("g/a/attributes.json", removing("compression"))(store)
    edit("g/a/attributes.json", setting("compressionType", "raw"))(store)
    assert [(p.level, p.requirement) for p in run(store)] == [("deviation", "N5-CODEC-001")]


def test_chunk_problems_need_the_chunks_flag() -> None:
    store = build("zarr3")
    store.values[CHUNK["zarr3"]] = b"not gzip"
    assert run(store) == []
    assert [p.requirement for p in run(store, chunks=True)] == ["CODEC-GZIP-001"]


def test_every_problem_is_reported_at_once() -> None:
    store = build("zarr3")
    edit("g/a/zarr.json", setting("shape", [-1, 5]))(store)
    edit("g/a/zarr.json", setting("dimension_names", ["y", 1]))(store)
    store.values["g/README"] = b"x"
    del store.values["g/zarr.json"]
    found = {(p.requirement, p.location) for p in run(store)}
    assert {("ZARR3-META-003", "shape[0]"), ("ZARR3-META-006", "dimension_names")} <= found
    assert (STRAY_KEY, "") in found and ("CORE-NODE-007", "") in found


def test_an_unsupported_extension_is_an_error_and_the_schema_still_speaks() -> None:
    store = build("zarr3")
    edit("g/a/zarr.json", setting("codecs", [{"name": "no-such-codec"}]))(store)
    edit("g/a/zarr.json", setting("fill_value", "zero"))(store)
    problems = {(p.level, p.requirement) for p in run(store)}
    assert problems == {("error", "CORE-CODEC-003"), ("error", "ZARR3-FILL-003")}


def test_an_empty_store_is_an_error() -> None:
    assert [(p.key, p.requirement) for p in run(MemoryStore())] == [("/", "CORE-NODE-004")]


def test_the_format_option_ignores_other_formats_metadata() -> None:
    store = build("zarr3")
    store.values["g/.zgroup"] = b'{"zarr_format": 2}'
    assert [p.requirement for p in run(store) if p.level == "error"] == ["CORE-NODE-005"]
    problems = run(store, format_name="zarr3")
    assert [(p.key, p.requirement) for p in problems] == [("g/.zgroup", STRAY_KEY)]
    assert [p.requirement for p in run(store, format_name="n5")] == ["CORE-NODE-004"]

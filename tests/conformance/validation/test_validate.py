"""Tests of ``zn5 validate``: stores built with the reference, broken one way at a time.

Each broken store must report the expected requirement at the expected key and level, and nothing
else at the level ``error``; valid stores report nothing. The command's text and JSON output, its exit
codes and its streaming (one pass over a lazy listing, one chunk at a time) are tested at the end.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from jsonschema import Draft202012Validator

import zn5.reference as zn5
from zn5.conformance.cli import main
from zn5.conformance.generate.case import write_store
from zn5.conformance.suite.resources import sample_stores
from zn5.conformance.validation.report import format_line
from zn5.conformance.validation.schemas import SCHEMA_ROOT
from zn5.conformance.validation.walk import STRAY_KEY, Validation
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.delta import Delta
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.zstd import Zstd
from zn5.reference.errors import Problem
from zn5.reference.formats.documents import dump_json
from zn5.reference.store.base import Store, check_key
from zn5.reference.store.memory import MemoryStore

REPO = Path(__file__).resolve().parents[3]
SAMPLES = sample_stores()
FORMATS = ("zarr2", "zarr3", "n5")
DOCUMENT = {"zarr2": ".zarray", "zarr3": "zarr.json", "n5": "attributes.json"}
GROUP_DOCUMENT = {"zarr2": ".zgroup", "zarr3": "zarr.json", "n5": "attributes.json"}
CHUNK = {"zarr2": "g/a/0.0", "zarr3": "g/a/c/0/0", "n5": "g/a/0/0"}
REPORT_SCHEMA = json.loads((SCHEMA_ROOT / "project" / "validate-report.schema.json").read_text())


def build(format_name: str, **options: Any) -> MemoryStore:
    """A root group with attributes, and an int32 array g/a of shape (6, 5) in chunks (4, 4), all written."""
    store = MemoryStore()
    zn5.create_group(store, format=format_name, attributes={"title": "test"})
    array = zn5.create_array(
        store,
        format=format_name,
        path="g/a",
        shape=(6, 5),
        dtype=options.pop("dtype", "int32"),
        chunks=(4, 4),
        compressor=options.pop("compressor", Gzip(1)),
        **options,
    )
    array[...] = np.arange(30, dtype="int32").reshape(6, 5)
    return store


def run(store: Store, **options: Any) -> list[Problem]:
    return list(Validation(store, **options).problems())


def edit(key: str, change: Callable[[dict[str, Any]], None]) -> Callable[[MemoryStore], None]:
    """A mutation that changes the JSON document at ``key``."""

    def mutate(store: MemoryStore) -> None:
        document = json.loads(store.values[key])
        change(document)
        store.values[key] = dump_json(document)

    return mutate


def setting(member: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document[member] = value

    return change


def removing(member: str) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        del document[member]

    return change


def in_codec(index: int, member: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["codecs"][index].setdefault("configuration", {})[member] = value

    return change


def put(key: str, value: bytes) -> Callable[[MemoryStore], None]:
    def mutate(store: MemoryStore) -> None:
        store.values[key] = value

    return mutate


def delete(key: str) -> Callable[[MemoryStore], None]:
    def mutate(store: MemoryStore) -> None:
        del store.values[key]

    return mutate


def bare_nan(store: MemoryStore) -> bytes:
    """The array's zarr.json with its fill value written as a bare NaN token, as zarrita-py did."""
    document = json.loads(store.values["g/a/zarr.json"])
    document["fill_value"] = float("nan")
    return json.dumps(document).encode()


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


# ----------------------------------------------------------------------------------------------- streaming


class OneShot(Iterator[str]):
    """A key listing that may be iterated once only: a second iteration fails instead of yielding nothing."""

    def __init__(self, keys: Iterator[str]) -> None:
        self.keys = keys
        self.started = False

    def __iter__(self) -> OneShot:
        if self.started:
            raise AssertionError("the listing was iterated twice")
        self.started = True
        return self

    def __next__(self) -> str:
        return next(self.keys)


class LazyStore(Store):
    """A Zarr v3 array of ``count`` one-element uint8 chunks whose keys are made as they are listed."""

    writable = False

    def __init__(self, count: int) -> None:
        self.count = count
        self.listings = 0
        self.listed = -1
        self.document = dump_json(
            {
                "zarr_format": 3,
                "node_type": "array",
                "shape": [count],
                "data_type": "uint8",
                "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [1]}},
                "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
                "fill_value": 0,
                "codecs": [{"name": "bytes"}],
            }
        )

    def _keys(self) -> Iterator[str]:
        yield "zarr.json"
        for index in range(self.count):
            self.listed = index
            yield f"c/{index}"

    def list_prefix(self, prefix: str) -> Iterator[str]:
        assert prefix == "", "validate lists the whole store, once per pass"
        self.listings += 1
        self.listed = -1
        return OneShot(key for key in self._keys() if key.startswith(prefix))

    def get(self, key: str) -> bytes | None:
        check_key(key)
        if key == "zarr.json":
            return self.document
        if key.startswith("c/"):
            index = int(key[2:])
            assert index == self.listed, f"chunk {index} was read while key {self.listed} was being listed"
            return bytes([index % 256])
        return None

    def set(self, key: str, value: bytes) -> None:
        raise AssertionError("validate never writes")

    def delete(self, key: str) -> None:
        raise AssertionError("validate never deletes")


def test_validate_reads_each_chunk_while_it_is_listed() -> None:
    store = LazyStore(500)
    validation = Validation(store, chunks=True)
    assert list(validation.problems()) == []
    assert store.listings == 2
    assert validation.counts.chunks == validation.counts.decoded == 500


def test_validate_memory_does_not_grow_with_the_number_of_keys() -> None:
    small, large = LazyStore(1_000), LazyStore(15_000)
    peaks = []
    for store in (small, large):
        tracemalloc.start()
        validation = Validation(store)
        assert next(validation.problems(), None) is None
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert validation.counts.keys == store.count + 1
    # The 14 000 more keys, held in a list, would take about 900 kB; the walk keeps no key it has checked.
    assert peaks[1] < peaks[0] + 300_000, peaks


# ----------------------------------------------------------------------------------------------- the command


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name)
def test_bundled_samples_are_clean(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(sample), "--chunks"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert "0 errors, 0 warnings, 0 deviations" in lines[0] and "6 chunks, 6 decoded" in lines[0]


def test_text_output_has_one_line_per_problem_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = build("zarr3")
    edit("g/a/zarr.json", setting("shape", [-6, 5]))(store)
    store.values["g/a/c/9/9"] = b"x"
    assert main(["validate", str(write_store(store, tmp_path / "s.zarr"))]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0]
        == "g/a/zarr.json: shape[0]: error: must be an integer of at least 0 (got -6) [ZARR3-META-003]"
    )
    assert lines[-1].endswith("1 error, 0 warnings, 0 deviations; checked 3 nodes, 8 keys, 0 chunks")
    assert len(lines) == 2, "keys of an array whose metadata is broken are not checked"


def test_warnings_and_deviations_alone_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = build("zarr2")
    del store.values["g/.zgroup"]
    store.values["g/a/junk"] = b"x"
    assert main(["validate", str(write_store(store, tmp_path / "s.zarr"))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "g/.zgroup: deviation: the group /g holds /g/a but has no .zgroup "
        "[ZARR2-NODE-001; known deviation CORE-DEVIATION-005]",
        "g/a/junk: warning: is not a chunk key of /g/a (v2 encoding, separator '.', 2 dimensions) "
        "[CORE-KEY-004]",
    ]


def test_nested_keys_without_a_separator_are_stray_with_the_fix_named() -> None:
    store = build("zarr2", dimension_separator="/")
    edit("g/a/.zarray", removing("dimension_separator"))(store)
    problems = [p for p in run(store) if p.key.startswith("g/a/") and p.requirement == STRAY_KEY]
    assert sorted(p.key for p in problems) == ["g/a/0/0", "g/a/0/1", "g/a/1/0", "g/a/1/1"]
    assert all(
        'needs "dimension_separator": "/"' in p.message and "ZARR2-META-013" in p.message for p in problems
    )


def test_strict_fails_on_deviations_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = build("zarr2")
    edit("g/a/.zarray", setting("fill_value", "0"))(store)
    path = str(write_store(store, tmp_path / "s.zarr"))
    assert main(["validate", path]) == 0
    assert main(["validate", path, "--strict"]) == 1
    capsys.readouterr()
    assert main(["validate", path, "--strict", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert list(Draft202012Validator(REPORT_SCHEMA).iter_errors(report)) == []
    assert [(p["level"], p["requirement"], p.get("allowed_by")) for p in report["problems"]] == [
        ("deviation", "ZARR2-FILL-003", "CORE-DEVIATION-008")
    ]


def test_json_output_follows_its_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = build("n5")
    store.values[CHUNK["n5"]] = b"\x00"
    store.values["g/a/9/9"] = b"x"
    path = write_store(store, tmp_path / "s.n5")
    assert main(["validate", str(path), "--json", "--chunks", "--format", "n5"]) == 1
    report = json.loads(capsys.readouterr().out)
    Draft202012Validator.check_schema(REPORT_SCHEMA)
    assert list(Draft202012Validator(REPORT_SCHEMA).iter_errors(report)) == []
    assert report["store"] == str(path) and report["formats"] == ["n5"] and report["valid"] is False
    assert report["counts"] == {"error": 1, "warning": 1, "deviation": 0}
    assert report["checked"] == {"nodes": 3, "keys": 8, "chunks": 4, "decoded": 3}
    assert {(p["key"], p["level"], p["requirement"]) for p in report["problems"]} == {
        ("g/a/0/0", "error", "N5-BLOCK-003"),
        ("g/a/9/9", "warning", STRAY_KEY),
    }


def test_json_output_of_a_clean_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SAMPLES[0]), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(Draft202012Validator(REPORT_SCHEMA).iter_errors(report)) == []
    assert report["valid"] is True and report["problems"] == [] and report["chunks_decoded"] is False


def test_a_missing_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nothing")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_a_directory_without_metadata_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["validate", str(tmp_path / "empty")]) == 1
    assert "[CORE-NODE-004]" in capsys.readouterr().out


def test_a_zip_store_is_validated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from zn5.reference.store.zip import ZipStore

    path = tmp_path / "s.zip"
    target = ZipStore(path, "w")
    for key, value in build("zarr3").values.items():
        target.set(key, value)
    target.close()
    assert main(["validate", str(path), "--chunks"]) == 0
    assert "4 chunks, 4 decoded" in capsys.readouterr().out

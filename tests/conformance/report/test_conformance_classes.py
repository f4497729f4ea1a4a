"""Project tests of the conformance classes (spec/conformance-classes.md).

A claim is what a run's report says about each profile: whether the adapter claims it (declares its
tokens) and whether the claim holds (``summary.profiles`` of report.json). These requirements bind the
runner, its reports and the corpus's profiles, not the formats, so no corpus case can test them: the
tests below run the tiny corpus through in-process adapters that go wrong in chosen ways, and check the
profiles of the committed corpus.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from zn5.conformance.adapters import array_result, rejected, selection_key
from zn5.conformance.adapters.reference import ReferenceAdapter
from zn5.conformance.execution.connection import InProcessConnection
from zn5.conformance.execution.expectations import Entry, Expectations
from zn5.conformance.execution.runner import Runner, RunOptions, RunResult
from zn5.conformance.generate import VERSION
from zn5.conformance.report.run import (
    VERDICT_LEGEND,
    build_report,
    print_summary,
    profile_summaries,
    render_markdown,
)
from zn5.conformance.suite.case import Corpus, Profile
from zn5.reference import open_array

from ..corpus_fixtures import PROFILES

SPEC_VERSION = Path(__file__).resolve().parents[3] / "spec" / "VERSION"
MUSTS = ("MUST", "MUST NOT")


def run(corpus: Path, adapter: ReferenceAdapter, expectations: Expectations | None = None) -> RunResult:
    options = RunOptions(jobs=1, timeout=30.0, startup_timeout=30.0)
    return Runner(Corpus.load(corpus), lambda: InProcessConnection(adapter), expectations, options).run(())


def verdicts(result: RunResult) -> dict[str, tuple[bool, bool]]:
    """``(claimed, conformant)`` per profile."""
    return {
        summary["name"]: (summary["claimed"], summary["conformant"]) for summary in profile_summaries(result)
    }


class Misbehaving(ReferenceAdapter):
    """The reference, except where ``mode`` says otherwise."""

    def __init__(self, corpus: Path, mode: str) -> None:
        super().__init__(corpus / "capabilities.json")
        self.mode = mode

    @property
    def format_gaps(self) -> Mapping[tuple[str, str], str]:  # type: ignore[override]
        if self.mode == "gzip-only-in-zarr2":
            return {("zarr3", "codec:gzip"): "gzip is a Zarr v2 compressor only here"}
        return {}

    def capabilities(self) -> list[str]:
        tokens = super().capabilities()
        if self.mode == "zarr2-only":
            return [token for token in tokens if token not in ("format:zarr3", "format:n5")]
        if self.mode == "gzip-undeclared":
            return [token for token in tokens if token != "codec:gzip"]
        return tokens

    def run_case(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
        kind, mode = case["kind"], self.mode
        if mode == "accept-rejects" and kind == "reject":
            return array_result(np.zeros((4, 4), dtype="<i2"), output, "int16")
        if mode == "zarr3-zeros" and kind == "read" and case["format"] == "zarr3":
            return array_result(np.zeros((5, 7), dtype="<i2"), output, "int16")
        if mode == "gzip-declared-not-implemented" and "codec:gzip" in case["requires"] and kind != "write":
            return rejected("unsupported", "open", "gzip is not implemented after all")
        if mode == "n5-reversed" and kind == "read" and case["format"] == "n5":
            array = open_array(input / case["input"]["store"], path=case["input"]["node"], format="n5")
            values = np.asarray(array[...]).T[selection_key(case["operation"]["selection"])]
            return array_result(values, output, array.model.data_type.name)
        if mode == "unreadable-writes" and kind == "write":
            store = output / "store"
            (store / "array").mkdir(parents=True)
            (store / "array" / ".zarray").write_text('{"zarr_format": 2, "shape": "unreadable"}')
            (store / "array" / "attributes.json").write_text('{"dimensions": "unreadable"}')
            return {"status": "ok", "result": {"store": "store"}}
        return super().run_case(case, input, output)


# CONF-CLASS-001: what a claim names.


@pytest.mark.req("CONF-CLASS-001")
def test_a_report_names_each_profile_the_declared_capabilities_and_the_corpus_version(
    tiny_corpus: Path,
) -> None:
    adapter = Misbehaving(tiny_corpus, "zarr2-only")
    report = build_report(run(tiny_corpus, adapter))
    profiles = {summary["name"]: summary for summary in report["summary"]["profiles"]}
    assert set(profiles) == set(PROFILES)
    claimed = {name for name, summary in profiles.items() if summary["claimed"]}
    assert claimed == {"zarr2-reader", "zarr2-writer", "cross-format"}
    assert report["capabilities"] == sorted(adapter.capabilities())
    assert report["corpus"]["version"] == Corpus.load(tiny_corpus).version
    assert report["corpus"]["digest"] == Corpus.load(tiny_corpus).digest


@pytest.mark.req("CONF-CLASS-001")
def test_the_corpus_version_names_the_spec_version_it_tests() -> None:
    """A claim names the spec's MAJOR.MINOR through the corpus version (DECISIONS.md section 3)."""
    spec = SPEC_VERSION.read_text(encoding="utf-8").strip().split(".")
    corpus = Corpus.load().version
    assert corpus == VERSION
    assert corpus.split(".")[:2] == spec[:2]


# CONF-CLASS-002: when a claim holds.


@pytest.mark.req("CONF-CLASS-002")
def test_a_claim_holds_when_every_must_case_of_the_profile_passes(tiny_corpus: Path) -> None:
    found = verdicts(run(tiny_corpus, ReferenceAdapter(tiny_corpus / "capabilities.json")))
    assert found == dict.fromkeys(PROFILES, (True, True))


@pytest.mark.req("CONF-CLASS-002")
def test_a_profile_is_not_claimed_without_its_required_capabilities(tiny_corpus: Path) -> None:
    result = run(tiny_corpus, Misbehaving(tiny_corpus, "gzip-undeclared"))
    assert {case.id: case.outcome for case in result.results}["zarr3/read/int16-gzip"] == "unsupported"
    assert result.passed
    summary = {item["name"]: item for item in profile_summaries(result)}["zarr3-reader"]
    assert (summary["claimed"], summary["missing"], summary["conformant"]) == (False, ["codec:gzip"], False)
    assert verdicts(result)["zarr2-reader"] == (True, True)
    terminal = io.StringIO()
    print_summary(build_report(result), stream=terminal)
    assert "zarr3-reader" in terminal.getvalue() and "(lacks codec:gzip)" in terminal.getvalue()
    assert "| zarr3-reader | not claimed (lacks `codec:gzip`) |" in render_markdown(build_report(result))


@pytest.mark.req("CONF-CLASS-002")
@pytest.mark.req("PROTO-004")
def test_a_capability_lacking_in_one_format_leaves_that_formats_cases_unsupported(tiny_corpus: Path) -> None:
    adapter = Misbehaving(tiny_corpus, "gzip-only-in-zarr2")
    result = run(tiny_corpus, adapter)
    outcomes = {case.id: case.outcome for case in result.results}
    assert outcomes["zarr3/read/int16-gzip"] == "unsupported"
    assert outcomes["zarr2/write/int32-gzip"] == "pass"
    assert result.passed
    report = build_report(result)
    assert report["format_gaps"] == {"zarr3": ["codec:gzip"]}
    summary = {item["name"]: item for item in report["summary"]["profiles"]}
    assert (summary["zarr3-reader"]["claimed"], summary["zarr3-reader"]["missing"]) == (False, ["codec:gzip"])
    assert summary["zarr2-reader"]["claimed"]


@pytest.mark.req("CONF-CLASS-002")
def test_one_failing_case_breaks_the_claim_of_its_profiles_only(tiny_corpus: Path) -> None:
    found = verdicts(run(tiny_corpus, Misbehaving(tiny_corpus, "zarr3-zeros")))
    assert found["zarr3-reader"] == (True, False)
    assert {name: verdict for name, verdict in found.items() if name != "zarr3-reader"} == {
        name: (True, True) for name in PROFILES if name != "zarr3-reader"
    }


@pytest.mark.req("CONF-CLASS-002")
def test_accepting_the_input_of_a_reject_case_breaks_the_claim(tiny_corpus: Path) -> None:
    result = run(tiny_corpus, Misbehaving(tiny_corpus, "accept-rejects"))
    outcomes = {case.id: case.outcome for case in result.results}
    assert outcomes["zarr3/reject/corrupt-chunk"] == outcomes["zarr2/reject/shape-string"] == "missed-reject"
    found = verdicts(result)
    assert found["zarr2-reader"] == found["zarr3-reader"] == (True, False)


@pytest.mark.req("CONF-CLASS-002")
def test_an_expected_failure_breaks_the_claim_though_the_run_passes(tiny_corpus: Path) -> None:
    entry = Entry("zarr3/read/*", "xfail", "reads gzip chunks as zeros", "not filed")
    expectations = Expectations("zn5-reference", "0.1.0", None, (entry,))
    result = run(tiny_corpus, Misbehaving(tiny_corpus, "zarr3-zeros"), expectations)
    assert result.passed
    assert verdicts(result)["zarr3-reader"] == (True, False)


# CONF-CLASS-003: declared capabilities are held to, and SHOULD and MAY cases do not count.


@pytest.mark.req("CONF-CLASS-003")
def test_a_declared_capability_is_run_and_a_refusal_of_it_is_a_failure(tiny_corpus: Path) -> None:
    result = run(tiny_corpus, Misbehaving(tiny_corpus, "gzip-declared-not-implemented"))
    outcomes = {case.id: case.outcome for case in result.results}
    assert outcomes["zarr3/read/int16-gzip"] == "wrong-reject"
    assert not result.passed
    assert verdicts(result)["zarr3-reader"] == (True, False)


@pytest.mark.req("CONF-CLASS-003")
@pytest.mark.parametrize("level", ["SHOULD", "SHOULD NOT", "MAY"])
def test_results_of_should_and_may_cases_are_not_counted_into_a_verdict(
    tiny_corpus: Path, level: str
) -> None:
    result = run(tiny_corpus, Misbehaving(tiny_corpus, "zarr3-zeros"))
    weaker = replace(
        result,
        results=[replace(case, level=level) if case.outcome != "pass" else case for case in result.results],
    )
    assert any(case.outcome == "fail" for case in weaker.results)
    assert verdicts(weaker)["zarr3-reader"] == (True, True)
    summary = {item["name"]: item for item in profile_summaries(weaker)}["zarr3-reader"]
    assert summary["outcomes"]["fail"] == 1


# The profiles of each format, on the committed corpus and through the runner.


@functools.cache
def committed() -> Corpus:
    """The committed corpus."""
    return Corpus.load()


def profile(name: str) -> Profile:
    """A profile of the committed corpus's capabilities.json."""
    return next(item for item in committed().profiles if item.name == name)


READER_WRITER = {
    "zarr2": ("zarr2-reader", "zarr2-writer"),
    "zarr3": ("zarr3-reader-core", "zarr3-writer-core"),
    "n5": ("n5-reader", "n5-writer"),
}
# The required capabilities of spec/conformance-classes.md, as capability tokens (N5's "/"-separated
# block keys are the v2 encoding with "/").
REQUIRED = {
    "zarr2": {
        "dtype:bool",
        *(f"dtype:{kind}{bits}" for kind in ("int", "uint") for bits in (8, 16, 32, 64)),
        "dtype:float32",
        "dtype:float64",
        *(f"codec:{name}" for name in ("bytes", "transpose", "gzip", "numcodecs.zlib", "blosc", "zstd")),
        "chunk-key:v2-dot",
        "chunk-key:v2-slash",
    },
    "zarr3": {
        "dtype:bool",
        *(f"dtype:{kind}{bits}" for kind in ("int", "uint") for bits in (8, 16, 32, 64)),
        "dtype:float32",
        "dtype:float64",
        *(f"codec:{name}" for name in ("bytes", "transpose", "gzip", "blosc", "zstd", "crc32c")),
        *(f"chunk-key:{name}-{separator}" for name in ("default", "v2") for separator in ("slash", "dot")),
    },
    "n5": {
        *(f"dtype:{kind}{bits}" for kind in ("int", "uint") for bits in (8, 16, 32, 64)),
        "dtype:float32",
        "dtype:float64",
        *(
            f"codec:{name}"
            for name in ("n5.block", "gzip", "numcodecs.zlib", "numcodecs.bz2", "numcodecs.lzma")
        ),
        "codec:n5.lz4",
        "chunk-key:v2-slash",
    },
}


@pytest.mark.req("CONF-ZARR2-001")
@pytest.mark.req("CONF-ZARR3-001")
@pytest.mark.req("CONF-N5-001")
@pytest.mark.parametrize("format_name", READER_WRITER)
def test_a_formats_reader_and_writer_profiles_cover_all_its_must_cases(format_name: str) -> None:
    reader, writer = (profile(name) for name in READER_WRITER[format_name])
    for case in committed().cases:
        if case.format != format_name or case.level not in MUSTS:
            continue
        if case.kind in ("read", "reject"):
            assert reader.covers(case), case.id
        if case.kind == "write":
            assert writer.covers(case), case.id
    assert any(case.kind == "write" and writer.covers(case) for case in committed().cases)


@pytest.mark.req("CONF-ZARR2-001")
@pytest.mark.req("CONF-ZARR3-001")
@pytest.mark.req("CONF-N5-001")
@pytest.mark.parametrize("format_name", READER_WRITER)
def test_a_claim_of_a_formats_profiles_needs_the_required_capabilities_of_the_table(format_name: str) -> None:
    for name in READER_WRITER[format_name]:
        claim = profile(name)
        assert claim.capabilities - claim.requires == REQUIRED[format_name], name


@pytest.mark.req("CONF-ZARR2-001")
@pytest.mark.req("CONF-ZARR3-001")
@pytest.mark.req("CONF-N5-001")
@pytest.mark.parametrize("format_name", READER_WRITER)
def test_every_required_capability_has_must_cases_in_the_reader_profile(format_name: str) -> None:
    reader = profile(READER_WRITER[format_name][0])
    tested = {
        token
        for case in committed().cases
        if reader.covers(case) and case.level in MUSTS
        for token in case.requires
    }
    assert REQUIRED[format_name] - tested == set()


@pytest.mark.req("CONF-ZARR2-001")
@pytest.mark.req("CONF-N5-001")
def test_a_written_store_the_reference_cannot_read_breaks_the_writer_claim(tiny_corpus: Path) -> None:
    result = run(tiny_corpus, Misbehaving(tiny_corpus, "unreadable-writes"))
    writes = [case for case in result.results if case.kind == "write"]
    assert {case.format for case in writes} == {"zarr2", "n5"}
    assert all(case.outcome == "fail" for case in writes)
    assert all("the written metadata breaks the spec" in case.message for case in writes)
    found = verdicts(result)
    assert found["zarr2-writer"] == found["n5-writer"] == (True, False)


@pytest.mark.req("CONF-N5-001")
def test_n5_cases_expect_the_declared_axis_order() -> None:
    checked = 0
    for case in committed().cases:
        if case.format != "n5" or case.kind != "read" or case.operation["selection"] is not None:
            continue
        node = case.input["node"].strip("/")
        attributes = case.folder / case.input["store"] / node / "attributes.json"
        expected = json.loads((case.folder / case.expect["array"]).read_text(encoding="utf-8"))
        assert expected["shape"] == json.loads(attributes.read_text(encoding="utf-8"))["dimensions"], case.id
        checked += 1
    assert checked > 50


@pytest.mark.req("CONF-N5-001")
def test_a_reader_that_shows_n5_axes_reversed_breaks_the_claim(tiny_corpus: Path) -> None:
    result = run(tiny_corpus, Misbehaving(tiny_corpus, "n5-reversed"))
    assert {case.id: case.outcome for case in result.results}["n5/read/uint8-index"] == "fail"
    assert verdicts(result)["n5-reader"] == (True, False)


@pytest.mark.req("CONF-ZARR3-002")
def test_a_claim_of_sharding_is_a_claim_of_the_zarr3_reader_core() -> None:
    sharding, core = profile("zarr3-sharding"), profile("zarr3-reader-core")
    assert core.requires < sharding.requires
    assert sharding.kinds == core.kinds
    in_scope = [case for case in committed().cases if sharding.covers(case)]
    assert in_scope and all(core.covers(case) for case in in_scope)


@pytest.mark.req("CONF-ZARR3-002")
def test_the_sharding_profile_tests_both_index_locations() -> None:
    sharding = profile("zarr3-sharding")
    locations = set()
    for case in committed().cases:
        if not sharding.covers(case) or case.kind != "read" or case.level not in MUSTS:
            continue
        store = case.folder / case.input["store"]
        document = json.loads((store / case.input["node"] / "zarr.json").read_text(encoding="utf-8"))
        for codec in document["codecs"]:
            if codec["name"] == "sharding_indexed":
                locations.add(codec["configuration"].get("index_location", "end"))
    assert locations == {"start", "end"}


# CONF-CLASS-004: one list of profiles, in the spec and in capabilities.json.

SPEC_CHAPTER = Path(__file__).resolve().parents[3] / "spec" / "conformance-classes.md"


def _spec_table(heading: str) -> list[list[str]]:
    """The rows of the first table after the line ``heading``, each a list of cell texts."""
    lines = SPEC_CHAPTER.read_text(encoding="utf-8").splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(heading))
    rows = []
    for line in lines[start:]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
        elif rows:
            break
    return rows[2:]


def _tokens(cell: str) -> set[str]:
    return {token.strip("`") for token in cell.split()} - {"—"}


@pytest.mark.req("CONF-CLASS-004")
def test_the_spec_lists_the_profiles_of_capabilities_json_with_their_tokens() -> None:
    required = {
        row[0].strip("`"): _tokens(row[1]) for row in _spec_table("| format | required capabilities |")
    }
    spec = {}
    for name, kinds, scope, needs, builds_on in _spec_table("| profile | kinds | scope |"):
        tokens = _tokens(scope)
        spec[name.strip("`")] = (
            frozenset(kinds.replace(",", " ").split()),
            tokens,
            tokens | required.get(needs.strip("`"), set()),
            None if builds_on == "—" else builds_on.strip("`"),
        )
    corpus = {
        item.name: (item.kinds, set(item.requires), set(item.capabilities), item.builds_on)
        for item in committed().profiles
    }
    assert spec == corpus
    assert set(corpus) == {row[0].strip("`") for row in _spec_table("| profile | role |")}


# CONF-CLASS-005: a profile that builds on another carries its verdict.


def _run_with_profiles(corpus: Path, adapter: ReferenceAdapter, *profiles: Profile) -> RunResult:
    options = RunOptions(jobs=1, timeout=30.0, startup_timeout=30.0)
    loaded = replace(Corpus.load(corpus), profiles=profiles)
    return Runner(loaded, lambda: InProcessConnection(adapter), None, options).run(())


@pytest.mark.req("CONF-CLASS-005")
@pytest.mark.parametrize(("mode", "base_conformant"), [("honest", True), ("zarr3-zeros", False)])
def test_a_profile_is_conformant_only_with_the_profile_it_builds_on(
    tiny_corpus: Path, mode: str, base_conformant: bool
) -> None:
    base = Profile("zarr3-reader", frozenset({"format:zarr3", "op:read"}), frozenset({"read", "reject"}))
    dependent = Profile(
        "zarr3-metadata",
        frozenset({"format:zarr3", "op:metadata"}),
        frozenset({"metadata"}),
        builds_on="zarr3-reader",
    )
    alone = replace(dependent, name="zarr3-metadata-alone", builds_on=None)
    result = _run_with_profiles(tiny_corpus, Misbehaving(tiny_corpus, mode), base, dependent, alone)
    found = verdicts(result)
    assert found["zarr3-metadata-alone"] == (True, True)
    assert found["zarr3-reader"] == found["zarr3-metadata"] == (True, base_conformant)
    terminal = io.StringIO()
    print_summary(build_report(result), stream=terminal)
    said = next(line for line in terminal.getvalue().splitlines() if "zarr3-metadata " in line)
    assert ("(zarr3-reader is not conformant)" in said) is not base_conformant


# CONF-CLASS-006: verdict words, and what a selection leaves out.


@pytest.mark.req("CONF-CLASS-006")
def test_verdicts_read_not_claimed_claimed_or_conformant_and_a_selection_is_named(tiny_corpus: Path) -> None:
    options = RunOptions(jobs=1, timeout=30.0, startup_timeout=30.0)
    adapter = Misbehaving(tiny_corpus, "gzip-undeclared")
    runner = Runner(Corpus.load(tiny_corpus), lambda: InProcessConnection(adapter), None, options)
    report = build_report(runner.run(("zarr2/*",)))
    terminal = io.StringIO()
    print_summary(report, stream=terminal)
    lines = terminal.getvalue().splitlines()
    words = {line.split()[0]: line for line in lines if line.startswith("  ") and "-" in line.split()[0]}
    assert "conformant" in words["zarr2-reader"]
    assert "not claimed" in words["zarr3-reader"]
    assert "claimed, no case run" in words["n5-reader"]
    assert not any("not conformant" in line for line in lines)
    assert any(VERDICT_LEGEND in line for line in lines)
    assert any(line.strip().startswith("note: --select zarr2/* ran ") for line in lines)
    markdown = render_markdown(report)
    assert "| n5-reader | claimed, no case run |" in markdown
    assert VERDICT_LEGEND in markdown and "Note: --select zarr2/* ran " in markdown

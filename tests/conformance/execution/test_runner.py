"""The runner against fake adapters: every misbehaviour is scored, and the runner never raises."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from zn5.conformance.adapters import array_result
from zn5.conformance.adapters.reference import ReferenceAdapter
from zn5.conformance.execution.connection import Connection, InProcessConnection, SubprocessConnection
from zn5.conformance.execution.expectations import Entry, Expectations
from zn5.conformance.execution.runner import AdapterStartError, Runner, RunOptions, RunResult
from zn5.conformance.execution.scoring import json_differences
from zn5.conformance.suite.case import Corpus, CorpusError

from ..conftest import Fake
from ..corpus_fixtures import build_corpus, tree_hash


def run(
    corpus: Path,
    connection: list[str] | Any,
    *,
    timeout: float = 10.0,
    jobs: int = 1,
    select: tuple[str, ...] = (),
    expectations: Expectations | None = None,
    startup_timeout: float = 30.0,
    scratch: Path | None = None,
) -> RunResult:
    """Run a corpus through a command line or an in-process adapter object."""

    def connect() -> Connection:
        if isinstance(connection, list):
            return SubprocessConnection(connection)
        return InProcessConnection(connection)

    options = RunOptions(jobs=jobs, timeout=timeout, startup_timeout=startup_timeout, scratch=scratch)
    return Runner(Corpus.load(corpus), connect, expectations, options).run(select)


def outcomes(result: RunResult) -> dict[str, str]:
    return {case.id: case.outcome for case in result.results}


def reference(corpus: Path) -> ReferenceAdapter:
    return ReferenceAdapter(corpus / "capabilities.json")


# The reference passes, in process and as a process.


def test_reference_in_process_passes_every_case(tiny_corpus: Path) -> None:
    result = run(tiny_corpus, reference(tiny_corpus))
    assert set(outcomes(result).values()) == {"pass"}, [(r.id, r.message) for r in result.results]
    assert result.passed
    assert len(result.results) == len(Corpus.load(tiny_corpus).cases)
    assert all(r.precise is True for r in result.results if r.kind == "reject")


@pytest.mark.req("PROTO-001")
def test_correct_subprocess_adapter_passes_with_two_jobs(tiny_corpus: Path, fake: Fake) -> None:
    result = run(tiny_corpus, fake("correct"), jobs=2)
    assert set(outcomes(result).values()) == {"pass"}, [(r.id, r.message) for r in result.results]
    assert result.hello.implementation.name == "zn5-reference"


# Crashes, hangs and broken messages.


@pytest.mark.req("PROTO-013")
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_crash_is_attributed_to_its_case_and_the_adapter_restarts(
    tiny_corpus: Path, fake: Fake, jobs: int
) -> None:
    result = run(tiny_corpus, fake("crash", "zarr2/read/*"), jobs=jobs)
    found = outcomes(result)
    assert found.pop("zarr2/read/float64-slice") == "crash"
    assert set(found.values()) == {"pass"}
    crashed = next(r for r in result.results if r.outcome == "crash")
    assert "exited with code 3" in crashed.message
    assert "crashing on zarr2/read/float64-slice" in crashed.stderr
    assert not result.passed


@pytest.mark.req("PROTO-013")
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_hang_times_out_and_the_next_case_runs(tiny_corpus: Path, fake: Fake, jobs: int) -> None:
    started = time.perf_counter()
    result = run(tiny_corpus, fake("hang", "n5/read/*"), timeout=0.5, jobs=jobs)
    found = outcomes(result)
    assert found.pop("n5/read/uint8-index") == "timeout"
    assert set(found.values()) == {"pass"}
    hung = next(r for r in result.results if r.outcome == "timeout")
    assert "no reply within 0.5 s" in hung.message
    assert "hanging on n5/read/uint8-index" in hung.stderr
    assert time.perf_counter() - started < 20


@pytest.mark.req("PROTO-014")
@pytest.mark.parametrize("jobs", [1, 2])
def test_the_restart_budget_scores_the_rest_at_once(tiny_corpus: Path, fake: Fake, jobs: int) -> None:
    started = time.perf_counter()
    result = run(tiny_corpus, fake("hang"), timeout=0.5, jobs=jobs)
    kinds = [r.outcome for r in result.results]
    ran = [r for r in result.results if "not run" not in r.message]
    assert 3 <= len(ran) <= 3 + jobs * 2, "at most the cases already queued at a worker run after the third"
    assert {r.outcome for r in ran} == {"timeout"}
    assert set(kinds) == {"timeout", "crash"}
    assert len(ran) < len(kinds)
    assert time.perf_counter() - started < len(ran) * 0.5 + 15


def test_two_jobs_give_the_results_of_one_in_corpus_order(tiny_corpus: Path) -> None:
    one, two = (run(tiny_corpus, reference(tiny_corpus), jobs=jobs) for jobs in (1, 2))
    assert [(r.id, r.outcome, r.message) for r in two.results] == [
        (r.id, r.outcome, r.message) for r in one.results
    ]
    assert two.ready is not None and two.started <= two.ready <= two.finished


@pytest.mark.req("PROTO-013")
def test_a_worker_process_that_dies_costs_one_case(tiny_corpus: Path) -> None:
    class DiesOnAZarr2Read(ReferenceAdapter):
        def handle(self, message: dict[str, Any]) -> dict[str, Any] | None:
            if message.get("cmd") == "run" and message["case"]["id"] == "zarr2/read/float64-slice":
                os._exit(9)  # an in-process library that takes its process down with it
            return super().handle(message)

    result = run(tiny_corpus, DiesOnAZarr2Read(tiny_corpus / "capabilities.json"), jobs=2)
    found = outcomes(result)
    assert found.pop("zarr2/read/float64-slice") == "crash"
    assert set(found.values()) == {"pass"}
    died = next(r for r in result.results if r.outcome == "crash")
    assert "worker process died on this case (exit 9)" in died.message


@pytest.mark.req("PROTO-014")
def test_the_budget_counts_consecutive_failures_only(tiny_corpus: Path) -> None:
    class CrashOnReads(ReferenceAdapter):
        def handle(self, message: dict[str, Any]) -> dict[str, Any] | None:
            if message.get("cmd") == "run" and "/read/" in message["case"]["id"]:
                raise SystemError("crash")
            return super().handle(message)

    result = run(tiny_corpus, CrashOnReads(tiny_corpus / "capabilities.json"))
    assert [r.outcome for r in result.results if "/read/" in r.id] == ["crash"] * 3
    assert {r.outcome for r in result.results if "/read/" not in r.id} == {"pass"}


@pytest.mark.req("PROTO-002")
@pytest.mark.parametrize("script", ["garbage", "wrong_seq"])
def test_a_broken_reply_is_an_adapter_error_and_the_adapter_restarts(
    tiny_corpus: Path, fake: Fake, script: str
) -> None:
    result = run(tiny_corpus, fake(script, "zarr3/metadata/*"))
    found = outcomes(result)
    assert found.pop("zarr3/metadata/uint16-attributes") == "adapter-error"
    assert set(found.values()) == {"pass"}
    broken = next(r for r in result.results if r.outcome == "adapter-error")
    assert ("not a JSON line" in broken.message) if script == "garbage" else ("answers seq" in broken.message)


@pytest.mark.req("PROTO-002")
def test_a_reply_that_fails_its_schema_is_an_adapter_error(tiny_corpus: Path, fake: Fake) -> None:
    result = run(tiny_corpus, fake("invalid_reply"), select=("zarr3/read/*", "zarr2/read/*"))
    assert list(outcomes(result).values()) == ["adapter-error"] * 2
    assert "invalid run-reply" in result.results[0].message


class Replies(ReferenceAdapter):
    """An in-process adapter whose replies go wrong in a chosen way."""

    def __init__(self, corpus: Path, mode: str) -> None:
        super().__init__(corpus / "capabilities.json")
        self.mode = mode

    def capabilities(self) -> list[str]:
        tokens = super().capabilities()
        if self.mode == "zarr2-only":
            return [token for token in tokens if token not in ("format:zarr3", "format:n5")]
        return tokens

    def run_case(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
        if self.mode == "escape":
            reply = super().run_case(case, input, output)
            reply["result"]["array"] = "../input/case.json"
            return reply
        if self.mode == "absolute-escape":
            reply = super().run_case(case, input, output)
            reply["result"]["array"] = str(input / "case.json")
            return reply
        if self.mode == "missing":
            return {"status": "ok", "result": {"array": "nowhere/array.json"}}
        if self.mode == "node-for-array":
            return {"status": "ok", "result": {"node": {"node_type": "group", "attributes": {}}}}
        if self.mode == "skip":
            return {"status": "skipped", "reason": "this library cannot take stepped slices"}
        if self.mode == "error":
            raise RuntimeError("the glue broke")
        if self.mode == "zeros" and case["operation"]["op"] == "read" and "stores" not in case["input"]:
            return array_result(np.zeros((2, 2), dtype="<i2"), output, "int16")
        return super().run_case(case, input, output)


@pytest.mark.req("PROTO-008")
@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("escape", "outside the output folder"),
        ("absolute-escape", "outside the output folder"),
        ("missing", "no file"),
        ("node-for-array", "needs an array result"),
    ],
)
def test_a_result_outside_output_missing_or_of_another_kind_is_an_adapter_error(
    tiny_corpus: Path, mode: str, words: str
) -> None:
    result = run(tiny_corpus, Replies(tiny_corpus, mode), select=("zarr3/read/*",))
    assert [(r.outcome, words in r.message) for r in result.results] == [("adapter-error", True)]


@pytest.mark.req("PROTO-011")
def test_skips_and_adapter_errors_are_kept_apart(tiny_corpus: Path) -> None:
    skipped = run(tiny_corpus, Replies(tiny_corpus, "skip"), select=("zarr2/read/*",))
    assert list(outcomes(skipped).values()) == ["skipped"]
    assert skipped.results[0].message == "this library cannot take stepped slices"
    assert skipped.passed
    errors = run(tiny_corpus, Replies(tiny_corpus, "error"), select=("zarr2/read/*",))
    assert list(outcomes(errors).values()) == ["adapter-error"]
    assert "RuntimeError: the glue broke" in errors.results[0].message
    assert "Traceback" in errors.results[0].detail
    assert not errors.passed


@pytest.mark.req("PROTO-003")
@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("protocol", "speaks protocol 2"),
        ("garbage", "not a JSON line"),
        ("exit", "exited with code 1"),
        ("incomplete", "invalid hello-reply"),
        ("silent", "no reply within 1 s"),
    ],
)
def test_an_adapter_that_fails_hello_stops_the_run(
    tiny_corpus: Path, fake: Fake, mode: str, words: str
) -> None:
    with pytest.raises(AdapterStartError, match=words):
        run(tiny_corpus, fake("bad_hello", mode), startup_timeout=1.0)


def test_a_command_that_does_not_exist_stops_the_run(tiny_corpus: Path) -> None:
    with pytest.raises(AdapterStartError, match="cannot start"):
        run(tiny_corpus, ["/nonexistent/adapter"])


# Scoring.


@pytest.mark.req("PROTO-009")
@pytest.mark.req("PROTO-012")
def test_rejecting_everything(tiny_corpus: Path, fake: Fake) -> None:
    result = run(tiny_corpus, fake("reject_all"))
    by_id = {r.id: r for r in result.results}
    assert by_id["zarr2/reject/shape-string"].outcome == "pass"
    assert by_id["zarr2/reject/shape-string"].precise is True
    assert by_id["zarr3/reject/corrupt-chunk"].outcome == "pass"
    assert by_id["zarr3/reject/corrupt-chunk"].precise is False
    assert "expected a chunk error" in by_id["zarr3/reject/corrupt-chunk"].message
    others = {r.outcome for r in result.results if r.kind != "reject"}
    assert others == {"wrong-reject"}


@pytest.mark.req("PROTO-012")
def test_wrong_values_fail_and_accepted_faults_are_missed_rejects(tiny_corpus: Path) -> None:
    found = outcomes(run(tiny_corpus, Replies(tiny_corpus, "zeros")))
    assert found["zarr3/read/int16-gzip"] == "fail"
    assert found["zarr2/read/float64-slice"] == "fail"
    assert found["zarr3/reject/corrupt-chunk"] == "missed-reject"
    assert found["zarr2/reject/shape-string"] == "missed-reject"
    assert found["zarr2/write/int32-gzip"] == "pass"


@pytest.mark.req("PROTO-006")
@pytest.mark.req("PROTO-007")
def test_changing_the_input_fails_the_case_and_the_corpus_stays_intact(
    tiny_corpus: Path, fake: Fake, tmp_path: Path
) -> None:
    before = tree_hash(tiny_corpus)
    result = run(tiny_corpus, fake("modify_input"), scratch=tmp_path)
    assert tree_hash(tiny_corpus) == before
    assert set(outcomes(result).values()) == {"fail"}
    for case in result.results:
        assert "the adapter changed its input: added lock; changed case.json" in case.message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.req("PROTO-004")
def test_cases_needing_undeclared_capabilities_are_unsupported_and_not_sent(tiny_corpus: Path) -> None:
    result = run(tiny_corpus, Replies(tiny_corpus, "zarr2-only"))
    for case in result.results:
        if case.format in ("zarr3", "n5"):
            assert case.outcome == "unsupported", case.id
            assert case.duration_ms == 0
        else:
            assert case.outcome == "pass", (case.id, case.message)
    assert result.passed


@pytest.mark.req("PROTO-019")
def test_equivalence_needs_every_store_the_adapter_reads(tiny_corpus: Path) -> None:
    class OneStoreOnly(ReferenceAdapter):
        def run_case(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
            reply = super().run_case(case, input, output)
            if "arrays" in reply.get("result", {}):
                reply["result"]["arrays"].pop("n5")
            return reply

    result = run(tiny_corpus, OneStoreOnly(tiny_corpus / "capabilities.json"), select=("cross/*",))
    assert [r.outcome for r in result.results] == ["fail"]
    assert "n5: no result" in result.results[0].message


@pytest.mark.req("PROTO-015")
def test_writes_are_verified_strictly_by_the_reference(tiny_corpus: Path) -> None:
    class OtherLevel(ReferenceAdapter):
        def run_case(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
            if case["kind"] == "write":
                case = json.loads(json.dumps(case))
                for codec in case["operation"]["target"]["metadata"]["codecs"]:
                    if codec["name"] == "gzip":
                        codec["configuration"]["level"] = 1
            return super().run_case(case, input, output)

    result = run(tiny_corpus, OtherLevel(tiny_corpus / "capabilities.json"), select=("zarr2/write/*",))
    assert [r.outcome for r in result.results] == ["fail"]
    assert "/codecs/1/configuration/level: expected 5, got 1" in result.results[0].message


@pytest.mark.req("PROTO-015")
def test_written_values_are_checked(tiny_corpus: Path) -> None:
    class Negate(ReferenceAdapter):
        def run_case(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
            reply = super().run_case(case, input, output)
            from zn5.reference import open_array

            array = open_array(output / "store", "r+", path="array")
            array[0, 0] = np.asarray(array[0, 0]) + 1
            return reply

    result = run(tiny_corpus, Negate(tiny_corpus / "capabilities.json"), select=("*/write/*",))
    assert {r.outcome for r in result.results} == {"fail"}
    assert all("written values differ" in r.message for r in result.results)


@pytest.mark.req("PROTO-006")
def test_the_expectation_is_withheld_from_the_adapter(tiny_corpus: Path) -> None:
    seen: list[dict[str, Any]] = []

    class Spy(ReferenceAdapter):
        def run_case(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
            seen.append(
                {
                    "case": case,
                    "files": sorted(p.relative_to(input).as_posix() for p in input.iterdir()),
                    "copy": json.loads((input / "case.json").read_text()),
                    "output": list(output.iterdir()),
                }
            )
            return super().run_case(case, input, output)

    run(tiny_corpus, Spy(tiny_corpus / "capabilities.json"))
    assert len(seen) == len(Corpus.load(tiny_corpus).cases)
    for entry in seen:
        assert "expect" not in entry["case"]
        assert "expect" not in entry["copy"]
        assert "expected" not in entry["files"]
        assert entry["output"] == []


def test_in_process_hangs_and_exceptions_are_scored(tiny_corpus: Path) -> None:
    class Troubled(ReferenceAdapter):
        def run_case(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
            if case["id"].startswith("n5/read"):
                time.sleep(2)
            return super().run_case(case, input, output)

        def handle(self, message: dict[str, Any]) -> dict[str, Any] | None:
            if message.get("cmd") == "run" and message["case"]["id"].startswith("zarr2/read"):
                raise MemoryError("in-process crash")
            return super().handle(message)

    found = outcomes(run(tiny_corpus, Troubled(tiny_corpus / "capabilities.json"), timeout=0.5))
    assert found.pop("n5/read/uint8-index") == "timeout"
    assert found.pop("zarr2/read/float64-slice") == "crash"
    assert set(found.values()) == {"pass"}


# Expectations.


@pytest.mark.req("PROTO-017")
def test_expectations_xfail_xpass_skip_and_stale(tiny_corpus: Path) -> None:
    expectations = Expectations(
        "zn5-reference",
        "0.1.0",
        None,
        (
            Entry("zarr3/read/*", "xfail", "reads gzip chunks as zeros", "not filed"),
            Entry("zarr2/write/*", "xfail", "claimed to fail, but passes", "not filed"),
            Entry("n5/*", "skip", "the N5 reader is too slow here", "not filed"),
            Entry("zarr4/*", "xfail", "a format that no case has", "not filed"),
        ),
    )
    result = run(tiny_corpus, Replies(tiny_corpus, "zeros"), expectations=expectations)
    found = outcomes(result)
    assert found["zarr3/read/int16-gzip"] == "xfail"
    assert found["zarr2/write/int32-gzip"] == "xpass"
    assert found["n5/read/uint8-index"] == found["n5/write/uint16-gzip"] == "skipped"
    assert [entry.match for entry in result.stale] == ["zarr4/*"]
    assert not result.passed


def test_a_stale_entry_alone_fails_the_run(tiny_corpus: Path) -> None:
    expectations = Expectations("x", "1", None, (Entry("nothing/*", "skip", "matches no case", "not filed"),))
    result = run(tiny_corpus, reference(tiny_corpus), expectations=expectations)
    assert set(outcomes(result).values()) == {"pass"}
    assert not result.passed


@pytest.mark.req("PROTO-017")
def test_an_xfail_entry_whose_cases_are_all_unsupported_is_stale(tiny_corpus: Path) -> None:
    expectations = Expectations(
        "x", "1", None, (Entry("zarr3/read/*", "xfail", "reads gzip chunks as zeros", "not filed"),)
    )
    result = run(tiny_corpus, Replies(tiny_corpus, "zarr2-only"), expectations=expectations)
    assert outcomes(result)["zarr3/read/int16-gzip"] == "unsupported"
    assert [entry.match for entry in result.stale] == ["zarr3/read/*"]
    assert not result.passed


# The corpus.


def test_a_missing_or_inconsistent_corpus_is_a_corpus_error(tiny_corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no corpus"):
        Corpus.load(tmp_path / "nowhere")
    copy = build_corpus(tmp_path / "corpus")
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["cases"][0]["uid"] = "0" * 16
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CorpusError, match="differ from the manifest"):
        Corpus.load(copy)


def test_selection_by_glob(tiny_corpus: Path) -> None:
    corpus = Corpus.load(tiny_corpus)
    assert [case.id for case in corpus.select(["zarr2/*", "*/equivalence/*"])] == [
        "cross/equivalence/float32",
        "zarr2/read/float64-slice",
        "zarr2/reject/shape-string",
        "zarr2/write/int32-gzip",
    ]


def test_json_differences() -> None:
    assert json_differences({"a": [1, 2.0]}, {"a": [1.0, 2]}) == []
    assert json_differences({"a": True}, {"a": 1}) == ["/a: expected true, got 1"]
    assert json_differences({"a": 1}, {"b": 1}) == ["/a: missing (expected 1)", "/b: unexpected 1"]
    assert json_differences([1, 2], [1]) == ["/: expected [1, 2], got [1]"]

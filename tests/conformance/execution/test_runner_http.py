"""``zn5 run --store http``: the cases' stores served by a local HTTP server that does not list."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from zn5.conformance.adapters.reference import ReferenceAdapter
from zn5.conformance.cli import main
from zn5.conformance.execution.connection import Connection, InProcessConnection
from zn5.conformance.execution.expectations import Entry, Expectations
from zn5.conformance.execution.runner import Runner, RunOptions, RunResult
from zn5.conformance.report.run import build_report
from zn5.conformance.suite.case import Corpus

READS = ("zarr3/sharding/*", "zarr2/reject/*", "n5/grid/*", "cross/*")
WRITE = "zarr2/write/int16-edge-chunks"
IMPLICIT = "n5/metadata/implicit-group"


def http_run(
    adapter: Any, select: tuple[str, ...], expectations: Expectations | None = None, jobs: int = 1
) -> RunResult:
    def connect() -> Connection:
        return InProcessConnection(adapter)

    options = RunOptions(jobs=jobs, store="http")
    return Runner(Corpus.load(), connect, expectations, options).run(select)


def by_id(result: RunResult) -> dict[str, tuple[str, str]]:
    return {case.id: (case.outcome, case.message) for case in result.results}


class WithoutHttp(ReferenceAdapter):
    """The reference, claiming everything but reading over HTTP."""

    def capabilities(self) -> list[str]:
        return [token for token in super().capabilities() if token != "store:http"]


class Probe(ReferenceAdapter):
    """The reference, which first looks at what a run over HTTP gives it."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[bool, int, int]] = []

    def handle(self, message: dict[str, Any]) -> dict[str, Any] | None:
        if message.get("cmd") == "run":
            where = message["case"]["input"]
            on_disk = (Path(message["input"]) / where["store"]).exists()
            url = f"{message['input_url']}/{where['store']}"
            document = "/".join(part for part in (url, where["node"].strip("/"), ".zarray") if part)
            self.seen.append((on_disk, _status(document), _status(f"{url}/")))
        return super().handle(message)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.req("PROTO-021")
@pytest.mark.req("PROTO-022")
@pytest.mark.parametrize("jobs", [1, 2])
def test_the_reference_reads_every_case_over_http(jobs: int) -> None:
    result = http_run(ReferenceAdapter(), (*READS, WRITE, IMPLICIT), jobs=jobs)
    outcomes = by_id(result)
    assert len(outcomes) > 60
    assert outcomes.pop(WRITE) == (
        "unsupported",
        "writes no store to read: --store http runs the cases that read one",
    )
    assert outcomes.pop(IMPLICIT)[0] == "unsupported"
    assert {outcome for outcome, _ in outcomes.values()} == {"pass"}
    assert result.passed


@pytest.mark.req("PROTO-021")
def test_the_stores_are_served_not_copied_and_never_listed() -> None:
    probe = Probe()
    result = http_run(probe, ("zarr2/grid/*",))
    assert result.passed
    assert len(probe.seen) == len(result.results) > 3
    assert set(probe.seen) == {(False, 200, 404)}


@pytest.mark.req("PROTO-021")
def test_an_adapter_without_store_http_runs_nothing() -> None:
    result = http_run(WithoutHttp(), ("zarr2/grid/*",))
    assert {case.outcome for case in result.results} == {"unsupported"}
    assert {case.message for case in result.results} == {
        "needs store:http: the adapter does not read stores over HTTP"
    }


@pytest.mark.req("PROTO-021")
def test_an_expectation_for_http_applies_only_over_http() -> None:
    case_id = "zarr2/grid/" + Path(next(iter(Corpus.load().select(["zarr2/grid/*"]))).id).name
    entry = Entry(case_id, "skip", "a skip that only a run over HTTP makes", "not filed", store="http")
    expectations = Expectations("zn5-reference", "0", None, (entry,))
    result = http_run(ReferenceAdapter(), (case_id,), expectations)
    assert by_id(result)[case_id][0] == "skipped"
    (reported,) = build_report(result)["cases"]  # the report, valid by its schema, names the entry's store
    assert reported["expectation"] == entry.to_json()
    assert reported["expectation"]["store"] == "http"
    on_files = Runner(Corpus.load(), lambda: InProcessConnection(ReferenceAdapter()), expectations).run(
        (case_id,)
    )
    assert [case.outcome for case in on_files.results] == ["pass"]
    assert on_files.stale == []


def test_the_command_line_writes_an_http_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--store", "http", "--select", "zarr3/sharding/*", "--report-dir", str(tmp_path)])
    assert code == 0
    assert "stores over HTTP" in capsys.readouterr().out
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["options"]["store"] == "http"
    profiles = {profile["name"]: profile for profile in report["summary"]["profiles"]}
    assert profiles["zarr3-sharding"]["conformant"]
    assert profiles["zarr3-writer-core"]["cases"] == 0  # writes are not part of a run over HTTP

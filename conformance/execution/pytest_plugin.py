"""Run the conformance corpus inside a Python implementation's own pytest suite.

An implementation that has an adapter (an object with ``handle(message)``, for example a subclass of
:class:`zn5.conformance.adapters.BaseAdapter`, or a command line that starts an adapter process) gets one
pytest test per corpus case from :func:`conformance_tests`::

    # tests/test_zn5_conformance.py in the implementation's repository
    from zn5.conformance.execution.pytest_plugin import conformance_tests
    from mylib.testing import MyZn5Adapter

    test_zn5 = conformance_tests(MyZn5Adapter(), expectations="tests/zn5-expectations.toml")

The corpus runs once, through the same runner as ``zn5 run`` (scratch copies, time-outs, scoring), the
first time one of the tests needs it. Each case then reports as pytest sees fit: a pass passes; a case
the implementation does not claim is skipped with the reason (pytest counts it as skipped, never as
passed); an expected failure from the expectations file is an xfail; every other outcome, an unexpected
pass included, fails the test with the runner's message. A stale expectation entry fails an extra test,
``test_zn5[expectations]``.

Installed, zn5 also registers this module as a pytest plugin (the ``pytest11`` entry point), so that an
implementation in any language can run the corpus from pytest without writing a test module::

    pytest --zn5-adapter "node my-adapter.mjs" --zn5-expectations zn5-expectations.toml

``--zn5-adapter`` takes a command line split into words as ``zn5 run --adapter`` splits it (POSIX shell
rules); ``--zn5-corpus`` names another corpus folder; ``--zn5-select`` (repeatable) limits the run to
matching case ids. Without ``--zn5-adapter`` the plugin adds nothing to a session.
"""

from __future__ import annotations

import functools
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict, Unpack

import pytest

from zn5.conformance.execution.connection import (
    Adapter,
    Connection,
    InProcessConnection,
    SubprocessConnection,
)
from zn5.conformance.execution.expectations import Expectations
from zn5.conformance.execution.runner import Runner, RunOptions, RunResult
from zn5.conformance.suite.case import Corpus
from zn5.conformance.suite.resources import CORPUS

EXPECTATIONS_ID = "expectations"


def _connector(adapter: Adapter | Sequence[str]) -> Callable[[], Connection]:
    if isinstance(adapter, str):
        raise TypeError("give the adapter command as a list of arguments, not one string")
    if isinstance(adapter, Sequence):
        command = tuple(adapter)
        return lambda: SubprocessConnection(command)
    return lambda: InProcessConnection(adapter, f"in process: {type(adapter).__name__}")


@dataclass(frozen=True)
class CorpusRun:
    """The corpus run against one adapter, started the first time a case asks for its outcome."""

    corpus: Corpus
    connect: Callable[[], Connection]
    expectations: Expectations
    select: tuple[str, ...]
    timeout: float

    @property
    def test_ids(self) -> list[str]:
        """One id per selected case, and the expectations check last."""
        return [*(case.id for case in self.corpus.select(self.select)), EXPECTATIONS_ID]

    @functools.cached_property
    def result(self) -> RunResult:
        """The run, through the same runner as ``zn5 run``."""
        options = RunOptions(timeout=self.timeout)
        return Runner(self.corpus, self.connect, self.expectations, options).run(self.select)

    def check(self, test_id: str) -> None:
        """Report one case (or the expectations check) as pytest sees fit."""
        if test_id == EXPECTATIONS_ID:
            stale = [entry.match for entry in self.result.stale]
            assert not stale, f"expectation entries that match no case: {', '.join(stale)}"
            return
        outcome = next(case for case in self.result.results if case.id == test_id)
        message = f"{outcome.outcome}: {outcome.message}" if outcome.message else outcome.outcome
        if outcome.outcome == "pass":
            return
        if outcome.outcome in ("unsupported", "skipped"):
            pytest.skip(message)
        if outcome.outcome == "xfail":
            pytest.xfail(message)
        pytest.fail(message, pytrace=False)


class CorpusOptions(TypedDict, total=False):
    """How the corpus runs, each by default: ``expectations`` (a TOML file; None, none), ``corpus`` (the
    bundled one), ``select`` (case-id globs; every case) and ``timeout`` (seconds a case; 10)."""

    expectations: str | Path | None
    corpus: str | Path
    select: Sequence[str]
    timeout: float


def corpus_run(adapter: Adapter | Sequence[str], **options: Unpack[CorpusOptions]) -> CorpusRun:
    """The corpus, the adapter and its expectations, ready to run."""
    expectations = options.get("expectations")
    known = Expectations.load(Path(expectations)) if expectations is not None else Expectations.empty()
    corpus = Corpus.load(Path(options.get("corpus", CORPUS)))
    select = tuple(options.get("select", ()))
    return CorpusRun(corpus, _connector(adapter), known, select, options.get("timeout", 10.0))


def conformance_tests(
    adapter: Adapter | Sequence[str], **options: Unpack[CorpusOptions]
) -> Callable[[str], None]:
    """A test function parametrized with one id per selected corpus case (and one for the expectations)."""
    run = corpus_run(adapter, **options)

    @pytest.mark.parametrize("zn5_case", run.test_ids)
    def test_zn5(zn5_case: str) -> None:
        run.check(zn5_case)

    return test_zn5


def pytest_addoption(parser: pytest.Parser) -> None:
    """The plugin's options: the adapter to run the corpus against, its expectations, a selection."""
    group = parser.getgroup("zn5", "the zn5 conformance corpus")
    group.addoption(
        "--zn5-adapter", metavar="COMMAND", help="run the corpus against the adapter COMMAND, a test per case"
    )
    group.addoption("--zn5-expectations", metavar="FILE", help="the adapter's expected failures (TOML)")
    group.addoption(
        "--zn5-corpus", metavar="DIR", default=CORPUS, help="the corpus (default: the bundled one)"
    )
    group.addoption(
        "--zn5-select", metavar="GLOB", action="append", default=[], help="only the cases whose id matches"
    )


class CorpusCase(pytest.Item):
    """One test of ``--zn5-adapter``: a corpus case, or the expectations check."""

    run: CorpusRun

    def runtest(self) -> None:
        """Run the corpus once (the first test does) and report this test's outcome."""
        self.run.check(self.name.removeprefix("zn5[").removesuffix("]"))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the test comes from: the corpus folder."""
        return Path(self.run.corpus.root), 0, self.name


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """With ``--zn5-adapter``, add one test per selected corpus case and one for the expectations."""
    command = config.getoption("zn5_adapter")
    if not command:
        return
    run = corpus_run(
        shlex.split(command),
        expectations=config.getoption("zn5_expectations"),
        corpus=config.getoption("zn5_corpus"),
        select=config.getoption("zn5_select"),
    )
    for test_id in run.test_ids:
        name = f"zn5[{test_id}]"
        item = CorpusCase.from_parent(session, name=name, nodeid=name)
        item.run = run
        items.append(item)

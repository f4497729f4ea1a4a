"""Run the conformance corpus inside a Python implementation's own pytest suite.

An implementation that has an adapter (an object with ``handle(message)``, for example a subclass of
:class:`zn5.conformance.adapters.BaseAdapter`, or a command line that starts an adapter process) gets one
pytest test per corpus case from :func:`conformance_tests`::

    # tests/test_zn5_conformance.py in the implementation's repository
    from zn5.conformance.pytest_plugin import conformance_tests
    from mylib.testing import MyZn5Adapter

    test_zn5 = conformance_tests(MyZn5Adapter(), expectations="tests/zn5-expectations.toml")

The corpus runs once, through the same runner as ``zn5 run`` (scratch copies, time-outs, scoring), the
first time one of the tests needs it. Each case then reports as pytest sees fit: a pass passes; a case
the implementation does not claim is skipped with the reason (pytest counts it as skipped, never as
passed); an expected failure from the expectations file is an xfail; every other outcome, an unexpected
pass included, fails the test with the runner's message. A stale expectation entry fails an extra test,
``test_zn5[expectations]``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from zn5.conformance.adapters import Adapter
from zn5.conformance.expectations import Expectations
from zn5.conformance.runner import (
    CORPUS_DIR,
    Connection,
    Corpus,
    InProcessConnection,
    Runner,
    RunOptions,
    RunResult,
    SubprocessConnection,
)

EXPECTATIONS_ID = "expectations"


def _connector(adapter: Adapter | Sequence[str]) -> Callable[[], Connection]:
    if isinstance(adapter, str):
        raise TypeError("give the adapter command as a list of arguments, not one string")
    if isinstance(adapter, Sequence):
        command = tuple(adapter)
        return lambda: SubprocessConnection(command)
    return lambda: InProcessConnection(adapter, f"in process: {type(adapter).__name__}")


def conformance_tests(
    adapter: Adapter | Sequence[str],
    *,
    expectations: str | Path | None = None,
    corpus: str | Path = CORPUS_DIR,
    select: Sequence[str] = (),
    timeout: float = 10.0,
) -> Callable[[str], None]:
    """A test function parametrized with one id per selected corpus case (and one for the expectations)."""
    loaded = Corpus.load(Path(corpus))
    case_ids = [case.id for case in loaded.select(tuple(select))]
    known = Expectations.load(Path(expectations)) if expectations is not None else Expectations.empty()
    connect = _connector(adapter)

    @functools.cache
    def run() -> RunResult:
        return Runner(loaded, connect, known, RunOptions(timeout=timeout)).run(tuple(select))

    @pytest.mark.parametrize("zn5_case", [*case_ids, EXPECTATIONS_ID])
    def test_zn5(zn5_case: str) -> None:
        result = run()
        if zn5_case == EXPECTATIONS_ID:
            stale = [entry.match for entry in result.stale]
            assert not stale, f"expectation entries that match no case: {', '.join(stale)}"
            return
        outcome = next(case for case in result.results if case.id == zn5_case)
        message = f"{outcome.outcome}: {outcome.message}" if outcome.message else outcome.outcome
        if outcome.outcome == "pass":
            return
        if outcome.outcome in ("unsupported", "skipped"):
            pytest.skip(message)
        if outcome.outcome == "xfail":
            pytest.xfail(message)
        pytest.fail(message, pytrace=False)

    return test_zn5

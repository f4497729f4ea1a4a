"""The conformance runner: drive an adapter through the corpus and score every case.

The runner copies each case to a scratch folder (``scratch.py``; the corpus itself is never handed
out), withholds the expectation, sends one ``run`` per case with a time-out (``connection.py``) and
scores the reply against the case (``scoring.py``). Everything an adapter can do wrong is an outcome,
never an exception of the runner. With ``--jobs N`` above 1 the cases run in N forked worker processes
(``workers.py``). Expected failures are applied here, from the expectations file (``expectations.py``).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from zn5.conformance.execution import protocol
from zn5.conformance.execution.connection import Connection, Failure
from zn5.conformance.execution.expectations import Entry, Expectations, StoreKind
from zn5.conformance.execution.protocol import HelloReply
from zn5.conformance.execution.scoring import (
    FAILS_RUN,
    HTTP_TOKEN,
    CaseResult,
    apply_expectation,
    store_excludes,
    unsupported_reason,
)
from zn5.conformance.execution.scratch import default_scratch, remove_tree
from zn5.conformance.execution.workers import Budget, Progress, Task, Workers, workers_for
from zn5.conformance.suite.case import Case, Corpus
from zn5.reference.testing.static_http import static_server


class AdapterStartError(RuntimeError):
    """The adapter did not answer hello properly, so no case can run."""


@dataclass(frozen=True)
class RunOptions:
    """How to run."""

    jobs: int = 1
    timeout: float = 10.0
    startup_timeout: float = 60.0
    restart_budget: int = 3
    scratch: Path | None = None
    keep_scratch: bool = False
    collect: Path | None = None
    """Where to copy the store of each write case that passes, as ``collect/<case id>/`` (``zn5 interop``)."""
    progress: IO[str] | None = None
    progress_every: int = 0
    store: StoreKind = "file"
    """Where the cases' stores are read from: the scratch folders, or a local HTTP server that does not
    list (``http``, PROTO-021), which runs only the cases that read a store."""


@dataclass
class RunResult:
    """Everything a report needs."""

    corpus: Corpus
    hello: HelloReply
    adapter: str
    results: list[CaseResult]
    stale: list[Entry]
    expectations: Expectations
    options: RunOptions
    selection: tuple[str, ...]
    started: datetime
    finished: datetime
    notes: list[str] = field(default_factory=list)
    ready: datetime | None = None
    """When every adapter process had answered hello: the start of the cases."""

    def count(self, outcome: str) -> int:
        """How many cases ended with ``outcome``."""
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def passed(self) -> bool:
        """True when no case failed, nothing passed unexpectedly and no expectation is stale."""
        return not self.stale and not any(result.outcome in FAILS_RUN for result in self.results)


class Runner:
    """Run a selection of a corpus through an adapter."""

    def __init__(
        self,
        corpus: Corpus,
        connect: Callable[[], Connection],
        expectations: Expectations | None = None,
        options: RunOptions | None = None,
    ) -> None:
        self.corpus = corpus
        self.connect = connect
        self.options = options or RunOptions()
        self.expectations = (expectations or Expectations.empty()).for_store(self.options.store)
        self.hello = protocol.hello(corpus.version, corpus.digest)
        protocol.validate("hello", self.hello)
        self.capabilities: frozenset[str] = frozenset()
        self.format_gaps: Mapping[str, frozenset[str]] = {}
        self.scratch = Path()
        self.served_url: str | None = None
        """The base URL of the HTTP server of a ``--store http`` run, over :attr:`scratch`."""

    def run(self, selection: Sequence[str] = ()) -> RunResult:
        """Run the cases matching ``selection`` (all when empty); AdapterStartError when hello fails."""
        started = datetime.now(UTC)
        cases = self.corpus.select(selection)
        self.scratch = Path(
            tempfile.mkdtemp(prefix="zn5-run-", dir=self.options.scratch or default_scratch())
        )
        with contextlib.ExitStack() as serving:
            if self.options.store == "http":  # started before the workers fork: they share it
                self.served_url = serving.enter_context(static_server(self.scratch)).url
            first, description, ready, results = self._run_with_workers(cases)
        ordered = [results[seq] for seq in sorted(results)]
        idle = (result.id for result in ordered if result.outcome in ("unsupported", "skipped"))
        store = self.options.store
        outside = (case.id for case in self.corpus.cases if store_excludes(case, store) is not None)
        return RunResult(
            corpus=self.corpus,
            hello=first,
            adapter=description,
            results=ordered,
            stale=self.expectations.stale((case.id for case in self.corpus.cases), idle, outside),
            expectations=self.expectations,
            options=self.options,
            selection=tuple(selection),
            started=started,
            finished=datetime.now(UTC),
            notes=self._notes(cases, selection, first),
            ready=ready,
        )

    def _run_with_workers(
        self, cases: Sequence[Case]
    ) -> tuple[HelloReply, str, datetime, dict[int, CaseResult]]:
        """Start the workers, run the cases, stop the workers: the first hello, how the adapter is
        reached, when the cases began, and the results by seq; AdapterStartError when hello fails."""
        workers = workers_for(self, max(1, min(self.options.jobs, len(cases) or 1)))
        try:
            first, description = workers.start()
            if isinstance(first, Failure):
                detail = f"\n{first.stderr}" if first.stderr else ""
                raise AdapterStartError(f"{first.outcome}: {first.message}{detail}")
            workers.share(first.capabilities)
            self.capabilities = first.capabilities
            self.format_gaps = first.format_gaps
            ready = datetime.now(UTC)
            results = self._run_cases(cases, workers)
        finally:
            workers.close()
            if not self.options.keep_scratch:
                remove_tree(self.scratch)
        return first, description, ready, results

    def _run_cases(self, cases: Sequence[Case], workers: Workers) -> dict[int, CaseResult]:
        """Score the cases the adapter cannot or should not run, run the others; results by seq."""
        results: dict[int, CaseResult] = {}
        progress = Progress(self.options.progress, len(cases), self.options.progress_every)
        tasks: list[Task] = []
        for seq, case in enumerate(cases):
            entry = self.expectations.lookup(case.id)
            reason = unsupported_reason(case, self.capabilities, self.format_gaps, self.options.store)
            if reason is not None:
                results[seq] = CaseResult.of(case, "unsupported", reason, expectation=entry)
            elif entry is not None and entry.outcome == "skip":
                results[seq] = CaseResult.of(
                    case, "skipped", f"expectations: {entry.reason}", expectation=entry
                )
            else:
                tasks.append((seq, case))
                continue
            progress.add(results[seq])
        budget = Budget(self.options.restart_budget)
        for seq, result in workers.results(tasks, budget):
            budget.record(result.outcome)
            results[seq] = apply_expectation(result, self.expectations.lookup(result.id))
            progress.add(results[seq])
        return results

    def _notes(self, cases: Sequence[Case], selection: Sequence[str], first: HelloReply) -> list[str]:
        """What a reader of the report should know about the run as a whole."""
        notes = []
        if selection:
            notes.append(
                f"--select {' '.join(selection)} ran {len(cases)} of {len(self.corpus.cases)} cases: each "
                "verdict covers only the selected cases of its profile (CONF-CLASS-006)"
            )
        if self.options.store == "http" and HTTP_TOKEN not in self.capabilities:
            notes.append(f"--store http: the adapter does not declare {HTTP_TOKEN}: no case ran (PROTO-021)")
        unknown = sorted(self.capabilities - set(self.corpus.tokens)) if self.corpus.tokens else []
        if unknown:
            notes.append(f"the adapter claims tokens the corpus does not define: {', '.join(unknown)}")
        if self.expectations.implementation and self.expectations.implementation != first.implementation.name:
            notes.append(
                f"the expectations were written for {self.expectations.implementation}, "
                f"the adapter runs {first.implementation.name}"
            )
        return notes

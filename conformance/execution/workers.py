"""Where the cases of a run go: one worker in the runner's process, or one per forked child process.

Each worker holds its own adapter connection and copies, runs and scores its cases itself; the runner's
process only hands out cases (a few in flight per worker), so that the runner's own work scales with the
adapters. A worker that dies is replaced and the case it had counts as a crash; after ``restart_budget``
consecutive crashes or hangs the rest of the cases are scored as crashes at once.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import shutil
import signal
import time
import traceback
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final, cast

from zn5.conformance.execution import protocol
from zn5.conformance.execution.connection import Connection, ConnectionStartError, Failure
from zn5.conformance.execution.protocol import HelloReply, RunReply
from zn5.conformance.execution.scoring import OUTCOMES, CaseResult, Verdict, result_path, score
from zn5.conformance.execution.scratch import SERVED, copy_case, remove_tree, scratch_digest, tree_changes
from zn5.conformance.suite.case import Case

if TYPE_CHECKING:
    from zn5.conformance.execution.runner import Runner

WORKER_STOP_GRACE: Final = 5.0


class Budget:
    """Consecutive crashes and hangs of one adapter, across its parallel processes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.consecutive = 0

    @property
    def spent(self) -> bool:
        """True once ``limit`` cases in a row crashed or hung: the rest are not run."""
        return self.consecutive >= self.limit

    def record(self, outcome: str) -> None:
        self.consecutive = self.consecutive + 1 if outcome in ("crash", "timeout") else 0


class Progress:
    """A line every ``every`` cases, so that CI logs stay short."""

    def __init__(self, stream: IO[str] | None, total: int, every: int) -> None:
        self.stream = stream
        self.total = total
        self.every = every or max(1, min(100, -(-total // 10)))
        self.done = 0
        self.counts: dict[str, int] = {}
        self.start = time.perf_counter()

    def add(self, result: CaseResult) -> None:
        self.done += 1
        self.counts[result.outcome] = self.counts.get(result.outcome, 0) + 1
        if self.stream is not None and (self.done % self.every == 0 or self.done == self.total):
            counts = "  ".join(f"{name} {self.counts[name]}" for name in OUTCOMES if name in self.counts)
            width = len(str(self.total))
            elapsed = time.perf_counter() - self.start
            print(
                f"  [{self.done:>{width}}/{self.total}]  {counts}  ({elapsed:.1f} s)",
                file=self.stream,
                flush=True,
            )


class _Worker:
    """One adapter process (or in-process connection) and the cases it runs, one at a time."""

    def __init__(self, runner: Runner, index: int) -> None:
        self.runner = runner
        self.index = index
        self.connection: Connection | None = None

    @property
    def description(self) -> str:
        """How the adapter is reached, for the report."""
        return self.connection.description if self.connection is not None else ""

    def start(self) -> HelloReply | Failure:
        connection = self.runner.connect()
        try:
            reply = connection.open(self.runner.hello, self.runner.options.startup_timeout)
        except ConnectionStartError as error:
            connection.close()
            return error.failure
        self.connection = connection
        return reply

    def restart(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def run(self, case: Case, seq: int) -> CaseResult:
        """Run one case; a runner error ends as the case's crash, never as the run's."""
        try:
            return self._run(case, seq)
        except Exception as error:
            self.restart()
            return CaseResult.of(case, "crash", f"runner error: {error!r}", detail=traceback.format_exc())

    def _run(self, case: Case, seq: int) -> CaseResult:
        runner = self.runner
        if self.connection is None:
            started = self.start()
            if isinstance(started, Failure):
                return CaseResult.of(
                    case, "crash", f"the adapter did not restart: {started.message}", stderr=started.stderr
                )
        assert self.connection is not None
        folder = runner.scratch / f"{seq:05d}"
        input, output = folder / "input", folder / "output"
        served = folder / SERVED if runner.served_url else None
        before = copy_case(case, input, served)
        output.mkdir(parents=True)
        url = f"{runner.served_url}/{seq:05d}/{SERVED}" if served else None
        message = protocol.run(seq, case.to_json(), input, output, input_url=url)
        begin = time.perf_counter()
        answer = self.connection.exchange(message, seq, runner.options.timeout)
        duration = 1000 * (time.perf_counter() - begin)
        if isinstance(answer, Failure):
            self.restart()
            result = CaseResult.of(
                case, answer.outcome, answer.message, duration_ms=duration, stderr=answer.stderr
            )
        else:
            try:
                verdict = score(case, answer, output, runner.capabilities)
            except Exception as error:  # a runner bug must not end the run; it is shown on the case
                verdict = Verdict(
                    "fail", f"the runner could not score the reply: {error!r}", detail=traceback.format_exc()
                )
            result = CaseResult.of(
                case,
                verdict.outcome,
                verdict.message,
                precise=verdict.precise,
                duration_ms=duration,
                detail=verdict.detail,
            )
        changes = tree_changes(before, scratch_digest(input, served))
        if changes:
            what = f"the adapter changed its input: {'; '.join(changes[:5])}"
            if result.outcome in ("crash", "timeout"):
                result = replace(result, message=f"{result.message}; {what}")
            else:
                result = replace(result, outcome="fail", message=what, detail=result.message)
        if result.outcome == "pass" and case.kind == "write" and not isinstance(answer, Failure):
            self._collect(case, answer, output)
        if not runner.options.keep_scratch:
            remove_tree(folder)
        return result

    def _collect(self, case: Case, answer: RunReply, output: Path) -> None:
        """Keep a verified written store for the writer × reader run."""
        collect = self.runner.options.collect
        if collect is not None:
            shutil.copytree(result_path(str(answer.result["store"]), output), collect / case.id)


PipeEnd = multiprocessing.connection.Connection
Task = tuple[int, Case]
"""A case to run and its sequence number in the run."""


def _not_run(case: Case, budget: Budget) -> CaseResult:
    return CaseResult.of(
        case, "crash", f"not run: the adapter crashed or hung on {budget.limit} cases in a row"
    )


class Workers(ABC):
    """Where the cases run: one worker in this process, or one worker per child process."""

    @abstractmethod
    def start(self) -> tuple[HelloReply | Failure, str]:
        """Start every worker; the first one's hello reply (or why it failed) and its description."""

    @abstractmethod
    def share(self, capabilities: frozenset[str]) -> None:
        """Tell the workers the capabilities the run scores against (the first hello's)."""

    @abstractmethod
    def results(self, tasks: Sequence[Task], budget: Budget) -> Iterable[tuple[int, CaseResult]]:
        """Run the tasks and yield their results as they come; once ``budget`` is spent, the rest fail."""

    @abstractmethod
    def close(self) -> None:
        """Stop every worker and its adapter."""


class _InThisProcess(Workers):
    """``--jobs 1``: one worker in the runner's own process."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.worker = _Worker(runner, 0)

    def start(self) -> tuple[HelloReply | Failure, str]:
        reply = self.worker.start()
        return reply, self.worker.description

    def share(self, capabilities: frozenset[str]) -> None:
        self.runner.capabilities = capabilities

    def results(self, tasks: Sequence[Task], budget: Budget) -> Iterable[tuple[int, CaseResult]]:
        for seq, case in tasks:
            yield seq, _not_run(case, budget) if budget.spent else self.worker.run(case, seq)

    def close(self) -> None:
        self.worker.restart()


def _serve(runner: Runner, index: int, pipe: PipeEnd) -> None:
    """A worker process: start the adapter, say its hello, then run each case the runner sends.

    Messages from the runner: the capabilities to score against (or None: stop), then tasks, then None.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner process handles Ctrl-C and stops its workers
    worker = _Worker(runner, index)
    try:
        reply = worker.start()
        pipe.send((reply, worker.description))
        capabilities = pipe.recv()
        if capabilities is None:
            return
        runner.capabilities = capabilities
        while (task := pipe.recv()) is not None:
            seq, case = task
            pipe.send(worker.run(case, seq))
    except (EOFError, OSError):  # the runner went away
        pass
    finally:
        worker.restart()
        pipe.close()


@dataclass
class _Child:
    """A worker process and the runner's end of its pipe."""

    process: multiprocessing.process.BaseProcess
    pipe: PipeEnd
    description: str = ""


class _InChildProcesses(Workers):
    """``--jobs N``: N worker processes, each with its own adapter, so that scoring runs in parallel too.

    The workers are forked, so they share the runner's corpus and connector without pickling them; a
    worker that dies is replaced and the case it had counts as a crash.
    """

    IN_FLIGHT: Final = 2

    def __init__(self, runner: Runner, jobs: int) -> None:
        self.runner = runner
        self.context = multiprocessing.get_context("fork")
        self.children = [self._spawn(index) for index in range(jobs)]
        self.capabilities: frozenset[str] = frozenset()

    def _spawn(self, index: int) -> _Child:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(
            target=_serve, args=(self.runner, index, theirs), name=f"zn5-worker-{index}", daemon=True
        )
        process.start()
        theirs.close()
        return _Child(process, ours)

    @staticmethod
    def _hello(child: _Child) -> tuple[HelloReply | Failure, str]:
        try:
            reply: tuple[HelloReply | Failure, str] = child.pipe.recv()
        except (EOFError, OSError):
            died = f"the worker process died before hello (exit {child.process.exitcode})"
            return Failure("crash", died), ""
        return reply

    def start(self) -> tuple[HelloReply | Failure, str]:
        replies = [self._hello(child) for child in self.children]
        return replies[0]

    def share(self, capabilities: frozenset[str]) -> None:
        self.capabilities = capabilities
        for child in self.children:
            child.pipe.send(capabilities)

    def _replace(self, index: int) -> None:
        dead = self.children[index]
        dead.pipe.close()
        self.children[index] = child = self._spawn(index)
        self._hello(child)  # a worker whose adapter did not start retries on its first case
        child.pipe.send(self.capabilities)

    def results(self, tasks: Sequence[Task], budget: Budget) -> Iterable[tuple[int, CaseResult]]:
        """Keep ``IN_FLIGHT`` tasks queued at each worker, so that none waits for the runner between cases."""
        waiting = deque(tasks)
        flights: list[deque[Task]] = [deque() for _ in self.children]
        while waiting or any(flights):
            for index, flight in enumerate(flights):
                while len(flight) < self.IN_FLIGHT and waiting:
                    seq, case = waiting.popleft()
                    if budget.spent:
                        yield seq, _not_run(case, budget)
                        continue
                    self.children[index].pipe.send((seq, case))
                    flight.append((seq, case))
            pipes = {self.children[index].pipe: index for index, flight in enumerate(flights) if flight}
            for ready in multiprocessing.connection.wait(list(pipes)):
                index = pipes[cast(PipeEnd, ready)]
                seq, case = flights[index].popleft()
                try:
                    result: CaseResult = self.children[index].pipe.recv()
                except (EOFError, OSError):
                    process = self.children[index].process
                    process.join(timeout=1.0)
                    died = f"the worker process died on this case (exit {process.exitcode})"
                    result = CaseResult.of(case, "crash", died)
                    waiting.extendleft(reversed(flights[index]))  # the cases queued behind it run again
                    flights[index].clear()
                    self._replace(index)
                yield seq, result

    def close(self) -> None:
        for child in self.children:
            with contextlib.suppress(OSError, ValueError):
                child.pipe.send(None)
        for child in self.children:
            child.process.join(timeout=WORKER_STOP_GRACE)
            if child.process.is_alive():
                child.process.terminate()
                child.process.join()
            child.pipe.close()


def workers_for(runner: Runner, jobs: int) -> Workers:
    """One worker in this process for one job; forked worker processes for more, where the system forks."""
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        return _InChildProcesses(runner, jobs)
    return _InThisProcess(runner)

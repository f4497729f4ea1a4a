"""How fast the runner gets through the corpus, and what the adapter protocol costs per case.

Four ways of running every case of the committed corpus against the reference implementation, in one run:

- ``direct``: the reference adapter's ``run_case`` called in a loop on scratch copies, its reply checked
  against its schema and scored; no messages, no runner (the floor);
- ``in-process``: ``zn5 run``'s default, the runner with the adapter in its own process, messages encoded
  and decoded as JSON lines;
- ``subprocess, jobs 1`` and ``subprocess, jobs 2``: the reference adapter as a separate process, as every
  third-party adapter runs;
- ``two jobs-1 runs at once``: two independent ``subprocess, jobs 1`` runs in two processes at the same
  time, which share nothing: twice the corpus in their time is what two parallel jobs can get from this
  machine for this work at best (its ceiling), against which ``--jobs 2`` is also compared;
- with ``--impl NAME ...``, each registered adapter with ``--jobs 1`` and ``--jobs 2`` (not required to pass).

It prints seconds and cases per second for each, the protocol's overhead per case (subprocess minus
direct, divided by the number of cases) and the speed-up of ``--jobs 2``, against the targets of the
runner issue: the whole corpus in under 60 s, overhead under 2 ms per case, ``--jobs 2`` close to twice as
fast as ``--jobs 1`` (the table calls 1.6× close). Each run is timed twice: end to end, and from the moment
every adapter process answered hello (``cases``). The speed-up target is checked on the second, since
starting an adapter is a fixed cost of its library (a JVM's start-up is most of a zarr-java run of this
small corpus) that more cases do not grow; both speed-ups are printed, and the cases speed-up also as a
share of the machine's ceiling (two independent runs at once), which says how much of the shortfall from
2× is the runner's and how much the machine's (two busy cores share caches and memory bandwidth). Run it with
``.venv/bin/python benchmarks/runner.py [--runs N]``; the figures are medians of N rounds.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path

from zn5.conformance.adapters.connect import adapter_connector
from zn5.conformance.adapters.reference import ReferenceAdapter
from zn5.conformance.execution.connection import Connection, InProcessConnection, SubprocessConnection
from zn5.conformance.execution.protocol import RunReply
from zn5.conformance.execution.runner import Runner, RunOptions
from zn5.conformance.execution.scoring import score
from zn5.conformance.execution.scratch import copy_case, default_scratch
from zn5.conformance.suite.case import Corpus
from zn5.conformance.suite.resources import CORPUS
from zn5.reference.formats.deviations import LenientReadWarning

ADAPTER_COMMAND = (sys.executable, "-m", "zn5.conformance.adapters.reference")
TARGET_SECONDS = 60.0
TARGET_OVERHEAD_MS = 2.0
TARGET_SPEEDUP = 1.6
CORPORA = {"two jobs-1 runs at once": 2}
"""Ways that run the corpus more than once (their cases per second count every run)."""


def run_direct(corpus: Corpus) -> float:
    """Every case through ``run_case`` and the scorer, with no protocol in between."""
    adapter = ReferenceAdapter(corpus.root / "capabilities.json")
    capabilities = frozenset(adapter.capabilities())
    scratch = Path(tempfile.mkdtemp(prefix="zn5-bench-", dir=default_scratch()))
    try:
        begin = time.perf_counter()
        for seq, case in enumerate(corpus.cases):
            folder = scratch / f"{seq:05d}"
            copy_case(case, folder / "input")
            (folder / "output").mkdir(parents=True)
            reply = adapter.run_case(case.to_json(), folder / "input", folder / "output")
            answer = RunReply.from_json({"seq": seq, **reply}, seq)
            outcome = score(case, answer, folder / "output", capabilities).outcome
            if outcome != "pass":
                raise RuntimeError(f"{case.id}: {outcome}")
            shutil.rmtree(folder)
        return time.perf_counter() - begin
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_runner(
    corpus: Corpus, connect: Callable[[], Connection], jobs: int, must_pass: bool = True
) -> tuple[float, float]:
    """The whole corpus through the runner: seconds to the last result, from the start and from hello."""
    begin = time.perf_counter()
    result = Runner(corpus, connect, options=RunOptions(jobs=jobs)).run()
    elapsed = time.perf_counter() - begin
    if must_pass and not result.passed:
        raise RuntimeError(f"the reference did not pass its corpus: {result.count('pass')} passes")
    assert result.ready is not None
    return elapsed, (result.finished - result.ready).total_seconds()


def _jobs_1_run(root: Path) -> tuple[float, float]:
    return run_runner(Corpus.load(root), lambda: SubprocessConnection(ADAPTER_COMMAND), 1)


def run_two_at_once(corpus: Corpus) -> tuple[float, float]:
    """Two independent ``--jobs 1`` runs started together in two processes: the slower one's times."""
    with multiprocessing.get_context("fork").Pool(2) as pool:
        both = pool.map(_jobs_1_run, [corpus.root, corpus.root])
    return max(total for total, _ in both), max(cases for _, cases in both)


def run_direct_timed(corpus: Corpus) -> tuple[float, float]:
    """``run_direct`` has no start-up: both of its times are the same."""
    seconds = run_direct(corpus)
    return seconds, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="rounds; the medians are shown (3)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--impl",
        metavar="NAME",
        nargs="+",
        default=[],
        help="also time these registered adapters, jobs 1 and 2",
    )
    arguments = parser.parse_args()
    warnings.simplefilter("ignore", LenientReadWarning)
    corpus = Corpus.load(arguments.corpus)
    cases = len(corpus.cases)
    vocabulary = corpus.root / "capabilities.json"
    ways: dict[str, Callable[[], tuple[float, float]]] = {
        "direct": lambda: run_direct_timed(corpus),
        "in-process": lambda: run_runner(
            corpus, lambda: InProcessConnection(ReferenceAdapter(vocabulary), "in process"), 1
        ),
        "subprocess, jobs 1": lambda: run_runner(corpus, lambda: SubprocessConnection(ADAPTER_COMMAND), 1),
        "subprocess, jobs 2": lambda: run_runner(corpus, lambda: SubprocessConnection(ADAPTER_COMMAND), 2),
        "two jobs-1 runs at once": lambda: run_two_at_once(corpus),
    }
    for name in arguments.impl:
        for jobs in (1, 2):
            ways[f"{name}, jobs {jobs}"] = partial(
                run_runner, corpus, adapter_connector(name, corpus), jobs, False
            )
    totals: dict[str, list[float]] = {name: [] for name in ways}
    after_hello: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(arguments.runs):
        for name, way in ways.items():  # the ways take turns, so that load affects them alike
            total, cases_only = way()
            totals[name].append(total)
            after_hello[name].append(cases_only)
    median = {name: statistics.median(values) for name, values in totals.items()}
    cases_median = {name: statistics.median(values) for name, values in after_hello.items()}

    print(f"corpus {corpus.version}: {cases} cases, {arguments.runs} rounds, medians\n")
    width = max(len(name) for name in median)
    print(f"{'way':<{width}} {'seconds':>8} {'cases/s':>8} {'cases s':>8} {'start s':>8}")
    for name, seconds in median.items():
        after = cases_median[name]
        done = cases * CORPORA.get(name, 1)
        print(f"{name:<{width}} {seconds:>8.2f} {done / seconds:>8.0f} {after:>8.2f} {seconds - after:>8.2f}")
    overhead_ms = 1000 * (cases_median["subprocess, jobs 1"] - median["direct"]) / cases
    speedup = cases_median["subprocess, jobs 1"] / cases_median["subprocess, jobs 2"]
    end_to_end = median["subprocess, jobs 1"] / median["subprocess, jobs 2"]
    ceiling = 2 * cases_median["subprocess, jobs 1"] / cases_median["two jobs-1 runs at once"]
    slowest = max(median.values())
    checks = [
        ("whole corpus, slowest way (s)", slowest, f"< {TARGET_SECONDS:g}", slowest < TARGET_SECONDS),
        (
            "protocol overhead per case (ms)",
            overhead_ms,
            f"< {TARGET_OVERHEAD_MS:g}",
            overhead_ms < TARGET_OVERHEAD_MS,
        ),
        ("speed-up of --jobs 2 over 1, cases", speedup, f">= {TARGET_SPEEDUP:g}", speedup >= TARGET_SPEEDUP),
        ("speed-up of --jobs 2 over 1, end to end", end_to_end, "-", True),
        ("ceiling: throughput of two jobs-1 runs at once", ceiling, "-", True),
        ("speed-up of --jobs 2 as a share of the ceiling", speedup / ceiling, "-", True),
    ]
    for name in arguments.impl:
        ratio = cases_median[f"{name}, jobs 1"] / cases_median[f"{name}, jobs 2"]
        whole = median[f"{name}, jobs 1"] / median[f"{name}, jobs 2"]
        checks += [
            (
                f"{name}: speed-up of --jobs 2, cases",
                ratio,
                f">= {TARGET_SPEEDUP:g}",
                ratio >= TARGET_SPEEDUP,
            ),
            (f"{name}: speed-up of --jobs 2, end to end", whole, "-", True),
        ]
    width = max(len(label) for label, *_ in checks)
    print(f"\n{'figure':<{width}} {'value':>7}  {'target':<7} met")
    for label, value, target, met in checks:
        print(
            f"{label:<{width}} {value:>7.2f}  {target:<7} {('yes' if met else 'no') if target != '-' else ''}"
        )
    print("\nthe machine's load moves these figures; compare figures from one run")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``zn5 run`` (the corpus against an implementation) and ``zn5 report diff A B`` (what changed).

With no arguments ``zn5 run`` runs the committed corpus against the reference implementation, in this
process but through the same protocol messages a subprocess adapter gets. ``--impl NAME`` runs a
registered adapter (``conformance/adapters/<name>/adapter.json``), ``--adapter "COMMAND"`` any command
that speaks the protocol. Exit status: 0 when the run passed, 1 when it did not, 2 when it could not
run (no corpus, a bad expectation file, an adapter that does not answer hello).
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zn5.conformance.adapters.connect import REFERENCE, adapter_connector
from zn5.conformance.execution.connection import Connection, SubprocessConnection
from zn5.conformance.execution.expectations import Expectations, ExpectationsError
from zn5.conformance.execution.runner import AdapterStartError, Runner, RunOptions
from zn5.conformance.report.diff import diff_reports, render_diff
from zn5.conformance.report.run import (
    ReportError,
    build_report,
    load_report,
    print_summary,
    write_reports,
)
from zn5.conformance.suite.case import Corpus, CorpusError
from zn5.conformance.suite.resources import CORPUS

REPORTS_DIR = Path("build") / "reports"


def _error(message: str) -> int:
    print(f"zn5 run: error: {message}", file=sys.stderr)
    return 2


def _connector(arguments: argparse.Namespace, corpus: Corpus) -> tuple[Callable[[], Connection], str] | str:
    """How to reach the adapter, and its name for the report folder; or why that is impossible."""
    if arguments.adapter:
        command = shlex.split(arguments.adapter)
        if not command:
            return "--adapter needs a command"
        return (lambda: SubprocessConnection(command)), ""
    if arguments.impl:
        try:
            return adapter_connector(arguments.impl, corpus), arguments.impl
        except KeyError as error:
            return str(error.args[0])
    return adapter_connector(REFERENCE, corpus, in_process=True), REFERENCE


def _folder_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "adapter"


def run_command(arguments: argparse.Namespace) -> int:
    """Run the corpus, write the reports, print a summary; return the exit status."""
    try:
        corpus = Corpus.load(arguments.corpus)
        expectations = Expectations.load(arguments.expectations) if arguments.expectations else None
    except (CorpusError, ExpectationsError) as error:
        return _error(str(error))
    connector = _connector(arguments, corpus)
    if isinstance(connector, str):
        return _error(connector)
    connect, name = connector
    selection = tuple(arguments.select or ())
    selected = corpus.select(selection)
    if not selected:
        return _error(f"no case of the corpus matches {' '.join(selection)}")
    options = RunOptions(
        jobs=arguments.jobs,
        timeout=arguments.timeout,
        startup_timeout=arguments.startup_timeout,
        scratch=arguments.scratch,
        keep_scratch=arguments.keep_scratch,
        progress=sys.stdout,
        store=arguments.store,
    )
    print(
        f"zn5 run: corpus {corpus.version} at {corpus.root}: {len(selected)} of {len(corpus.cases)} cases, "
        f"{options.jobs} job{'s' if options.jobs > 1 else ''}, time-out {options.timeout:g} s"
        + (", stores over HTTP" if options.store == "http" else ""),
        flush=True,
    )
    try:
        result = Runner(corpus, connect, expectations, options).run(selection)
    except AdapterStartError as error:
        return _error(f"the adapter did not start: {error}")
    report = build_report(result, name or None)
    suffix = ".http" if options.store == "http" else ""
    folder = arguments.report_dir or REPORTS_DIR / (
        _folder_name(name or result.hello.implementation.name) + suffix
    )
    paths = write_reports(report, folder)
    print_summary(report, paths)
    return 0 if result.passed else 1


def diff_command(arguments: argparse.Namespace) -> int:
    """Print which cases changed outcome between two reports; exit 1 when any did."""
    try:
        before, after = load_report(arguments.before), load_report(arguments.after)
    except ReportError as error:
        print(f"zn5 report diff: error: {error}", file=sys.stderr)
        return 2
    changes = diff_reports(before, after)
    print(render_diff(before, after, changes), end="")
    return 1 if changes else 0


def _positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text} is not positive")
        return value

    return parse


def register(subparsers: Any) -> None:
    """Add ``zn5 run`` and ``zn5 report``."""
    parser = subparsers.add_parser(
        "run",
        help="run the conformance corpus against an implementation (default: the reference, in process)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--impl", metavar="NAME", help="a registered adapter (conformance/adapters/NAME)")
    which.add_argument("--adapter", metavar="COMMAND", help="a command line that starts a protocol adapter")
    parser.add_argument(
        "--select", metavar="GLOB", nargs="+", action="extend", help="only cases whose id matches a glob"
    )
    parser.add_argument("--jobs", type=_positive(int), default=1, help="adapter processes in parallel")
    parser.add_argument("--expectations", type=Path, metavar="FILE", help="the implementer's expectations")
    parser.add_argument("--corpus", type=Path, default=CORPUS, metavar="DIR", help="the corpus folder")
    parser.add_argument(
        "--report-dir", type=Path, metavar="DIR", help="where reports go (default: build/reports/<impl>/)"
    )
    parser.add_argument("--timeout", type=_positive(float), default=10.0, metavar="S", help="per case (10 s)")
    parser.add_argument(
        "--startup-timeout", type=_positive(float), default=60.0, metavar="S", help="for hello (60 s)"
    )
    parser.add_argument(
        "--scratch", type=Path, metavar="DIR", help="where case copies go (default: /dev/shm)"
    )
    parser.add_argument("--keep-scratch", action="store_true", help="keep the case copies and outputs")
    parser.add_argument(
        "--store",
        choices=("file", "http"),
        default="file",
        help="where the cases' stores are read from: folders (file), or a local HTTP server that does not "
        "list (http: only the cases that read a store, for adapters with store:http; PROTO-021)",
    )
    parser.set_defaults(handler=run_command)

    report = subparsers.add_parser("report", help="work with conformance reports")
    actions = report.add_subparsers(dest="report_command", required=True)
    diff = actions.add_parser(
        "diff", help="which cases changed outcome between two report.json files, and why"
    )
    diff.add_argument("before", type=Path, metavar="A", help="the older report.json (or its folder)")
    diff.add_argument("after", type=Path, metavar="B", help="the newer report.json (or its folder)")
    diff.set_defaults(handler=diff_command)

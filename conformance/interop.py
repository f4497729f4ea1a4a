"""``zn5 interop``: which implementation reads what which other one wrote, and the gold stores it captures.

1. Each writer runs the corpus's write cases through its adapter. The runner verifies every written store
   with the reference and keeps those that pass (``RunOptions.collect``).
2. The kept stores become the read cases of a derived corpus (``build/interop/corpus``), one per writer
   and write case: ``<format>/interop/<writer>--<slug>``, expecting the write case's input array.
3. Each reader runs the derived corpus through its own adapter; a store it does not claim to read is
   scored unsupported, as in any run.
4. The matrix, per writer and reader, counts the stores read exactly out of those tried; it is written to
   ``conformance/reports/interop.json`` for the website (``tools/site/compliance.py``).
5. With ``--gold DIR``, each store that the reference and at least :data:`MIN_INDEPENDENT` readers of
   other codebases read exactly is saved as a gold store (DESIGN.md section 5, issue "corpus": a gold
   case's expected array is accepted only when independent implementations agree on it):
   ``DIR/<library>-<version>/<format>--<slug>/`` holding ``gold.json``, ``store/`` and ``expected/``.
   ``zn5 corpus build`` turns them into ``<format>/gold/...`` read cases.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zn5.conformance.adapters import registered
from zn5.conformance.adapters.connect import REFERENCE, adapter_connector
from zn5.conformance.execution.connection import Connection
from zn5.conformance.execution.runner import AdapterStartError, Runner, RunOptions, RunResult
from zn5.conformance.generate import write_corpus
from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.suite.canonical import decode_values, read_array_document
from zn5.conformance.suite.case import Case, Corpus, dump_json
from zn5.conformance.suite.resources import CORPUS
from zn5.reference.store.memory import MemoryStore

BUILD_DIR = Path("build") / "interop"
REPORT_PATH = Path("conformance") / "reports" / "interop.json"
MIN_INDEPENDENT = 2
AREA = "interop"
NOT_TRIED = frozenset({"unsupported", "skipped"})
"""Outcomes of stores a reader did not try: it does not claim what they need, or said it cannot."""


@dataclass(frozen=True)
class Participant:
    """An adapter taking part: its registered name, its codebase, and how to start it."""

    name: str
    codebase: frozenset[str]
    connect: Callable[[], Connection]


def slug(text: str) -> str:
    """Lower-case letters, digits, dots and hyphens only."""
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-") or "x"


def participants(names: Sequence[str], corpus: Corpus) -> list[Participant]:
    """The reference (in process) and the named registered adapters; KeyError names an unknown one."""
    adapters = registered()
    found = [
        Participant(
            REFERENCE, adapters[REFERENCE].codebase, adapter_connector(REFERENCE, corpus, in_process=True)
        )
    ]
    for name in names:
        if name == REFERENCE:
            continue
        if name not in adapters:
            raise KeyError(f"no adapter named {name!r}; registered: {', '.join(sorted(adapters))}")
        found.append(Participant(name, adapters[name].codebase, adapter_connector(name, corpus)))
    return found


def _store_of(folder: Path) -> MemoryStore:
    """Every file under ``folder`` as a memory store (keys with ``/``)."""
    return MemoryStore(
        {
            path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }
    )


def _input_array(case: Case) -> tuple[Any, str]:
    array_document, raw = read_array_document(case.folder / case.input["array"])
    return decode_values(array_document, raw), str(array_document["data_type"])


def derived_case(writer: str, corpus: Corpus, case_id: str, store: Path) -> CaseDraft:
    """The read case of a store ``writer`` wrote for the write case ``case_id``."""
    case = next(case for case in corpus.cases if case.id == case_id)
    target = case.operation["target"]
    values, data_type = _input_array(case)
    requires = sorted({token if token != "op:write" else "op:read" for token in case.requires})
    format_name, _, name = case_id.split("/")
    return CaseDraft(
        id=f"{format_name}/{AREA}/{slug(writer)}--{name}",
        kind="read",
        requirements=list(case.requirements),
        description=f"the store {writer} wrote for {case_id} reads as the values it was given",
        requires=requires,
        level=case.level,
        tags=[AREA],
        store=_store_of(store),
        node=target["node"],
        expected_array=values,
        expected_data_type=data_type,
        origin={"generator": "zn5.conformance.interop"},
    )


def _run(participant: Participant, corpus: Corpus, options: RunOptions) -> RunResult | None:
    try:
        return Runner(corpus, participant.connect, options=options).run()
    except AdapterStartError as error:
        print(f"zn5 interop: {participant.name} did not start: {error}", file=sys.stderr)
        return None


def write_stores(writers: Sequence[Participant], corpus: Corpus, into: Path) -> dict[str, RunResult]:
    """Run the write cases through each writer, keeping the verified stores in ``into/<writer>/``."""
    write_ids = [case.id for case in corpus.cases if case.kind == "write"]
    results = {}
    for writer in writers:
        options = RunOptions(collect=into / writer.name)
        (into / writer.name).mkdir(parents=True)
        result = _run(writer, corpus, options) if write_ids else None
        if result is not None:
            results[writer.name] = result
            passed = sum(1 for case in result.results if case.kind == "write" and case.outcome == "pass")
            print(f"zn5 interop: {writer.name} wrote {passed} of {len(write_ids)} stores that verify")
    return results


def _written(into: Path, writers: Iterator[str]) -> Iterator[tuple[str, str, Path]]:
    """(writer, write case id, store folder) for every kept store."""
    for writer in writers:
        for store in sorted((into / writer).glob("*/*/*")):
            yield writer, store.relative_to(into / writer).as_posix(), store


def matrix(readers: Mapping[str, RunResult], by_writer: Mapping[str, set[str]]) -> list[dict[str, Any]]:
    """Per writer and reader: stores tried, read exactly, and the ids of those read wrong."""
    cells = []
    for writer, ids in by_writer.items():
        for reader, result in readers.items():
            tried = [case for case in result.results if case.id in ids and case.outcome not in NOT_TRIED]
            cells.append(
                {
                    "writer": writer,
                    "reader": reader,
                    "cases": len(tried),
                    "pass": sum(1 for case in tried if case.outcome == "pass"),
                    "failing": sorted(
                        f"{case.id}: {case.outcome}" for case in tried if case.outcome != "pass"
                    ),
                }
            )
    return cells


def versions(results: Mapping[str, RunResult]) -> dict[str, dict[str, str]]:
    """Library, version and language of each adapter that ran, from its hello."""
    return {
        name: {
            "library": result.hello.implementation.name,
            "version": result.hello.implementation.version,
            "language": result.hello.implementation.language,
        }
        for name, result in results.items()
    }


def independent(names: Sequence[str], codebases: Mapping[str, frozenset[str]]) -> list[str]:
    """The readers among ``names`` that share no codebase with the reference or with each other
    (taken in order, the first of a group sharing code standing for it)."""
    chosen: list[str] = []
    used = set(codebases[REFERENCE])
    for name in names:
        if name != REFERENCE and not codebases[name] & used:
            chosen.append(name)
            used |= codebases[name]
    return chosen


def capture_gold(
    derived: Corpus,
    readers: Mapping[str, RunResult],
    codebases: Mapping[str, frozenset[str]],
    sources: Mapping[str, tuple[str, str]],
    libraries: Mapping[str, dict[str, str]],
    destination: Path,
) -> list[Path]:
    """Save each derived store that the reference and enough independent readers read exactly.

    ``sources`` maps a derived case id to its writer and write case id; ``libraries`` gives each adapter's
    library, version and language.
    """
    saved = []
    for case in derived.cases:
        passed = sorted(
            name
            for name, result in readers.items()
            for c in result.results
            if c.id == case.id and c.outcome == "pass"
        )
        if REFERENCE not in passed or len(independent(passed, codebases)) < MIN_INDEPENDENT:
            continue
        writer, source = sources[case.id]
        if writer == REFERENCE:
            continue  # gold stores are written by third-party libraries
        library = libraries[writer]
        folder = destination / slug(f"{library['library']}-{library['version']}") / case.id.split("/", 1)[0]
        folder = folder.with_name(f"{folder.name}--{source.rsplit('/', 1)[1]}")
        if folder in saved:
            continue  # two adapters over one library (zarr-java from Java and from Scala) wrote it
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(case.folder / "store", folder / "store")
        shutil.copytree(case.folder / "expected", folder / "expected")
        gold = {
            **library,
            "adapter": writer,
            "format": case.format,
            "node": case.input["node"],
            "source_case": source,
            "requirements": list(case.requirements),
            "requires": sorted(case.requires),
            "agreed": [f"{libraries[name]['library']} {libraries[name]['version']}" for name in passed],
        }
        (folder / "gold.json").write_text(dump_json(gold), encoding="utf-8")
        saved.append(folder)
    return saved


@dataclass
class Interop:
    """The outcome of one writer × reader run."""

    derived: Corpus
    readers: dict[str, RunResult]
    sources: dict[str, tuple[str, str]]
    """Derived case id → (writer, write case id)."""
    libraries: dict[str, dict[str, str]]
    codebases: dict[str, frozenset[str]]
    report: dict[str, Any]

    def capture_gold(self, destination: Path) -> list[Path]:
        """Save the stores enough independent readers agree on (see :func:`capture_gold`)."""
        return capture_gold(
            self.derived, self.readers, self.codebases, self.sources, self.libraries, destination
        )


def run_interop(taking_part: Sequence[Participant], corpus: Corpus, work: Path) -> Interop:
    """Write with every participant, read every verified store with every participant."""
    shutil.rmtree(work, ignore_errors=True)
    written = write_stores(taking_part, corpus, work / "stores")
    cases, sources = [], {}
    for writer, case_id, store in _written(work / "stores", iter(written)):
        case = derived_case(writer, corpus, case_id, store)
        cases.append(case)
        sources[case.id] = (writer, case_id)
    write_corpus(work / "corpus", cases, corpus.version)
    derived = Corpus.load(work / "corpus")
    readers = {p.name: r for p in taking_part if (r := _run(p, derived, RunOptions())) is not None}
    by_writer = {
        writer: {case_id for case_id, (w, _) in sources.items() if w == writer} for writer in written
    }
    libraries = versions({**written, **readers})
    report = {
        "corpus": corpus.version,
        "corpus_digest": corpus.digest,
        "libraries": libraries,
        "matrix": matrix(readers, by_writer),
    }
    codebases = {p.name: p.codebase for p in taking_part}
    return Interop(derived, readers, sources, libraries, codebases, report)


def interop_command(arguments: argparse.Namespace) -> int:
    """Write with every writer, read with every reader, write the matrix (and the gold stores)."""
    corpus = Corpus.load(arguments.corpus)
    try:
        taking_part = participants(arguments.impl or sorted(registered()), corpus)
    except KeyError as error:
        print(f"zn5 interop: error: {error.args[0]}", file=sys.stderr)
        return 2
    result = run_interop(taking_part, corpus, arguments.build_dir)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(dump_json(result.report), encoding="utf-8")
    print(
        f"zn5 interop: {len(result.sources)} stores, read by {len(result.readers)} adapters: "
        f"{arguments.output}"
    )
    if arguments.gold is not None:
        saved = result.capture_gold(arguments.gold)
        print(f"zn5 interop: {len(saved)} gold stores saved under {arguments.gold}")
    return 0


def register(subparsers: Any) -> None:
    """Add ``zn5 interop``."""
    parser = subparsers.add_parser(
        "interop",
        help="writer × reader: every adapter writes the write cases, every adapter reads what was written",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument(
        "--impl", metavar="NAME", nargs="+", action="extend", help="adapters (default: all registered)"
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS, metavar="DIR", help="the corpus folder")
    parser.add_argument(
        "--output", type=Path, default=REPORT_PATH, metavar="FILE", help=f"the matrix ({REPORT_PATH})"
    )
    parser.add_argument(
        "--build-dir", type=Path, default=BUILD_DIR, metavar="DIR", help=f"work folder ({BUILD_DIR})"
    )
    parser.add_argument(
        "--gold", type=Path, metavar="DIR", help="also save the stores enough readers agree on"
    )
    parser.set_defaults(handler=interop_command)

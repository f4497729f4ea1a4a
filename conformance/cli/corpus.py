"""``zn5 corpus build [DEST]``, ``zn5 corpus check [DIR]`` and ``zn5 corpus diff OLD NEW``: generate the
corpus, lint it, and list what changed between two versions of it.

The check reports every problem at once: case.json against its schema, ids equal to folder paths and
unique, uids recomputed, capability tokens from the vocabulary, requirement IDs defined in the spec,
declarative descriptions, reject cases with their twins, and coverage (every MUST has a case, every
MUST NOT a reject case or, for a writer's prohibition, a write case, unless the spec marks it as covered
by a project test).

The change list of ``diff`` is a pure function of the two corpus folders: their versions, digests and
the ids, uids, kinds and formats of their cases (schemas/project/corpus-changes.schema.json). A case is
changed when its id is in both and its uid differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from zn5.conformance.generate import build
from zn5.conformance.suite.case import CorpusError, dump_json
from zn5.conformance.suite.changes import corpus_changes
from zn5.conformance.suite.lint import iter_cases, lint
from zn5.conformance.suite.requirements import load_requirements
from zn5.conformance.suite.resources import CORPUS

REPOSITORY = Path(__file__).resolve().parents[2]
"""The checkout this module lies in: its ``spec/`` is what the spec checks read (an installed package has
no spec folder, and ``zn5 corpus check`` then says it skipped them)."""


def run_diff(arguments: argparse.Namespace) -> int:
    """Write the change list from OLD to NEW (stdout without --output)."""
    try:
        changes = corpus_changes(arguments.old, arguments.new)
    except CorpusError as error:
        print(f"zn5 corpus diff: {error}", file=sys.stderr)
        return 2
    text = dump_json(changes)
    if arguments.output is None:
        sys.stdout.write(text)
    else:
        arguments.output.parent.mkdir(parents=True, exist_ok=True)
        arguments.output.write_text(text, encoding="utf-8")
        counts = ", ".join(f"{len(changes[name])} {name}" for name in ("added", "removed", "changed"))
        print(f"{changes['from']['version']}..{changes['to']['version']}: {counts} -> {arguments.output}")
    return 0


def run_build(arguments: argparse.Namespace) -> int:
    """Generate the corpus into DEST (default: the committed corpus)."""
    manifest = build(arguments.destination)
    print(f"{len(manifest['cases'])} cases written to {arguments.destination} ({manifest['digest']})")
    return 0


def run_check(arguments: argparse.Namespace) -> int:
    """Lint the corpus; exit 1 when anything is wrong."""
    spec = arguments.spec if arguments.spec.is_dir() else None
    requirements = load_requirements(spec) if spec is not None else None
    problems = lint(arguments.corpus, requirements)
    for problem in problems:
        print(problem)
    count = sum(1 for _ in iter_cases(arguments.corpus))
    print(
        f"{count} cases checked; {len(problems)} problems"
        + ("" if spec else " (no spec folder: spec checks skipped)")
    )
    return 1 if problems else 0


def register(subparsers: Any) -> None:
    """Add ``zn5 corpus build``, ``zn5 corpus check`` and ``zn5 corpus diff``."""
    parser = subparsers.add_parser("corpus", help="generate or lint the conformance corpus")
    commands = parser.add_subparsers(dest="corpus_command", required=True)
    build_parser = commands.add_parser("build", help="generate the corpus deterministically")
    build_parser.add_argument("destination", nargs="?", type=Path, default=CORPUS)
    build_parser.set_defaults(handler=run_build)
    check_parser = commands.add_parser("check", help="lint the corpus against its schema and the spec")
    check_parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    check_parser.add_argument("--spec", type=Path, default=REPOSITORY / "spec")
    check_parser.set_defaults(handler=run_check)
    diff_parser = commands.add_parser(
        "diff", help="list the cases added, removed and changed between two corpus folders (JSON)"
    )
    diff_parser.add_argument("old", type=Path, help="the older corpus folder")
    diff_parser.add_argument("new", type=Path, help="the newer corpus folder")
    diff_parser.add_argument("--output", type=Path, help="write the change list here instead of to stdout")
    diff_parser.set_defaults(handler=run_diff)

"""RFC tooling: ``zn5 rfc check`` validates the RFCs in ``rfcs/``, ``zn5 rfc index`` lists them.

An RFC is a Markdown file ``rfcs/NNNN-slug.md`` that starts with YAML front matter between two ``---``
lines. The front matter is validated against ``schemas/project/rfc-front-matter.schema.json``; the rules
that need more than one document are checked by the modules of ``zn5.conformance.rfc``:

* file names and numbers (``NNNN-slug.md``, the number in the front matter equals the prefix, unique);
* calendar dates and the Last Call window that the RFC's track and compatibility ask for;
* references between RFCs (``requires``, ``supersedes``, ``superseded_by``, reciprocal supersession);
* every requirement ID in the front matter is mentioned in the RFC's text;
* status transitions, read from git history (each committed version, then the working tree): an RFC
  starts as Draft and each change of status is an edge of :data:`TRANSITIONS` whose guard holds;
* evidence for Candidate and Final RFCs: the requirement IDs are defined in ``spec/``, each has a corpus
  case that names it (or, when the spec says a project test covers it, a test marked
  ``@pytest.mark.req("ID")``), removed IDs are gone, cited reports exist, the reference implementation
  has one, and Final needs reports from at least :data:`MIN_INDEPENDENT` independent implementations
  (distinct ``codebase`` values besides :data:`REFERENCE_CODEBASE`);
* decision records cited by the RFC exist.

The process these rules enforce is written down in ``rfcs/0001-rfc-process.md``; a test compares that
document's transition table with :data:`TRANSITIONS` so that the two cannot drift apart.

The corpus (``conformance/corpus/cases/**/case.json``) and the conformance reports are read only for
Candidate and Final RFCs, so those checks stay silent while every RFC is a Draft. A cited report counts
only when it runs at least one case of the RFC's requirements and passes every such case.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from zn5.conformance.rfc.checks import (
    check_repository,
    check_schema,
)
from zn5.conformance.rfc.documents import (
    Layout,
    load_rfcs,
    load_validator,
    rfc_files,
)
from zn5.conformance.rfc.index import build_index, render_markdown

# --------------------------------------------------------------------------------------------------------
# Command line


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that has an ``rfcs`` folder (else ``start``)."""
    for candidate in (start, *start.parents):
        if (candidate / "rfcs").is_dir():
            return candidate
    return start


def layout_from(arguments: argparse.Namespace) -> Layout:
    """The layout the command-line options describe."""
    root = Path(arguments.root) if arguments.root else find_root(Path.cwd())
    layout = Layout.at(root)
    spec = getattr(arguments, "spec", None)
    return replace(
        layout,
        rfcs=Path(arguments.rfcs) if arguments.rfcs else layout.rfcs,
        spec=Path(spec) if spec else layout.spec,
    )


def run_check(arguments: argparse.Namespace) -> int:
    """``zn5 rfc check``: print every problem; exit 1 if there is any."""
    layout = layout_from(arguments)
    problems = check_repository(layout, history=not arguments.no_history)
    for problem in problems:
        print(problem)
    count = len(rfc_files(layout.rfcs)) if layout.rfcs.is_dir() else 0
    summary = f"{len(problems)} problem(s)" if problems else "no problems"
    print(f"zn5 rfc check: {count} RFC(s) in {layout.display(layout.rfcs)}: {summary}", file=sys.stderr)
    return 1 if problems else 0


def run_index(arguments: argparse.Namespace) -> int:
    """``zn5 rfc index``: write ``index.json`` (and optionally the Markdown page)."""
    layout = layout_from(arguments)
    rfcs, problems = load_rfcs(layout)
    validator = load_validator(layout.schema)
    for rfc in rfcs:
        problems += check_schema(rfc, validator, layout)
    if problems:
        for problem in sorted(problems):
            print(problem, file=sys.stderr)
        return 1
    index = build_index(rfcs, layout)
    text = json.dumps(index, indent=2, ensure_ascii=False) + "\n"
    if arguments.output in (None, "-"):
        sys.stdout.write(text)
    else:
        Path(arguments.output).write_text(text, encoding="utf-8")
    if arguments.markdown:
        page = Path(arguments.markdown)
        page.write_text(render_markdown(index, page, layout), encoding="utf-8")
    return 0


def add_commands(parser: argparse.ArgumentParser) -> None:
    """Add the ``check`` and ``index`` commands to ``parser``."""
    commands = parser.add_subparsers(dest="rfc_command", required=True)
    check = commands.add_parser("check", help="validate every RFC (front matter, names, history, evidence)")
    index = commands.add_parser("index", help="write the RFC index as JSON, and optionally as Markdown")
    for command in (check, index):
        command.add_argument("--root", help="the repository root (default: nearest folder with rfcs/)")
        command.add_argument("--rfcs", help="the RFC folder (default: ROOT/rfcs)")
    check.add_argument("--spec", help="the spec folder (default: ROOT/spec)")
    check.add_argument("--no-history", action="store_true", help="skip the status checks from git history")
    check.set_defaults(handler=run_check)
    index.add_argument("--output", help="where to write index.json (default: standard output)")
    index.add_argument("--markdown", metavar="PATH", help="also write a Markdown index page to PATH")
    index.set_defaults(handler=run_index)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``zn5 rfc`` with its ``check`` and ``index`` commands."""
    parser = subparsers.add_parser("rfc", help="check the RFCs and build their index", description=__doc__)
    add_commands(parser)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``zn5 rfc`` on its own (``python -m zn5.conformance.cli.rfc check``)."""
    parser = argparse.ArgumentParser(prog="zn5 rfc", description=(__doc__ or "").splitlines()[0])
    add_commands(parser)
    arguments = parser.parse_args(argv)
    handler = arguments.handler
    result: int = handler(arguments)
    return result


if __name__ == "__main__":
    sys.exit(main())

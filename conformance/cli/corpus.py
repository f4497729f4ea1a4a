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
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from zn5.conformance.generate import build
from zn5.conformance.generate.case import dump_json, node_tokens
from zn5.conformance.suite.case import Case, Corpus, CorpusError
from zn5.conformance.suite.requirements import Requirement, load_requirements
from zn5.conformance.suite.resources import CORPUS, PROJECT_SCHEMAS

REPOSITORY = Path(__file__).resolve().parents[2]
"""The checkout this module lies in: its ``spec/`` is what the spec checks read (an installed package has
no spec folder, and ``zn5 corpus check`` then says it skipped them)."""
CHANGE_LIST_FORMAT = 1
MODAL_VERBS = re.compile(r"\b(must|shall|should|may|might|ought|need to|needs to)\b", re.IGNORECASE)


def case_validator(schemas: Path = PROJECT_SCHEMAS) -> Draft202012Validator:
    """A validator for case.json with the project schemas it refers to."""
    resources = [
        (document["$id"], Resource.from_contents(document))
        for document in (
            json.loads(path.read_text(encoding="utf-8")) for path in sorted(schemas.glob("*.json"))
        )
    ]
    registry: Registry[Any] = Registry().with_resources(resources)
    case_schema = json.loads((schemas / "case.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(case_schema, registry=registry)


def iter_cases(corpus: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every case folder and its case.json, in id order."""
    for path in sorted((corpus / "cases").rglob("case.json")):
        yield path.parent, json.loads(path.read_text(encoding="utf-8"))


def lint(corpus: Path, requirements: dict[str, Requirement] | None) -> list[str]:
    """Every problem with the corpus at ``corpus``; ``requirements`` None skips the spec checks."""
    problems: list[str] = []
    validator = case_validator()
    vocabulary = set(json.loads((corpus / "capabilities.json").read_text(encoding="utf-8"))["tokens"])
    cases = list(iter_cases(corpus))
    ids = {case["id"] for _, case in cases}
    covered: dict[str, set[str]] = {}
    for folder, case in cases:
        where = folder.relative_to(corpus).as_posix()
        problems.extend(
            f"{where}: {error.json_path}: {error.message}" for error in validator.iter_errors(case)
        )
        if f"cases/{case.get('id')}" != where:
            problems.append(f"{where}: id {case.get('id')!r} differs from the folder path")
        problems.extend(
            f"{where}: unknown capability {token}"
            for token in case.get("requires", [])
            if token not in vocabulary
        )
        node = case.get("expect", {}).get("node")
        needed = node_tokens(node) if isinstance(node, dict) else []
        problems.extend(
            f"{where}: the node the case describes needs {token}, which its requires does not list"
            for token in sorted(set(needed) - set(case.get("requires", [])))
        )
        if MODAL_VERBS.search(case.get("description", "")):
            problems.append(f"{where}: the description uses a modal verb: {case['description']!r}")
        twin = case.get("expect", {}).get("twin")
        if case.get("kind") == "reject" and twin not in ids:
            problems.append(f"{where}: the reject case names no existing valid twin ({twin!r})")
        for requirement in case.get("requirements", []):
            covered.setdefault(requirement, set()).add(case.get("kind", ""))
    if requirements is not None:
        problems.extend(_spec_problems(covered, requirements))
    return problems


def _spec_problems(covered: dict[str, set[str]], requirements: dict[str, Requirement]) -> Iterator[str]:
    for cited in sorted(set(covered) - set(requirements)):
        yield f"requirement {cited} is cited by cases but not defined in the spec"
    for requirement in requirements.values():
        if requirement.tested_by_project_test:
            continue
        kinds = covered.get(requirement.id, set())
        where = f"{requirement.chapter}:{requirement.line}"
        if requirement.level == "MUST" and not kinds:
            yield f"{where}: MUST {requirement.id} has no corpus case"
        if requirement.level == "MUST NOT" and not kinds & {"reject", "write"}:
            yield f"{where}: MUST NOT {requirement.id} has no reject or write case"


def _entry(case: Case) -> dict[str, str]:
    return {"id": case.id, "uid": case.uid, "kind": case.kind, "format": case.format}


def corpus_changes(old: Path, new: Path) -> dict[str, Any]:
    """The change list from the corpus at ``old`` to the one at ``new``, validated against its schema.

    Both corpora are checked as the runner loads them (CorpusError when a case's uid or the digest does
    not match its manifest).
    """
    before, after = Corpus.load(old), Corpus.load(new)
    old_cases = {case.id: case for case in before.cases}
    new_cases = {case.id: case for case in after.cases}
    common = sorted(old_cases.keys() & new_cases.keys())
    changed = [
        {
            "id": case_id,
            "kind": new_cases[case_id].kind,
            "format": new_cases[case_id].format,
            "from_uid": old_cases[case_id].uid,
            "to_uid": new_cases[case_id].uid,
        }
        for case_id in common
        if old_cases[case_id].uid != new_cases[case_id].uid
    ]
    changes = {
        "change_list_format": CHANGE_LIST_FORMAT,
        "from": {"version": before.version, "digest": before.digest},
        "to": {"version": after.version, "digest": after.digest},
        "added": [_entry(new_cases[case_id]) for case_id in sorted(new_cases.keys() - old_cases.keys())],
        "removed": [_entry(old_cases[case_id]) for case_id in sorted(old_cases.keys() - new_cases.keys())],
        "changed": changed,
        "unchanged": len(common) - len(changed),
    }
    errors = [error.message for error in change_list_validator().iter_errors(changes)]
    if errors:
        raise ValueError(f"the change list breaks its schema: {'; '.join(errors)}")
    return changes


def change_list_validator(schemas: Path = PROJECT_SCHEMAS) -> Draft202012Validator:
    """A validator for a corpus change list."""
    schema = json.loads((schemas / "corpus-changes.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


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

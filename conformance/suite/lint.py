"""The corpus lint of ``zn5 corpus check``: every problem at once.

case.json against its schema, ids equal to folder paths, capability tokens from the vocabulary (and the
tokens the expected node implies), declarative descriptions, reject cases with their twins, and coverage:
every MUST has a case, every MUST NOT a reject case or, for a writer's prohibition, a write case, unless
the spec marks it as covered by a project test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from zn5.conformance.suite.case import CASE_FILE, read_document
from zn5.conformance.suite.requirements import Requirement
from zn5.conformance.suite.resources import PROJECT_SCHEMAS
from zn5.conformance.suite.tokens import node_tokens

MODAL_VERBS: Final = re.compile(r"\b(must|shall|should|may|might|ought|need to|needs to)\b", re.IGNORECASE)


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


def iter_cases(corpus: Path) -> Iterator[tuple[Path, Any]]:
    """Every case folder and its parsed case.json, unchecked (the lint checks it), in id order."""
    for path in sorted((corpus / "cases").rglob(CASE_FILE)):
        yield path.parent, read_document(path.parent)


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
        problems.extend(spec_problems(covered, requirements))
    return problems


def spec_problems(covered: dict[str, set[str]], requirements: dict[str, Requirement]) -> Iterator[str]:
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

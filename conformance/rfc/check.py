"""RFC tooling: ``zn5 rfc check`` validates the RFCs in ``rfcs/``, ``zn5 rfc index`` lists them.

An RFC is a Markdown file ``rfcs/NNNN-slug.md`` that starts with YAML front matter between two ``---``
lines. The front matter is validated against ``schemas/project/rfc-front-matter.schema.json``; the rules
that need more than one document are checked here:

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
import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

import yaml
from jsonschema import Draft202012Validator, ValidationError

from zn5.conformance.suite.requirements import Requirement, RequirementMarkupError, load_requirements
from zn5.conformance.suite.resources import PROJECT_SCHEMAS

SCHEMA_PATH: Final = Path("schemas/project/rfc-front-matter.schema.json")
TEMPLATE_NAME: Final = "0000-template.md"
FILE_NAME_RE: Final = re.compile(r"^(?P<number>[0-9]{4})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
REFERENCE_CODEBASE: Final = "zn5-reference"
MIN_INDEPENDENT: Final = 2
WORKING_TREE: Final = "the working tree"

STATUSES: Final = (
    "Draft",
    "Review",
    "Last-Call",
    "Accepted",
    "Candidate",
    "Final",
    "Deferred",
    "Withdrawn",
    "Rejected",
    "Superseded",
)

TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    "Draft": frozenset({"Review", "Deferred", "Withdrawn"}),
    "Review": frozenset({"Last-Call", "Draft", "Deferred", "Withdrawn"}),
    "Last-Call": frozenset({"Accepted", "Review", "Rejected", "Deferred", "Withdrawn"}),
    "Accepted": frozenset({"Candidate", "Final", "Rejected", "Withdrawn"}),
    "Candidate": frozenset({"Final", "Review", "Rejected", "Withdrawn"}),
    "Final": frozenset({"Superseded"}),
    "Deferred": frozenset({"Draft"}),
    "Withdrawn": frozenset(),
    "Rejected": frozenset(),
    "Superseded": frozenset(),
}
"""The legal status changes: ``TRANSITIONS[old]`` is the set of statuses ``old`` may change to."""

LAST_CALL_DAYS: Final[Mapping[str, int]] = {
    "standards": 14,
    "registry": 7,
    "erratum": 7,
    "process": 14,
    "informational": 14,
}
"""The shortest Last Call window per track, in days; a ``breaking`` change needs :data:`BREAKING_DAYS`."""
BREAKING_DAYS: Final = 28

FrontMatter = dict[str, Any]


# --------------------------------------------------------------------------------------------------------
# Problems, paths and loading


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file: where it is, which field, and what is expected."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Layout:
    """Where a repository keeps the files the RFC checks read."""

    root: Path
    rfcs: Path
    spec: Path
    corpus_cases: Path
    tests: Path
    schema: Path

    @classmethod
    def at(cls, root: Path) -> Layout:
        """The conventional layout below ``root``; the schema falls back to the one beside this package."""
        schema = root / SCHEMA_PATH
        if not schema.is_file():
            schema = PROJECT_SCHEMAS / SCHEMA_PATH.name
        return cls(
            root=root,
            rfcs=root / "rfcs",
            spec=root / "spec",
            corpus_cases=root / "conformance" / "corpus" / "cases",
            tests=root / "tests",
            schema=schema,
        )

    def display(self, path: Path) -> str:
        """``path`` relative to the repository root when it lies below it, in POSIX form."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


@dataclass(frozen=True)
class Rfc:
    """One RFC file, its parsed front matter and its Markdown body."""

    path: Path
    front_matter: FrontMatter
    body: str

    @property
    def number(self) -> int | None:
        """The number in the front matter, if it is an integer."""
        value = self.front_matter.get("number")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def status(self) -> str | None:
        """The status in the front matter, if it is a string."""
        value = self.front_matter.get("status")
        return value if isinstance(value, str) else None

    @property
    def requirements(self) -> list[str]:
        """The requirement IDs the RFC adds or changes."""
        return _string_list(self.front_matter.get("requirements"))

    @property
    def removes(self) -> list[str]:
        """The requirement IDs the RFC retires: never defined again, never reused."""
        return _string_list(self.front_matter.get("removes"))


class FrontMatterError(ValueError):
    """A file has no front matter, or it is not a YAML mapping."""


class _StringDateLoader(yaml.SafeLoader):
    """A safe YAML loader that keeps dates as the strings they were written as."""


_StringDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(text: str) -> tuple[str, str]:
    """Split a document into its YAML front matter and its body."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        raise FrontMatterError("the file must start with a '---' line that opens the YAML front matter")
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    raise FrontMatterError("the front matter is not closed by a second '---' line")


def parse_front_matter(text: str) -> tuple[FrontMatter, str]:
    """Parse a document's front matter (dates stay strings) and return it with the body."""
    header, body = split_front_matter(text)
    try:
        data = yaml.load(header, Loader=_StringDateLoader)
    except yaml.YAMLError as error:
        raise FrontMatterError(f"the front matter is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise FrontMatterError("the front matter must be a YAML mapping of field names to values")
    return data, body


def load_rfc(path: Path, layout: Layout) -> tuple[Rfc | None, list[Problem]]:
    """Read one RFC file; a file that cannot be parsed yields a problem instead."""
    try:
        front_matter, body = parse_front_matter(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, FrontMatterError) as error:
        return None, [Problem(layout.display(path), "(front matter)", str(error))]
    return Rfc(path, front_matter, body), []


def rfc_files(rfcs_dir: Path) -> list[Path]:
    """The RFC files of a folder: Markdown files whose name starts with a digit, except the template."""
    return sorted(
        path
        for path in rfcs_dir.glob("*.md")
        if path.is_file() and path.name[:1].isdigit() and path.name != TEMPLATE_NAME
    )


def load_rfcs(layout: Layout) -> tuple[list[Rfc], list[Problem]]:
    """Load every RFC under ``layout.rfcs``."""
    rfcs: list[Rfc] = []
    problems: list[Problem] = []
    if not layout.rfcs.is_dir():
        return [], [Problem(layout.display(layout.rfcs), "(folder)", "the RFC folder does not exist")]
    for path in rfc_files(layout.rfcs):
        rfc, found = load_rfc(path, layout)
        problems.extend(found)
        if rfc is not None:
            rfcs.append(rfc)
    return rfcs, problems


def load_validator(schema_path: Path) -> Draft202012Validator:
    """The JSON Schema validator for RFC front matter."""
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _string_list(value: object) -> list[str]:
    """The strings of a list value; anything else gives an empty list (the schema reports it)."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _int_list(value: object) -> list[int]:
    """The integers of a list value; anything else gives an empty list (the schema reports it)."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, int) and not isinstance(item, bool)]


def parse_date(value: object) -> dt.date | None:
    """A ``YYYY-MM-DD`` string as a date, or None when it is no real calendar date."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------------------
# Checks on one RFC


def _json_path(parts: Iterable[str | int]) -> str:
    """A JSON path such as ``authors[0].name`` for a schema error location."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _schema_problem(file: str, error: ValidationError, front_matter: FrontMatter) -> Problem:
    """Turn one schema error into a problem that names the field and the rule."""
    if error.validator == "anyOf" and error.context:
        non_type = [cause for cause in error.context if cause.validator != "type"]
        error = (non_type or error.context)[0]
    parts: list[str | int] = list(error.absolute_path)
    message = error.message
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if error.validator == "pattern" and description:
        message = f"{error.instance!r} does not follow the rule: {description}"
    elif error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        parts.extend(missing[:1])
        message = "is required here but missing"
    elif error.validator in (None, "not"):
        message = "is not allowed here"
    schema_path = list(error.schema_path)
    if schema_path[:1] == ["allOf"] and any(step in ("then", "else") for step in schema_path):
        message += f" (status {front_matter.get('status')!r}, track {front_matter.get('track')!r})"
    return Problem(file, _json_path(parts) or "(front matter)", message)


def check_schema(rfc: Rfc, validator: Draft202012Validator, layout: Layout) -> list[Problem]:
    """Validate the front matter against the JSON Schema."""
    file = layout.display(rfc.path)
    errors = sorted(
        validator.iter_errors(rfc.front_matter), key=lambda error: [str(part) for part in error.absolute_path]
    )
    return [_schema_problem(file, error, rfc.front_matter) for error in errors]


def check_number(rfc: Rfc, layout: Layout) -> list[Problem]:
    """The number in the front matter equals the ``NNNN`` prefix of the file name."""
    match = FILE_NAME_RE.fullmatch(rfc.path.name)
    if match is None or rfc.number is None or int(match["number"]) == rfc.number:
        return []  # a malformed file name is reported by check_file_names
    message = f"is {rfc.number}, but the file name says {int(match['number'])}"
    return [Problem(layout.display(rfc.path), "number", message)]


def check_dates(rfc: Rfc, layout: Layout, today: dt.date) -> list[Problem]:
    """Dates are real calendar days, not in the future, and in order."""
    file = layout.display(rfc.path)
    problems: list[Problem] = []
    days: dict[str, dt.date] = {}
    last_call = rfc.front_matter.get("last_call")
    fields: list[tuple[str, object]] = [
        ("created", rfc.front_matter.get("created")),
        ("updated", rfc.front_matter.get("updated")),
    ]
    if isinstance(last_call, dict):
        fields += [
            ("last_call.opened", last_call.get("opened")),
            ("last_call.closes", last_call.get("closes")),
        ]
    for name, value in fields:
        day = parse_date(value)
        if day is None:
            if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                problems.append(Problem(file, name, f"{value} is not a calendar date"))
            continue
        days[name] = day
        if name != "last_call.closes" and day > today:
            problems.append(Problem(file, name, f"{value} is in the future"))
    problems += _date_order(file, days)
    return problems


def _date_order(file: str, days: Mapping[str, dt.date]) -> list[Problem]:
    """Each pair of dates that must be ordered is ordered."""
    pairs = [
        ("created", "updated"),
        ("created", "last_call.opened"),
        ("last_call.opened", "last_call.closes"),
    ]
    return [
        Problem(file, later, f"{days[later]} is before {earlier} ({days[earlier]})")
        for earlier, later in pairs
        if earlier in days and later in days and days[later] < days[earlier]
    ]


def minimum_last_call_days(front_matter: Mapping[str, Any]) -> int:
    """The shortest Last Call window the RFC's track and compatibility allow."""
    if front_matter.get("compatibility") == "breaking":
        return BREAKING_DAYS
    return LAST_CALL_DAYS.get(str(front_matter.get("track")), max(LAST_CALL_DAYS.values()))


def check_last_call(rfc: Rfc, layout: Layout) -> list[Problem]:
    """A Last Call window is at least as long as the track asks."""
    last_call = rfc.front_matter.get("last_call")
    if not isinstance(last_call, dict):
        return []
    opened, closes = parse_date(last_call.get("opened")), parse_date(last_call.get("closes"))
    if opened is None or closes is None:
        return []
    needed = minimum_last_call_days(rfc.front_matter)
    if (closes - opened).days >= needed:
        return []
    message = f"the window is {(closes - opened).days} days; this RFC needs at least {needed}"
    return [Problem(layout.display(rfc.path), "last_call.closes", message)]


def check_mentions(rfc: Rfc, layout: Layout) -> list[Problem]:
    """Every requirement ID in the front matter is stated in the RFC's text."""
    file = layout.display(rfc.path)
    problems = []
    for field in ("requirements", "removes"):
        for requirement in _string_list(rfc.front_matter.get(field)):
            if not re.search(rf"(?<![A-Z0-9-]){re.escape(requirement)}(?![A-Z0-9-])", rfc.body):
                message = f"{requirement} is listed but the text never mentions it"
                problems.append(Problem(file, field, message))
    return problems


def check_decision(rfc: Rfc, layout: Layout) -> list[Problem]:
    """A decision record given as a repository path exists."""
    decision = rfc.front_matter.get("decision")
    if not isinstance(decision, str) or not decision.startswith("governance/decisions/"):
        return []  # a URL is not followed; any other form is the schema's to report
    if (layout.root / decision).is_file():
        return []
    return [Problem(layout.display(rfc.path), "decision", f"{decision} does not exist")]


# --------------------------------------------------------------------------------------------------------
# Checks across RFCs


def check_unique_numbers(rfcs: Sequence[Rfc], layout: Layout) -> list[Problem]:
    """No two RFCs share a number."""
    seen: dict[int, Rfc] = {}
    problems = []
    for rfc in rfcs:
        if rfc.number is None:
            continue
        if rfc.number in seen:
            other = layout.display(seen[rfc.number].path)
            message = f"{rfc.number} is also used by {other}"
            problems.append(Problem(layout.display(rfc.path), "number", message))
        else:
            seen[rfc.number] = rfc
    return problems


def check_references(rfcs: Sequence[Rfc], layout: Layout) -> list[Problem]:
    """``requires``, ``supersedes`` and ``superseded_by`` name existing RFCs, and supersession is mutual."""
    by_number = {rfc.number: rfc for rfc in rfcs if rfc.number is not None}
    problems = []
    for rfc in rfcs:
        file = layout.display(rfc.path)
        superseded_by = rfc.front_matter.get("superseded_by")
        targets = [
            ("requires", _int_list(rfc.front_matter.get("requires"))),
            ("supersedes", _int_list(rfc.front_matter.get("supersedes"))),
            ("superseded_by", [superseded_by] if isinstance(superseded_by, int) else []),
        ]
        for field, numbers in targets:
            for number in numbers:
                if number == rfc.number:
                    problems.append(Problem(file, field, "an RFC cannot refer to itself"))
                elif number not in by_number:
                    problems.append(Problem(file, field, f"RFC {number} does not exist"))
        problems += _supersession_problems(rfc, by_number, file)
    return problems


def _supersession_problems(rfc: Rfc, by_number: Mapping[int, Rfc], file: str) -> list[Problem]:
    """``superseded_by`` is answered by ``supersedes``, and a Final successor marks its predecessors."""
    problems = []
    superseded_by = rfc.front_matter.get("superseded_by")
    successor = by_number.get(superseded_by) if isinstance(superseded_by, int) else None
    if successor is not None and rfc.number not in _int_list(successor.front_matter.get("supersedes")):
        message = f"RFC {successor.number} does not list {rfc.number} in supersedes"
        problems.append(Problem(file, "superseded_by", message))
    if rfc.status != "Final":
        return problems
    for number in _int_list(rfc.front_matter.get("supersedes")):
        old = by_number.get(number)
        if old is None or (old.status, old.front_matter.get("superseded_by")) == ("Superseded", rfc.number):
            continue
        message = f"RFC {number} must be Superseded, with superseded_by {rfc.number}, once this RFC is Final"
        problems.append(Problem(file, "supersedes", message))
    return problems


# --------------------------------------------------------------------------------------------------------
# Status history from git


@dataclass(frozen=True)
class Version:
    """One recorded version of an RFC: where it was read from, its date and its front matter."""

    ref: str
    day: dt.date
    front_matter: FrontMatter

    @property
    def status(self) -> str | None:
        """The status of this version."""
        value = self.front_matter.get("status")
        return value if isinstance(value, str) else None


def _git(directory: Path, *arguments: str) -> str:
    """Run git in ``directory`` and return its output; raises on failure."""
    completed = subprocess.run(
        ["git", "-C", str(directory), *arguments], capture_output=True, text=True, check=True
    )
    return completed.stdout


def git_toplevel(path: Path) -> Path | None:
    """The work tree that contains ``path``, or None when it is not inside a git repository."""
    try:
        return Path(_git(path, "rev-parse", "--show-toplevel").strip())
    except (OSError, subprocess.CalledProcessError):
        return None


def committed_versions(toplevel: Path, path: Path) -> list[Version]:
    """Every committed version of a file, oldest first, following renames."""
    relative = path.resolve().relative_to(toplevel.resolve()).as_posix()
    try:
        log = _git(toplevel, "log", "--follow", "--format=@@%H %cs", "--name-only", "--", relative)
    except subprocess.CalledProcessError:
        return []
    versions = []
    for commit, day, name in reversed(_parse_log(log)):
        try:
            front_matter, _ = parse_front_matter(_git(toplevel, "show", f"{commit}:{name}"))
        except (subprocess.CalledProcessError, FrontMatterError):
            continue
        versions.append(Version(f"commit {commit[:10]} ({day})", dt.date.fromisoformat(day), front_matter))
    return versions


def _parse_log(log: str) -> list[tuple[str, str, str]]:
    """(commit, date, path) triples from ``git log --format=@@%H %cs --name-only`` output."""
    entries: list[tuple[str, str, str]] = []
    header: tuple[str, str] | None = None
    for line in log.splitlines():
        if line.startswith("@@"):
            commit, day = line[2:].split(" ", 1)
            header = (commit, day)
        elif line.strip() and header is not None:
            entries.append((*header, line.strip()))
            header = None
    return entries


def is_shallow(toplevel: Path) -> bool:
    """True for a shallow clone, whose oldest visible commit need not be where a file began."""
    try:
        return _git(toplevel, "rev-parse", "--is-shallow-repository").strip() == "true"
    except (OSError, subprocess.CalledProcessError):
        return False


def status_history(rfc: Rfc, today: dt.date) -> list[Version] | None:
    """The RFC's committed versions plus the working tree when its status differs; None outside git."""
    toplevel = git_toplevel(rfc.path.parent)
    if toplevel is None:
        return None
    versions = committed_versions(toplevel, rfc.path)
    if not versions or versions[-1].status != rfc.status:
        versions.append(Version(WORKING_TREE, today, rfc.front_matter))
    return versions


def transition_problem(before: Version, after: Version) -> str | None:
    """Why the status change from ``before`` to ``after`` is not allowed, or None if it is."""
    old, new = before.status, after.status
    if old is None or new is None or old not in TRANSITIONS or new not in TRANSITIONS:
        return None  # a missing or unknown status is the schema's to report
    if new not in TRANSITIONS[old]:
        allowed = ", ".join(sorted(TRANSITIONS[old])) or "nothing (it is final)"
        return f"{old} → {new} in {after.ref} is not a legal transition; {old} may become {allowed}"
    return _guard_problem(old, new, after)


def _guard_problem(old: str, new: str, after: Version) -> str | None:
    """The guard of a legal edge that ``after`` does not meet, if any."""
    has_requirements = bool(_string_list(after.front_matter.get("requirements")))
    if (old, new) == ("Accepted", "Final") and has_requirements:
        return f"Accepted → Final in {after.ref}: an RFC with requirements must pass through Candidate"
    if new == "Candidate" and not has_requirements:
        return f"→ Candidate in {after.ref}: only RFCs that add or change requirements have this stage"
    if old == "Last-Call" and new in ("Accepted", "Rejected"):
        last_call = after.front_matter.get("last_call")
        closes = parse_date(last_call.get("closes")) if isinstance(last_call, dict) else None
        if closes is not None and after.day < closes:
            return f"Last-Call → {new} in {after.ref}: the Last Call window closes on {closes}"
    if new in ("Rejected", "Withdrawn") and after.front_matter.get("released_in") is not None:
        return f"→ {new} in {after.ref}: a released change is deprecated by a new RFC, not {new.lower()}"
    return None


def check_history(rfc: Rfc, layout: Layout, today: dt.date) -> list[Problem]:
    """The RFC started as Draft and every change of status in its history is legal."""
    versions = status_history(rfc, today)
    if not versions:
        return []
    file = layout.display(rfc.path)
    first = versions[0]
    problems = []
    began_here = first.ref == WORKING_TREE or not is_shallow(rfc.path.parent)
    if began_here and first.status is not None and first.status != "Draft":
        problems.append(Problem(file, "status", f"an RFC starts as Draft; {first.ref} has {first.status}"))
    changes = [(before, after) for before, after in pairwise(versions) if before.status != after.status]
    for before, after in changes:
        message = transition_problem(before, after)
        if message is not None:
            problems.append(Problem(file, "status", message))
    return problems


# --------------------------------------------------------------------------------------------------------
# Evidence for Candidate and Final RFCs


def case_requirements(case: object) -> list[str]:
    """The requirement IDs a parsed ``case.json`` names, at the top level or under ``spec``."""
    if not isinstance(case, dict):
        return []
    found = _string_list(case.get("requirements"))
    spec = case.get("spec")
    if isinstance(spec, dict):
        found += _string_list(spec.get("requirements"))
    return found


def corpus_cases_by_requirement(cases_dir: Path) -> dict[str, list[Path]]:
    """Map each requirement ID to the corpus cases (``cases/**/case.json``) that name it."""
    index: dict[str, list[Path]] = {}
    for case_file in sorted(cases_dir.glob("**/case.json")):
        try:
            case = json.loads(case_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # the corpus checks report unreadable cases
        for requirement in case_requirements(case):
            index.setdefault(requirement, []).append(case_file)
    return index


PROJECT_TEST_RE: Final = re.compile(
    r"""mark\.req\(\s*["'](?P<id>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-[0-9]{3})["']"""
)


def project_tests_by_requirement(tests_dir: Path) -> dict[str, list[Path]]:
    """Map each requirement ID to the test files that mark a test with ``@pytest.mark.req("ID")``."""
    index: dict[str, list[Path]] = {}
    for test_file in sorted(tests_dir.glob("**/*.py")):
        try:
            text = test_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for requirement in sorted({match["id"] for match in PROJECT_TEST_RE.finditer(text)}):
            index.setdefault(requirement, []).append(test_file)
    return index


@dataclass(frozen=True)
class Evidence:
    """What the evidence checks compare RFCs against: the spec's requirements, the corpus, the tests."""

    defined: Mapping[str, Requirement] | None
    cases: Mapping[str, list[Path]]
    project_tests: Mapping[str, list[Path]]

    def test_problem(self, requirement: str) -> str | None:
        """Why ``requirement`` lacks its test (a corpus case, or the project test the spec names)."""
        known = self.defined.get(requirement) if self.defined is not None else None
        if known is not None and known.tested_by_project_test:
            if requirement in self.project_tests:
                return None
            return f'{requirement} is tested by a project test, but no test is marked req("{requirement}")'
        return None if requirement in self.cases else f"{requirement} has no corpus case that names it"


def load_evidence(layout: Layout) -> tuple[Evidence, list[Problem]]:
    """Read the spec's requirement IDs and the corpus index once."""
    problems = []
    try:
        defined: Mapping[str, Requirement] | None = load_requirements(layout.spec)
    except (OSError, RequirementMarkupError) as error:
        defined = None
        problems.append(Problem(layout.display(layout.spec), "(spec)", f"cannot read requirements: {error}"))
    cases = corpus_cases_by_requirement(layout.corpus_cases)
    return Evidence(defined, cases, project_tests_by_requirement(layout.tests)), problems


def needs_evidence(rfc: Rfc) -> bool:
    """Candidate and Final RFCs that add or change requirements must show evidence."""
    return rfc.status in ("Candidate", "Final") and bool(rfc.requirements)


def check_evidence(rfc: Rfc, layout: Layout, evidence: Evidence) -> list[Problem]:
    """Spec text, corpus cases and conformance reports for a Candidate or Final RFC."""
    file = layout.display(rfc.path)
    problems = []
    for requirement in rfc.requirements:
        if evidence.defined is not None and requirement not in evidence.defined:
            problems.append(Problem(file, "requirements", f"{requirement} is not defined in spec/"))
        missing_test = evidence.test_problem(requirement)
        if missing_test is not None:
            problems.append(Problem(file, "requirements", missing_test))
    for requirement in _string_list(rfc.front_matter.get("removes")):
        if evidence.defined is not None and requirement in evidence.defined:
            problems.append(Problem(file, "removes", f"{requirement} is still defined in spec/"))
    return problems + check_reports(rfc, layout)


def _implementations(rfc: Rfc) -> list[dict[str, Any]]:
    """The implementation entries of an RFC that are mappings."""
    value = rfc.front_matter.get("implementations")
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def check_reports(rfc: Rfc, layout: Layout) -> list[Problem]:
    """Cited reports exist; the reference has one; Final has enough independent implementations."""
    file = layout.display(rfc.path)
    problems = []
    reported: set[str] = set()
    for position, entry in enumerate(_implementations(rfc)):
        report = entry.get("report")
        if not isinstance(report, str):
            continue
        where = f"implementations[{position}].report"
        if not (layout.root / report).is_file():
            problems.append(Problem(file, where, f"{report} does not exist"))
            continue
        failure = report_failure(layout.root / report, rfc.requirements)
        if failure is None:
            reported.add(str(entry.get("codebase")))
        else:
            problems.append(Problem(file, where, f"{report} {failure}"))
    if REFERENCE_CODEBASE not in reported:
        message = f"the reference implementation (codebase {REFERENCE_CODEBASE}) needs an existing report"
        problems.append(Problem(file, "implementations", message))
    independent = sorted(reported - {REFERENCE_CODEBASE})
    if rfc.status == "Final" and len(independent) < MIN_INDEPENDENT:
        message = (
            f"Final needs reports from at least {MIN_INDEPENDENT} independent implementations (distinct "
            f"codebases besides the reference); found {len(independent)}: {', '.join(independent) or '-'}"
        )
        problems.append(Problem(file, "implementations", message))
    return problems


def report_failure(path: Path, requirements: Sequence[str]) -> str | None:
    """Why a conformance report is no evidence for ``requirements``, or None when it passes their cases."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return f"is no readable JSON report ({error})"
    cases = document.get("cases") if isinstance(document, dict) else None
    if not isinstance(cases, list):
        return "has no list of cases"
    wanted = set(requirements)
    relevant = [
        case
        for case in cases
        if isinstance(case, dict)
        and isinstance(case.get("requirements"), list)
        and wanted & set(case["requirements"])
    ]
    if not relevant:
        return f"runs no case of {', '.join(requirements)}"
    failing = sorted(str(case.get("id")) for case in relevant if case.get("outcome") != "pass")
    if failing:
        return f"does not pass {len(failing)} of its {len(relevant)} cases: {', '.join(failing[:5])}"
    return None


# --------------------------------------------------------------------------------------------------------
# The whole repository


def check_template(layout: Layout, validator: Draft202012Validator) -> list[Problem]:
    """The template's front matter is valid apart from its placeholder number 0."""
    path = layout.rfcs / TEMPLATE_NAME
    if not path.is_file():
        return [Problem(layout.display(path), "(file)", "the RFC template is missing")]
    template, problems = load_rfc(path, layout)
    if template is None:
        return problems
    if template.front_matter.get("number") != 0:
        problems.append(Problem(layout.display(path), "number", "the template's number must be 0"))
    candidate = Rfc(template.path, {**template.front_matter, "number": 1}, template.body)
    return problems + check_schema(candidate, validator, layout)


def check_file_names(layout: Layout) -> list[Problem]:
    """Markdown files whose name starts with a digit follow ``NNNN-slug.md``."""
    message = "must be NNNN-slug.md: four digits, a hyphen, lower-case words joined by hyphens"
    return [
        Problem(layout.display(path), "(file name)", message)
        for path in rfc_files(layout.rfcs)
        if FILE_NAME_RE.fullmatch(path.name) is None
    ]


def check_rfc(rfc: Rfc, layout: Layout, validator: Draft202012Validator, today: dt.date) -> list[Problem]:
    """Every check that needs only this RFC (and, for its history, git)."""
    return (
        check_schema(rfc, validator, layout)
        + check_number(rfc, layout)
        + check_dates(rfc, layout, today)
        + check_last_call(rfc, layout)
        + check_mentions(rfc, layout)
        + check_decision(rfc, layout)
    )


def check_repository(layout: Layout, *, history: bool = True, today: dt.date | None = None) -> list[Problem]:
    """Run every RFC check and return the problems found, sorted by file."""
    today = today or dt.date.today()
    validator = load_validator(layout.schema)
    rfcs, problems = load_rfcs(layout)
    if not layout.rfcs.is_dir():
        return problems
    problems += check_template(layout, validator) + check_file_names(layout)
    problems += check_unique_numbers(rfcs, layout) + check_references(rfcs, layout)
    for rfc in rfcs:
        problems += check_rfc(rfc, layout, validator, today)
        if history:
            problems += check_history(rfc, layout, today)
    if any(needs_evidence(rfc) for rfc in rfcs):
        evidence, found = load_evidence(layout)
        problems += found
        for rfc in filter(needs_evidence, rfcs):
            problems += check_evidence(rfc, layout, evidence)
    return sorted(set(problems))


# --------------------------------------------------------------------------------------------------------
# The index


def author_names(authors: object) -> list[str]:
    """The names in an ``authors`` list."""
    if not isinstance(authors, list):
        return []
    return [str(author.get("name")) for author in authors if isinstance(author, dict)]


def index_entry(rfc: Rfc, layout: Layout) -> dict[str, Any]:
    """The index record of one RFC."""
    front_matter = rfc.front_matter
    return {
        "number": rfc.number,
        "title": front_matter.get("title"),
        "status": rfc.status,
        "track": front_matter.get("track"),
        "authors": author_names(front_matter.get("authors")),
        "created": front_matter.get("created"),
        "updated": front_matter.get("updated"),
        "requirements": rfc.requirements,
        "supersedes": _int_list(front_matter.get("supersedes")),
        "superseded_by": front_matter.get("superseded_by"),
        "discussion": front_matter.get("discussion"),
        "path": layout.display(rfc.path),
    }


def build_index(rfcs: Sequence[Rfc], layout: Layout) -> dict[str, Any]:
    """The machine-readable index of all RFCs, ordered by number."""
    entries = sorted((index_entry(rfc, layout) for rfc in rfcs), key=lambda entry: entry["number"] or 0)
    return {
        "front_matter_schema": "https://zn5.dev/schemas/project/rfc-front-matter.schema.json",
        "rfcs": entries,
    }


def _cell(value: object) -> str:
    """A value as the text of a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_markdown(index: Mapping[str, Any], page: Path, layout: Layout) -> str:
    """The RFC index page: a banner for each superseded RFC, then a table of all RFCs."""
    entries: list[dict[str, Any]] = list(index["rfcs"])

    def link(entry: Mapping[str, Any]) -> str:
        target = os.path.relpath(layout.root / str(entry["path"]), page.parent)
        return f"[RFC {entry['number']:04d}]({Path(target).as_posix()})"

    by_number = {entry["number"]: entry for entry in entries}
    lines = ["# RFC index", "", "<!-- Generated by `zn5 rfc index`; edit the RFCs instead. -->", ""]
    for entry in entries:
        if entry["status"] == "Superseded":
            successor = by_number.get(entry["superseded_by"])
            replacement = link(successor) if successor else f"RFC {entry['superseded_by']}"
            title = _cell(entry["title"])
            lines += [f"> **Superseded:** {link(entry)} ({title}) is replaced by {replacement}.", ""]
    lines.append("| RFC | Title | Status | Track | Authors | Updated | Requirements |")
    lines.append("|---|---|---|---|---|---|---|")
    for entry in entries:
        cells = [link(entry), entry["title"], entry["status"], entry["track"], ", ".join(entry["authors"])]
        cells += [entry["updated"], len(entry["requirements"])]
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


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
    """Run ``zn5 rfc`` on its own (``python -m zn5.conformance.rfc.check check``)."""
    parser = argparse.ArgumentParser(prog="zn5 rfc", description=(__doc__ or "").splitlines()[0])
    add_commands(parser)
    arguments = parser.parse_args(argv)
    handler = arguments.handler
    result: int = handler(arguments)
    return result


if __name__ == "__main__":
    sys.exit(main())

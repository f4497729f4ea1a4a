"""RFC documents: the front matter schema's companions (statuses, transitions, Last Call windows), the
repository layout, and loading ``rfcs/NNNN-slug.md`` files (rfcs/0001-rfc-process.md).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml
from jsonschema import Draft202012Validator

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
        return string_list(self.front_matter.get("requirements"))

    @property
    def removes(self) -> list[str]:
        """The requirement IDs the RFC retires: never defined again, never reused."""
        return string_list(self.front_matter.get("removes"))


class FrontMatterError(ValueError):
    """A file has no front matter, or it is not a YAML mapping."""


class StringDateLoader(yaml.SafeLoader):
    """A safe YAML loader that keeps dates as the strings they were written as."""


StringDateLoader.yaml_implicit_resolvers = {
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
        data = yaml.load(header, Loader=StringDateLoader)
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


def string_list(value: object) -> list[str]:
    """The strings of a list value; anything else gives an empty list (the schema reports it)."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def int_list(value: object) -> list[int]:
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

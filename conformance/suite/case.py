"""A corpus case and the corpus: the one model of ``case.json`` and of a corpus folder (DESIGN.md section 5).

:class:`Case` holds the members of one ``case.json`` (``schemas/project/case.schema.json``, CORPUS-CASE-001)
with its folder; :class:`Corpus` holds ``VERSION``, ``manifest.json``, ``capabilities.json`` and the cases.
This module is the only code that reads a ``case.json``: the runner, the corpus lint, the RFC check and
the writer × reader run all ask it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Final, Literal, cast

from zn5.conformance.suite.resources import CORPUS

CASE_FILE: Final = "case.json"
Kind = Literal["read", "metadata", "reject", "write", "equivalence"]
Level = Literal["MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY"]


class CorpusError(ValueError):
    """The corpus folder is missing, or its manifest disagrees with its cases."""


def read_document(folder: Path) -> Any:
    """The parsed ``case.json`` of a case folder, unchecked; OSError or ValueError when unreadable."""
    return json.loads((folder / CASE_FILE).read_text(encoding="utf-8"))


def dump_json(document: Any) -> str:
    """The corpus's JSON layout: sorted keys, two-space indent, final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Case:
    """One case of the corpus: the members of its ``case.json`` and the folder that holds it.

    The fields are the schema's properties, in its order, all of them required (a test checks the two
    against each other); ``folder`` is where the case's files lie.
    """

    id: str
    uid: str
    kind: Kind
    format: str
    requirements: tuple[str, ...]
    level: Level
    requires: frozenset[str]
    tags: tuple[str, ...]
    status: str
    origin: Mapping[str, Any]
    description: str
    input: Mapping[str, Any]
    operation: Mapping[str, Any]
    expect: Mapping[str, Any]
    folder: Path

    @classmethod
    def from_document(cls, document: Mapping[str, Any], folder: Path) -> Case:
        """The case a parsed ``case.json`` describes; KeyError names a missing member."""
        return cls(
            id=str(document["id"]),
            uid=str(document["uid"]),
            kind=cast(Kind, document["kind"]),
            format=str(document["format"]),
            requirements=tuple(document["requirements"]),
            level=cast(Level, document["level"]),
            requires=frozenset(document["requires"]),
            tags=tuple(document["tags"]),
            status=str(document["status"]),
            origin=dict(document["origin"]),
            description=str(document["description"]),
            input=dict(document["input"]),
            operation=dict(document["operation"]),
            expect=dict(document["expect"]),
            folder=folder,
        )

    @classmethod
    def load(cls, folder: Path) -> Case:
        """Read the case in ``folder``; CorpusError names the file when it is unreadable or incomplete."""
        try:
            return cls.from_document(read_document(folder), folder)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CorpusError(f"{folder / CASE_FILE}: unreadable case: {error!r}") from None

    def to_json(self) -> dict[str, Any]:
        """The members of ``case.json``, as the corpus writes them (requires sorted)."""
        document = {item.name: getattr(self, item.name) for item in fields(self) if item.name != "folder"}
        document["requirements"] = list(self.requirements)
        document["requires"] = sorted(self.requires)
        document["tags"] = list(self.tags)
        plain: dict[str, Any] = json.loads(json.dumps(document))
        return plain


@dataclass(frozen=True)
class Profile:
    """A conformance class of capabilities.json: the tokens it needs and the case kinds it covers."""

    name: str
    requires: frozenset[str]
    kinds: frozenset[str] | None = None
    description: str = ""
    capabilities: frozenset[str] = frozenset()
    """The tokens a claim of the profile declares: ``requires`` and the profile's required capabilities."""
    builds_on: str | None = None
    """The profile whose verdict this one carries: it is conformant only with it (CONF-CLASS-005)."""

    @classmethod
    def from_json(cls, name: str, document: Any) -> Profile:
        """A profile: a list of tokens, or {"requires": [...], "capabilities": [...], "kinds": [...],
        "builds_on": name}."""
        if isinstance(document, list):
            return cls(name, frozenset(document))
        kinds = document.get("kinds")
        scope = frozenset(document.get("requires", ()))
        return cls(
            name,
            scope,
            None if kinds is None else frozenset(kinds),
            str(document.get("description", "")),
            scope | frozenset(document.get("capabilities", ())),
            document.get("builds_on"),
        )

    def missing(
        self, declared: frozenset[str], gaps: Mapping[str, frozenset[str]] | None = None
    ) -> list[str]:
        """The tokens a claim needs that ``declared`` lacks, or lacks in the profile's format by ``gaps``;
        none means the profile is claimed."""
        needed = self.capabilities | self.requires
        formats = [token.removeprefix("format:") for token in self.requires if token.startswith("format:")]
        lacking = {token for name in formats for token in (gaps or {}).get(name, ())}
        return sorted((needed - declared) | (needed & lacking))

    def covers(self, case: Case) -> bool:
        """Whether a case belongs to the profile: a kind it covers, needing every token it names."""
        return (self.kinds is None or case.kind in self.kinds) and self.requires <= case.requires


def corpus_digest(entries: Iterable[Mapping[str, Any]]) -> str:
    """The digest of a corpus: SHA-256 of "<id> <uid>" lines in id order (the generator's definition)."""
    lines = "".join(f"{entry['id']} {entry['uid']}\n" for entry in sorted(entries, key=lambda e: e["id"]))
    return "sha256:" + hashlib.sha256(lines.encode()).hexdigest()


@dataclass(frozen=True)
class Corpus:
    """A corpus folder: VERSION, manifest.json, capabilities.json and cases/."""

    root: Path
    version: str
    digest: str
    cases: tuple[Case, ...]
    tokens: Mapping[str, str]
    profiles: tuple[Profile, ...]

    @classmethod
    def load(cls, root: Path = CORPUS) -> Corpus:
        """Read a corpus; CorpusError when it is missing or inconsistent (its digest, its uids)."""
        manifest_path = root / "manifest.json"
        if not manifest_path.is_file():
            raise CorpusError(f"no corpus at {root}: {manifest_path.name} is missing")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            vocabulary_path = root / "capabilities.json"
            vocabulary = (
                json.loads(vocabulary_path.read_text(encoding="utf-8")) if vocabulary_path.is_file() else {}
            )
            version_path = root / "VERSION"
            version = (
                version_path.read_text(encoding="utf-8").strip()
                if version_path.is_file()
                else str(manifest["version"])
            )
            cases = []
            for entry in manifest["cases"]:
                case = Case.load(root / entry["path"])
                if (case.id, case.uid, case.kind, case.format) != (
                    entry["id"],
                    entry["uid"],
                    entry["kind"],
                    entry["format"],
                ):
                    raise CorpusError(
                        f"{case.folder / CASE_FILE}: its id, uid, kind or format differ from the manifest's"
                    )
                cases.append(case)
            digest = str(manifest["digest"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CorpusError(f"{root}: unreadable corpus: {error}") from None
        if corpus_digest(manifest["cases"]) != digest:
            raise CorpusError(f"{manifest_path}: the digest does not match the ids and uids of its cases")
        if version != manifest.get("version", version):
            raise CorpusError(f"{root}: VERSION says {version}, manifest.json says {manifest['version']}")
        profiles = tuple(
            Profile.from_json(name, value) for name, value in sorted(vocabulary.get("profiles", {}).items())
        )
        return cls(root, version, digest, tuple(cases), dict(vocabulary.get("tokens", {})), profiles)

    def select(self, globs: Sequence[str] = ()) -> list[Case]:
        """The cases whose id matches any of ``globs`` (all cases when there are none), in corpus order."""
        if not globs:
            return list(self.cases)
        return [case for case in self.cases if any(fnmatchcase(case.id, glob) for glob in globs)]

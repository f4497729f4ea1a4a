"""Requirement IDs: the one parser of the markup that defines them in ``spec/``.

A requirement is a Markdown list item (or paragraph) that starts with an anchor, the bold ID and its
level, as documented in ``spec/conventions.md``::

    - <a id="CORE-GRID-004"></a>**CORE-GRID-004** (MUST): A reader MUST ...
    - <a id="STORE-WRITE-002"></a>**STORE-WRITE-002** (MUST; project test): A local store MUST ...

The default is that corpus cases test a requirement; ``; project test`` says that a named project
test (marked ``@pytest.mark.req("ID")``) covers it instead, because the corpus cannot reach it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Level = Literal["MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY"]
LEVELS: tuple[Level, ...] = ("MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY")
ID_PATTERN = r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-[0-9]{3}"
ID_RE = re.compile(rf"^{ID_PATTERN}$")
ID_IN_TEXT_RE = re.compile(rf"\b{ID_PATTERN}\b")
DEFINITION_RE = re.compile(
    rf'^\s*(?:[-*]\s+)?<a id="(?P<anchor>{ID_PATTERN})"></a>\*\*(?P<id>{ID_PATTERN})\*\*\s+'
    r"\((?P<level>MUST NOT|MUST|SHOULD NOT|SHOULD|MAY)(?P<project>; project test)?\):\s*(?P<text>.*)$"
)
CONTINUATION_STOP_RE = re.compile(r"^\s*$|^\s*[-*]\s|^\s*#|^\s*<a id=")


@dataclass(frozen=True)
class Requirement:
    """One normative statement of the spec."""

    id: str
    level: Level
    text: str
    chapter: Path
    line: int
    tested_by_project_test: bool

    @property
    def is_must(self) -> bool:
        """True for MUST and MUST NOT requirements."""
        return self.level in ("MUST", "MUST NOT")


class RequirementMarkupError(ValueError):
    """The spec defines a requirement in a malformed way."""


def parse_chapter(path: Path, root: Path) -> Iterator[Requirement]:
    """Yield the requirements a spec chapter defines, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        match = DEFINITION_RE.match(line)
        if match is None:
            if '<a id="' in line and ID_IN_TEXT_RE.search(line) and "**" in line:
                raise RequirementMarkupError(f"{path}:{number}: malformed requirement definition: {line!r}")
            continue
        if match["anchor"] != match["id"]:
            raise RequirementMarkupError(
                f"{path}:{number}: anchor {match['anchor']} differs from {match['id']}"
            )
        text = [match["text"].strip()]
        for follow in lines[number:]:
            if CONTINUATION_STOP_RE.match(follow):
                break
            text.append(follow.strip())
        level: Level = match["level"]  # type: ignore[assignment]
        yield Requirement(
            id=match["id"],
            level=level,
            text=" ".join(text),
            chapter=path.relative_to(root),
            line=number,
            tested_by_project_test=match["project"] is not None,
        )


def load_requirements(spec_dir: Path) -> dict[str, Requirement]:
    """Parse every chapter under ``spec_dir``; an ID defined twice is an error."""
    found: dict[str, Requirement] = {}
    for path in sorted(spec_dir.rglob("*.md")):
        for requirement in parse_chapter(path, spec_dir):
            if requirement.id in found:
                first = found[requirement.id]
                raise RequirementMarkupError(
                    f"{requirement.id} is defined twice: {first.chapter}:{first.line} and "
                    f"{requirement.chapter}:{requirement.line}"
                )
            found[requirement.id] = requirement
    return found


def ids_in_text(text: str) -> set[str]:
    """Every requirement ID mentioned in a piece of text."""
    return set(ID_IN_TEXT_RE.findall(text))

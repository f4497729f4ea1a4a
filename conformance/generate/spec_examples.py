"""Metadata cases extracted from the specification's own examples (DESIGN.md section 5).

An example becomes a case when the spec marks it: a line ``<!-- zn5-case: ID[, ID...] -->`` (the
requirement IDs the example illustrates) directly above the fenced block that quotes the example file
with ``--8<-- "spec/examples/<folder>/<name>.<document>.json"``. Beside the example lies
``<name>.core.json``: the node in the core model as the spec states it (the canonical description of
schemas/project/node.schema.json), written by the spec's authors, never read back through the reference.
The case stores the example at ``node/`` and expects that description: ``<format>/spec-example/<name>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from zn5.conformance.generate.case import CaseDraft
from zn5.reference.store.memory import MemoryStore

SPEC_DIR: Final = Path(__file__).resolve().parents[2] / "spec"
MARKER_RE: Final = re.compile(r"^\s*<!--\s*zn5-case:\s*(?P<ids>[A-Z0-9, -]+?)\s*-->\s*$")
SNIPPET_RE: Final = re.compile(r'--8<--\s+"(?P<path>spec/examples/[^"]+\.json)"')
LOOKAHEAD: Final = 3
"""How many lines below a marker its quoted example may start (a tab title, the fence, the snippet)."""
DOCUMENTS: Final = {
    ".zarray.json": ("zarr2", ".zarray"),
    ".zarr.json": ("zarr3", "zarr.json"),
    ".attributes.json": ("n5", "attributes.json"),
}
NODE: Final = "node"


class SpecExampleError(ValueError):
    """A case marker that does not lead to an example with its core description."""


@dataclass(frozen=True)
class Marked:
    """One marked example: the chapter it is in, the requirements it illustrates, the example file."""

    chapter: Path
    requirements: list[str]
    example: Path


def marked_examples(spec: Path = SPEC_DIR) -> Iterator[Marked]:
    """Every ``zn5-case`` marker of the spec's chapters, in file and line order."""
    for chapter in sorted(spec.rglob("*.md")):
        lines = chapter.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            marker = MARKER_RE.match(line)
            if marker is None:
                continue
            below = "\n".join(lines[number + 1 : number + 1 + LOOKAHEAD])
            snippet = SNIPPET_RE.search(below)
            if snippet is None:
                where = f"{chapter.relative_to(spec)}:{number + 1}"
                raise SpecExampleError(f"{where}: a zn5-case marker quotes no example file below it")
            ids = [item.strip() for item in marker["ids"].split(",") if item.strip()]
            yield Marked(chapter.relative_to(spec), ids, spec.parent / snippet["path"])


def _document(example: Path) -> tuple[str, str, str]:
    """(format, store key of the document, the example's name without its suffixes)."""
    for suffix, (format_name, key) in DOCUMENTS.items():
        if example.name.endswith(suffix):
            return format_name, key, example.name[: -len(suffix)]
    raise SpecExampleError(f"{example}: a case example must be an array or dataset document")


def example_case(marked: Marked) -> CaseDraft:
    """The metadata case of one marked example."""
    format_name, key, name = _document(marked.example)
    core = marked.example.with_name(f"{name}.core.json")
    if not core.is_file():
        raise SpecExampleError(f"{marked.example}: the marked example has no {core.name} beside it")
    return CaseDraft(
        id=f"{format_name}/spec-example/{name}",
        kind="metadata",
        requirements=marked.requirements,
        description=f"the spec example {name} ({marked.chapter.as_posix()}) is the node its core.json states",
        requires=[f"format:{format_name}", "op:metadata"],
        tags=["spec-example"],
        store=MemoryStore({f"{NODE}/{key}": marked.example.read_bytes()}),
        node=NODE,
        expected_node=json.loads(core.read_text(encoding="utf-8")),
        origin={"spec_example": f"spec/{marked.chapter.as_posix()}"},
    )


def cases() -> Iterator[CaseDraft]:
    """A metadata case for every marked example of the spec."""
    for marked in marked_examples():
        yield example_case(marked)

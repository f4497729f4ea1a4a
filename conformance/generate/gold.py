"""Gold cases: stores written by released third-party libraries (DESIGN.md section 5, DECISIONS.md section 2).

``zn5 interop --gold conformance/gold`` captures them: each is a store that a third-party library wrote
through its adapter for one of the corpus's write cases, and that the reference and at least two
independent other implementations read exactly as the values the library was given. Each lives in
``conformance/gold/<library>-<version>/<format>--<slug>/`` with ``gold.json`` (library, version, the
write case it came from, the implementations that agreed), ``store/`` (the bytes as written) and
``expected/`` (the values). This family turns each into a read case
``<format>/gold/<library>-<version>--<slug>`` that cites the write case's requirements and those a
reader meets because of how the library wrote the store; it needs no third-party library, so
``zn5 corpus build`` runs after a bare install.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.suite.canonical import decode_values, read_array_document
from zn5.conformance.suite.resources import GOLD
from zn5.conformance.validation.walk import Validation
from zn5.reference.store.memory import MemoryStore

GOLD_DIR: Final = GOLD
READER_SIDE: Final = {
    "ZARR2-NODE-001": "CORE-NODE-004",
    "CORE-NODE-007": "CORE-NODE-004",
    "N5-META-001": "N5-ROOT-001",
    "ZARR2-META-008": "ZARR2-META-012",
}
"""For what ``zn5 validate`` finds in a store a library wrote, the requirement a reader of that store
meets: ancestors without group documents are read past (CORE-NODE-004), an N5 root without a version is
read (N5-ROOT-001), and members beyond a ``.zarray``'s table are ignored (ZARR2-META-012)."""


def _store(folder: Path) -> MemoryStore:
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return MemoryStore({path.relative_to(folder).as_posix(): path.read_bytes() for path in files})


def reader_requirements(store: MemoryStore, format_name: str) -> list[str]:
    """The requirements a reader of ``store`` meets because of how the library wrote it."""
    found = Validation(store, format_name=format_name).problems()
    return sorted(
        {READER_SIDE[problem.requirement] for problem in found if problem.requirement in READER_SIDE}
    )


def gold_case(folder: Path) -> CaseDraft:
    """The read case of one captured gold store."""
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    document, raw = read_array_document(folder / "expected" / "array.json")
    library = folder.parent.name
    store = _store(folder / "store")
    return CaseDraft(
        id=f"{gold['format']}/gold/{library}--{folder.name.split('--', 1)[1]}",
        kind="read",
        requirements=[*gold["requirements"], *reader_requirements(store, gold["format"])],
        description=f"{gold['library']} {gold['version']}'s store for {gold['source_case']} reads as written",
        requires=list(gold["requires"]),
        tags=["gold"],
        store=store,
        node=gold["node"],
        expected_array=decode_values(document, raw),
        expected_data_type=str(document["data_type"]),
        origin={"gold": {"library": gold["library"], "version": gold["version"], "agreed": gold["agreed"]}},
    )


def cases() -> Iterator[CaseDraft]:
    """Every gold store under conformance/gold/, in a fixed order."""
    for path in sorted(GOLD_DIR.glob("*/*/gold.json")):
        yield gold_case(path.parent)

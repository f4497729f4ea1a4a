"""Gold cases: stores written by released third-party libraries (DESIGN.md section 5, DECISIONS.md section 2).

``zn5 interop --gold conformance/gold`` captures them: each is a store that a third-party library wrote
through its adapter for one of the corpus's write cases, and that the reference and at least two
independent other implementations read exactly as the values the library was given. Each lives in
``conformance/gold/<library>-<version>/<format>--<slug>/`` with ``gold.json`` (library, version, the
write case it came from, the implementations that agreed), ``store/`` (the bytes as written) and
``expected/`` (the values). This family turns each into a read case
``<format>/gold/<library>-<version>--<slug>``; it needs no third-party library, so ``zn5 corpus build``
runs after a bare install.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from zn5.conformance.canonical import decode_values, read_array_document
from zn5.conformance.generate.case import Case
from zn5.reference.store.memory import MemoryStore

GOLD_DIR: Final = Path(__file__).resolve().parents[1] / "gold"


def _store(folder: Path) -> MemoryStore:
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return MemoryStore({path.relative_to(folder).as_posix(): path.read_bytes() for path in files})


def gold_case(folder: Path) -> Case:
    """The read case of one captured gold store."""
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    document, raw = read_array_document(folder / "expected" / "array.json")
    library = folder.parent.name
    return Case(
        id=f"{gold['format']}/gold/{library}--{folder.name.split('--', 1)[1]}",
        kind="read",
        requirements=list(gold["requirements"]),
        description=f"{gold['library']} {gold['version']}'s store for {gold['source_case']} reads as written",
        requires=list(gold["requires"]),
        tags=["gold"],
        store=_store(folder / "store"),
        node=gold["node"],
        expected_array=decode_values(document, raw),
        expected_data_type=str(document["data_type"]),
        origin={"gold": {"library": gold["library"], "version": gold["version"], "agreed": gold["agreed"]}},
    )


def cases() -> Iterator[Case]:
    """Every gold store under conformance/gold/, in a fixed order."""
    for path in sorted(GOLD_DIR.glob("*/*/gold.json")):
        yield gold_case(path.parent)

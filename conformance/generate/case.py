"""A case as a generator drafts it, and how the draft becomes a case folder (DESIGN.md section 5).

A :class:`CaseDraft` holds stores and NumPy arrays; :func:`write_case` turns it into the files of a case
folder and its ``case.json``, which :class:`zn5.conformance.suite.case.Case` reads.

A generator builds stores with the reference implementation (in memory) and states the expected result
from its own NumPy data, never by reading back through the reference (DECISIONS.md section 6).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from zn5.conformance.suite.canonical import write_array
from zn5.conformance.suite.case import CASE_FILE, Kind, Level, dump_json
from zn5.conformance.suite.tokens import node_tokens
from zn5.reference.store.memory import MemoryStore

Selection = list[int | list[int]] | None


@dataclass
class CaseDraft:
    """Everything one case folder will hold, before it is written."""

    id: str
    kind: Kind
    requirements: list[str]
    description: str
    requires: list[str]
    level: Level = "MUST"
    tags: list[str] = field(default_factory=list)
    store: MemoryStore | None = None
    stores: dict[str, MemoryStore] | None = None
    node: str = ""
    selection: Selection = None
    expected_array: np.ndarray[Any, Any] | None = None
    expected_data_type: str | None = None
    expected_node: dict[str, Any] | None = None
    error: dict[str, str] | None = None
    input_array: np.ndarray[Any, Any] | None = None
    target: dict[str, Any] | None = None
    origin: dict[str, Any] = field(default_factory=dict)

    @property
    def format(self) -> str:
        """The case's format: the first part of its id (``cross`` cases are ``any``)."""
        head = self.id.split("/", 1)[0]
        return "any" if head == "cross" else head


def write_store(store: MemoryStore, folder: Path) -> Path:
    """Write each value of ``store`` to the file under ``folder`` that its key names (the folder is made
    even for an empty store); return ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for key in sorted(store.values):
        path = folder.joinpath(*key.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(store.values[key])
    return folder


def _files_digest(folder: Path) -> hashlib._Hash:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != CASE_FILE):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest


def write_case(case: CaseDraft, cases_dir: Path) -> dict[str, Any]:
    """Write a case's folder under ``cases_dir``; return its case.json document."""
    folder = cases_dir / case.id
    folder.mkdir(parents=True)
    document: dict[str, Any] = {
        "id": case.id,
        "kind": case.kind,
        "format": case.format,
        "requirements": list(dict.fromkeys(case.requirements)),
        "level": case.level,
        "requires": sorted({*case.requires, *node_tokens(case.expected_node or {})}),
        "tags": sorted(set(case.tags)),
        "status": "stable",
        "origin": case.origin,
        "description": case.description,
        "input": {},
        "operation": {"op": {"reject": "read"}.get(case.kind, case.kind)},
        "expect": {"outcome": "ok"},
    }
    if case.kind == "equivalence":
        document["operation"]["op"] = "read"
    if case.store is not None:
        write_store(case.store, folder / "store")
        document["input"] = {"store": "store", "node": case.node}
    if case.stores is not None:
        for name, store in case.stores.items():
            write_store(store, folder / "stores" / name)
        document["input"] = {"stores": {name: f"stores/{name}" for name in case.stores}, "node": case.node}
    if case.kind in ("read", "reject", "equivalence"):
        document["operation"]["selection"] = case.selection
    if case.expected_array is not None:
        write_array(case.expected_array, folder / "expected", case.expected_data_type)
        document["expect"]["array"] = "expected/array.json"
    if case.expected_node is not None:
        document["expect"]["node"] = case.expected_node
    if case.error is not None:
        document["expect"] = {"outcome": "error", **case.error}
    if case.input_array is not None:
        write_array(case.input_array, folder / "input", case.expected_data_type)
        document["input"] = {"array": "input/array.json"}
        document["operation"]["target"] = case.target
    digest = _files_digest(folder)
    digest.update(dump_json(document).encode())
    document["uid"] = digest.hexdigest()[:16]
    (folder / CASE_FILE).write_text(dump_json(document), encoding="utf-8")
    return document

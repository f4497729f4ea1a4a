"""The generators draw every case's random values with a seed from a hash of the case's id, so that adding,
removing or reordering a case changes no other case's bytes (issue #17).

Three checks: each generator table, with a row removed and the rest reversed, gives every remaining case
byte for byte as before; every seed the committed corpus records is the hash of its case's id (a reject
case shares its twin's values and so its twin's seed); and no generator module counts seeds by position.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from zn5.conformance.generate import (
    codecs,
    dtypes,
    fill_values,
    filters,
    grids,
    hierarchy,
    keys,
    n5,
    rejects,
    sharding,
    vlen,
    writes,
)
from zn5.conformance.generate.case import CaseDraft, write_case
from zn5.conformance.suite.resources import CORPUS

GENERATE = Path(rejects.__file__).resolve().parents[1]

# (module, name of a table its cases() reads): the rows that become cases.
TABLES: list[tuple[ModuleType, str]] = [
    (dtypes, "ZARR_TYPES"),
    (dtypes, "N5_TYPES"),
    (codecs, "ZARR2"),
    (codecs, "ZARR3"),
    (codecs, "N5"),
    (filters, "ROWS"),
    (filters, "REJECTS"),
    (filters, "WRITES"),
    (grids, "GRIDS"),
    (keys, "KEYS"),
    (fill_values, "FILLS"),
    (hierarchy, "ARRAYS"),
    (n5, "PADDED"),
    (sharding, "SHARDS"),
    (writes, "WRITES"),
    (rejects, "REJECTS"),
    (vlen, "FILLS"),
    (vlen, "WRITES"),
]

Folders = dict[str, dict[str, bytes]]


def _written(cases: Iterator[CaseDraft], destination: Path) -> tuple[list[str], Folders]:
    """Write ``cases`` under ``destination``; return their ids in order and each folder's files' bytes."""
    destination.mkdir(parents=True)
    ids, folders = [], {}
    for case in cases:
        write_case(case, destination)
        folder = destination / case.id
        ids.append(case.id)
        folders[case.id] = {
            path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }
    return ids, folders


@pytest.mark.parametrize(
    ("module", "name"), TABLES, ids=[f"{module.__name__.rsplit('.', 1)[1]}.{name}" for module, name in TABLES]
)
def test_removing_and_reordering_rows_changes_no_other_case(
    module: ModuleType, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = getattr(module, name)
    before_ids, before = _written(module.cases(), tmp_path / "before")
    monkeypatch.setattr(module, name, type(table)(reversed(table[1:])))
    after_ids, after = _written(module.cases(), tmp_path / "after")
    removed = before.keys() - after.keys()
    kept = [case_id for case_id in before_ids if case_id in after]
    assert removed, f"removing the first row of {name} removed no case"
    assert after.keys() <= before.keys()
    if len(table) > 2:
        assert [case_id for case_id in after_ids if case_id in kept] != kept, "the rows were not reordered"
    assert [case_id for case_id in kept if before[case_id] != after[case_id]] == []


def _recorded_seeds() -> Iterator[tuple[str, str, int]]:
    """(case id, id whose hash is expected, recorded seed) for each committed case that records a seed."""
    for path in sorted((CORPUS / "cases").rglob("case.json")):
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if "seed" in document["origin"]:
            owner = document["expect"].get("twin", document["id"])
            yield document["id"], owner, document["origin"]["seed"]


def test_every_recorded_seed_is_the_hash_of_its_case_id() -> None:
    recorded = list(_recorded_seeds())
    assert len(recorded) > 400
    wrong = [
        case_id
        for case_id, owner, seed in recorded
        if seed != int.from_bytes(hashlib.sha256(owner.encode()).digest()[:4], "big")
    ]
    assert wrong == []


def _is_seed_name(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and "seed" in node.id.lower()


def _hashed(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "id_seed"


def _enumerated_seed(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.For)
        and isinstance(node.iter, ast.Call)
        and isinstance(node.iter.func, ast.Name)
        and node.iter.func.id == "enumerate"
        and any(_is_seed_name(name) for name in ast.walk(node.target))
    )


SEEDED = {"sample_values": 2, "default_rng": 0}
"""Functions that take a seed, and the position of their seed argument."""


def _seeded_functions(tree: ast.AST) -> dict[str, int]:
    """``SEEDED`` and the functions ``tree`` defines with a parameter ``seed``."""
    seeded = dict(SEEDED)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            names = [argument.arg for argument in node.args.args]
            if "seed" in names:
                seeded[node.name] = names.index("seed")
    return seeded


def _literal_seed(node: ast.AST, seeded: dict[str, int]) -> bool:
    """A call of a function that takes a seed, with a literal for it."""
    if not isinstance(node, ast.Call):
        return False
    name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
    if name not in seeded:
        return False
    position = seeded[name]
    given = [*([node.args[position]] if len(node.args) > position else [])]
    given += [keyword.value for keyword in node.keywords if keyword.arg == "seed"]
    return any(isinstance(value, ast.Constant) for value in given)


def _counted_seed(node: ast.AST) -> bool:
    """A seed counted up, assigned anything but ``id_seed(...)``, or computed by arithmetic."""
    if isinstance(node, ast.AugAssign):
        return _is_seed_name(node.target)
    if isinstance(node, ast.Assign):
        return any(_is_seed_name(target) for target in node.targets) and not _hashed(node.value)
    return isinstance(node, ast.BinOp) and (_is_seed_name(node.left) or _is_seed_name(node.right))


def position_seeds(source: str) -> list[int]:
    """Line numbers where ``source`` makes a seed other than from a case id."""
    tree = ast.parse(source)
    seeded = _seeded_functions(tree)
    return sorted(
        node.lineno  # type: ignore[attr-defined]
        for node in ast.walk(tree)
        if _enumerated_seed(node) or _literal_seed(node, seeded) or _counted_seed(node)
    )


def test_the_position_seed_check_finds_counted_seeds() -> None:
    counted = """
seed = 1000
for row in rows:
    seed += 1
    yield case(row, seed)
for seed, row in enumerate(rows, start=2000):
    yield case(row, seed)
yield other(seed + 1)
values = sample_values("int8", (2,), 7)
rng = np.random.default_rng(3)
def case(row, seed):
    return row
yield case(row, 5001)
yield case(row, seed=5002)
fine = id_seed(case_id)
yield case(row, fine)
"""
    assert position_seeds(counted) == [2, 4, 6, 8, 9, 10, 13, 14]


@pytest.mark.parametrize(
    "path", sorted(GENERATE.rglob("*.py")), ids=lambda path: path.relative_to(GENERATE).as_posix()
)
def test_no_generator_counts_seeds_by_position(path: Path) -> None:
    assert position_seeds(path.read_text(encoding="utf-8")) == []

"""A tiny corpus in the committed corpus's layout, for runner tests that must not depend on the real one.

Stores are written with the reference; expected values come from the NumPy data the stores were written
from, never from reading them back (DECISIONS.md section 6). Every case.json is valid against
case.schema.json, and the manifest's digest follows the generator's definition.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from zn5.conformance.generate.case import write_store
from zn5.conformance.generate.common import build_array
from zn5.conformance.suite.canonical import describe_node, write_array
from zn5.conformance.suite.case import corpus_digest
from zn5.reference import create_array
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.store.memory import MemoryStore

VERSION = "0.0.1"
PROFILES = {
    "zarr2-reader": {"kinds": ["read", "reject"], "requires": ["format:zarr2", "op:read"]},
    "zarr3-reader": {
        "kinds": ["read", "reject"],
        "requires": ["format:zarr3", "op:read"],
        "capabilities": ["codec:gzip", "format:zarr3", "op:read"],
    },
    "zarr3-metadata": {"kinds": ["metadata"], "requires": ["format:zarr3", "op:metadata"]},
    "n5-reader": {"kinds": ["read", "reject"], "requires": ["format:n5", "op:read"]},
    "zarr2-writer": {"kinds": ["write"], "requires": ["format:zarr2", "op:write"]},
    "n5-writer": {"kinds": ["write"], "requires": ["format:n5", "op:write"]},
    "cross-format": {"kinds": ["equivalence"], "requires": ["op:read"]},
}


Filler = Callable[[Path], dict[str, Any]]


@dataclass
class Spec:
    """One case to write: its case.json members, and a function that fills the folder."""

    id: str
    kind: str
    format: str
    requirements: list[str]
    requires: list[str]
    description: str
    fill: Filler
    level: str = "MUST"
    tags: list[str] = field(default_factory=list)


def _dump(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _read(
    format_name: str, values: np.ndarray[Any, Any], chunks: tuple[int, ...], selection: Any, **options: Any
) -> Filler:
    key = ... if selection is None else tuple(i if isinstance(i, int) else slice(*i) for i in selection)

    def fill(folder: Path) -> dict[str, Any]:
        write_store(build_array(format_name, values, chunks, **options), folder / "store")
        write_array(np.asarray(values[key]), folder / "expected")
        return {
            "input": {"store": "store", "node": "array"},
            "operation": {"op": "read", "selection": selection},
            "expect": {"outcome": "ok", "array": "expected/array.json"},
        }

    return fill


def _metadata(folder: Path) -> dict[str, Any]:
    store = build_array("zarr3", np.arange(12, dtype="<u2").reshape(3, 4), (2, 2), attributes={"units": "m"})
    write_store(store, folder / "store")
    expected = {
        "node_type": "array",
        "shape": [3, 4],
        "data_type": "uint16",
        "chunk_grid": {"name": "regular", "chunk_shape": [2, 2]},
        "chunk_key_encoding": {"name": "default", "separator": "/"},
        "fill_value": {"hex": "0000"},
        "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
        "dimension_names": None,
        "attributes": {"units": "m"},
    }
    return {
        "input": {"store": "store", "node": "array"},
        "operation": {"op": "metadata"},
        "expect": {"outcome": "ok", "node": expected},
    }


def _reject_corrupt_chunk(folder: Path) -> dict[str, Any]:
    store = build_array("zarr3", np.arange(16, dtype="<i2").reshape(4, 4), (2, 2), compressor=Gzip(1))
    store.values["array/c/0/0"] = b"not gzip at all"
    write_store(store, folder / "store")
    return {
        "input": {"store": "store", "node": "array"},
        "operation": {"op": "read", "selection": None},
        "expect": {"outcome": "error", "phase": "read", "category": "chunk", "requirement": "CORE-CODEC-005"},
    }


def _reject_bad_shape(folder: Path) -> dict[str, Any]:
    store = build_array("zarr2", np.zeros((4, 4), dtype="<i2"), (2, 2))
    document = json.loads(store.values["array/.zarray"])
    document["shape"] = "four by four"
    store.values["array/.zarray"] = json.dumps(document).encode()
    write_store(store, folder / "store")
    return {
        "input": {"store": "store", "node": "array"},
        "operation": {"op": "read", "selection": None},
        "expect": {
            "outcome": "error",
            "phase": "open",
            "category": "metadata",
            "requirement": "ZARR2-META-002",
        },
    }


def _write(format_name: str, values: np.ndarray[Any, Any], chunks: tuple[int, ...], **options: Any) -> Filler:
    def fill(folder: Path) -> dict[str, Any]:
        write_array(values, folder / "input")
        plan = create_array(
            MemoryStore(),
            format=format_name,
            path="array",
            shape=values.shape,
            dtype=values.dtype,
            chunks=chunks,
            **options,
        )
        return {
            "input": {"array": "input/array.json"},
            "operation": {
                "op": "write",
                "target": {"format": format_name, "node": "array", "metadata": describe_node(plan.model)},
            },
            "expect": {"outcome": "ok"},
        }

    return fill


def _equivalence(folder: Path) -> dict[str, Any]:
    values = np.arange(30, dtype="<f4").reshape(5, 6) / 4
    for format_name in ("zarr2", "zarr3", "n5"):
        write_store(build_array(format_name, values, (2, 4)), folder / "stores" / format_name)
    write_array(values, folder / "expected")
    return {
        "input": {"stores": {name: f"stores/{name}" for name in ("n5", "zarr2", "zarr3")}, "node": "array"},
        "operation": {"op": "read", "selection": None},
        "expect": {"outcome": "ok", "array": "expected/array.json"},
    }


def specs() -> list[Spec]:
    """The cases of the tiny corpus."""
    floats = np.arange(24, dtype="<f8").reshape(6, 4) - 0.5
    floats[0, 0] = np.nan
    return [
        Spec(
            "zarr3/read/int16-gzip",
            "read",
            "zarr3",
            ["CORE-ARRAY-001"],
            ["codec:bytes", "codec:gzip", "dtype:int16", "format:zarr3", "op:read"],
            "an int16 5x7 array in 2x3 gzip chunks reads exactly",
            _read("zarr3", np.arange(35, dtype="<i2").reshape(5, 7) - 9, (2, 3), None, compressor=Gzip(5)),
        ),
        Spec(
            "zarr2/read/float64-slice",
            "read",
            "zarr2",
            ["CORE-ARRAY-001"],
            ["codec:bytes", "dtype:float64", "format:zarr2", "op:read"],
            "a stepped slice of a float64 array with a NaN reads exactly",
            _read("zarr2", floats, (4, 3), [[1, 6, 2], [0, 4, 1]]),
        ),
        Spec(
            "n5/read/uint8-index",
            "read",
            "n5",
            ["CORE-ARRAY-001"],
            ["codec:n5.block", "dtype:uint8", "format:n5", "op:read"],
            "an integer index on the first axis of an N5 dataset drops that axis",
            _read("n5", np.arange(20, dtype="u1").reshape(5, 4), (2, 3), [2, [0, 4, 1]]),
        ),
        Spec(
            "zarr3/metadata/uint16-attributes",
            "metadata",
            "zarr3",
            ["CORE-ARRAY-001"],
            ["format:zarr3", "op:metadata"],
            "a uint16 array with one attribute is described in the core model",
            _metadata,
        ),
        Spec(
            "zarr3/reject/corrupt-chunk",
            "reject",
            "zarr3",
            ["CORE-CODEC-005"],
            ["codec:bytes", "codec:gzip", "dtype:int16", "format:zarr3", "op:read"],
            "a gzip chunk holding bytes that are no gzip stream is refused",
            _reject_corrupt_chunk,
        ),
        Spec(
            "zarr2/reject/shape-string",
            "reject",
            "zarr2",
            ["ZARR2-META-002"],
            ["dtype:int16", "format:zarr2", "op:read"],
            "an array document whose shape is a string is refused",
            _reject_bad_shape,
        ),
        Spec(
            "zarr2/write/int32-gzip",
            "write",
            "zarr2",
            ["CORE-ARRAY-001"],
            ["codec:bytes", "codec:gzip", "dtype:int32", "format:zarr2", "op:write"],
            "an int32 array written with gzip reads back equal with the target metadata",
            _write("zarr2", np.arange(30, dtype="<i4").reshape(5, 6) * -7, (2, 4), compressor=Gzip(5)),
        ),
        Spec(
            "n5/write/uint16-gzip",
            "write",
            "n5",
            ["CORE-ARRAY-001"],
            ["codec:gzip", "codec:n5.block", "dtype:uint16", "format:n5", "op:write"],
            "a uint16 dataset written with gzip reads back equal with the target metadata",
            _write("n5", np.arange(12, dtype="<u2").reshape(3, 4), (2, 3), compressor=Gzip(6)),
        ),
        Spec(
            "cross/equivalence/float32",
            "equivalence",
            "any",
            ["CORE-ARRAY-001"],
            ["dtype:float32", "op:read"],
            "one float32 array stored in all three formats reads identically from each",
            _equivalence,
        ),
    ]


def _files_digest(folder: Path) -> hashlib._Hash:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "case.json"):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest


def build_corpus(root: Path, only: Callable[[str], bool] | None = None) -> Path:
    """Write the tiny corpus (or the cases ``only`` accepts) to ``root``; return ``root``."""
    shutil.rmtree(root, ignore_errors=True)
    entries = []
    tokens: set[str] = set()
    for spec in specs():
        if only is not None and not only(spec.id):
            continue
        folder = root / "cases" / spec.id
        folder.mkdir(parents=True)
        document: dict[str, Any] = {
            "id": spec.id,
            "kind": spec.kind,
            "format": spec.format,
            "requirements": spec.requirements,
            "level": spec.level,
            "requires": sorted(spec.requires),
            "tags": spec.tags or [spec.kind],
            "status": "stable",
            "origin": {"generator": "tests.conformance.corpus_fixtures", "seed": 0},
            "description": spec.description,
            **spec.fill(folder),
        }
        digest = _files_digest(folder)
        digest.update(_dump(document).encode())
        document["uid"] = digest.hexdigest()[:16]
        (folder / "case.json").write_text(_dump(document), encoding="utf-8")
        tokens.update(spec.requires)
        entries.append(
            {
                "id": spec.id,
                "uid": document["uid"],
                "kind": spec.kind,
                "format": spec.format,
                "path": f"cases/{spec.id}",
            }
        )
    entries.sort(key=lambda entry: entry["id"])
    manifest = {"version": VERSION, "digest": corpus_digest(entries), "cases": entries}
    (root / "manifest.json").write_text(_dump(manifest), encoding="utf-8")
    (root / "VERSION").write_text(VERSION + "\n", encoding="utf-8")
    vocabulary = {
        "tokens": {
            token: f"supports {token}"
            for token in sorted(tokens | {"format:zarr2", "format:zarr3", "format:n5"})
        },
        "profiles": PROFILES,
    }
    (root / "capabilities.json").write_text(_dump(vocabulary), encoding="utf-8")
    return root


def tree_hash(root: Path) -> str:
    """One digest of every file under ``root``: proof that nothing there changed."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def case_ids(root: Path) -> Iterator[str]:
    """The ids of a built corpus, in order."""
    for entry in json.loads((root / "manifest.json").read_text(encoding="utf-8"))["cases"]:
        yield entry["id"]

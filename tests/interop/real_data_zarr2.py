"""The zarr-python 2 stores of the real-data collection (test_real_data.py): written in the virtual
environment of its adapter, all in one process, from the table ``real_data_zarr2.toml``, and what
zarr-python 2 reads back."""

from __future__ import annotations

import json
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .real_data_trees import Node, Tree, attributes_text
from .real_data_values import CHUNKS, sample


@dataclass(frozen=True)
class Zarr2:
    """A store zarr-python 2 writes: ``code`` runs in its environment with ``root``, ``data`` (the
    sample of kind ``data``), ``create`` (``zarr.open_array`` at root with ``data``'s shape and type,
    chunks ``CHUNKS``, and the options given), and ``np``, ``zarr``, ``numcodecs``. A ``store`` the code
    sets is what zarr-python 2 reads back (N5, zip). The store is ``root`` with ``suffix`` (a zip file:
    ``".zip"``)."""

    data: str
    code: str
    suffix: str = ""


ZARR2_RUNNER = """
import json, sys, traceback, warnings
from pathlib import Path
import numcodecs, numpy as np, zarr

def nodes(node, path=""):
    yield path, node
    if isinstance(node, zarr.hierarchy.Group):
        for name, child in sorted(node.items()):
            yield from nodes(child, (path + "/" + name).lstrip("/"))

def dump(store, folder):
    folder.mkdir()
    index = {}
    for number, (path, node) in enumerate(nodes(zarr.open(store, mode="r"))):
        entry = index[path] = {"attributes": json.dumps(node.attrs.asdict(), sort_keys=True)}
        if isinstance(node, zarr.Array):
            np.save(folder / f"{number}.npy", node[...], allow_pickle=True)
            entry["values"] = f"{number}.npy"
    (folder / "index.json").write_text(json.dumps(index))

def write(case, chunks):
    root = str(case / "store")
    data = np.load(case / "input.npy", allow_pickle=True)
    def create(**options):
        options = {"shape": data.shape, "dtype": data.dtype, "chunks": chunks, **options}
        return zarr.open_array(root, mode="w", **options)
    scope = {"root": root, "data": data, "create": create, "np": np, "zarr": zarr, "numcodecs": numcodecs}
    exec((case / "write.py").read_text(encoding="utf-8"), scope)
    dump(scope.get("store", root), case / "read")

work, chunks = Path(sys.argv[1]), tuple(json.loads(sys.argv[2]))
for case in sorted(work.iterdir()):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            write(case, chunks)
    except Exception:
        (case / "error.txt").write_text(traceback.format_exc(), encoding="utf-8")
"""
"""Writes every zarr-python 2 store of a folder, each from its ``write.py`` and ``input.npy``, and dumps
what zarr-python 2 reads back (``read/index.json``, one ``.npy`` per array; object arrays pickled: the
files are this test's own), or the traceback of a failed write (``error.txt``)."""


def zarr2_stores(work: Path, python: Path, cases: Mapping[str, Zarr2]) -> dict[str, Path]:
    """Write the zarr-python 2 stores ``cases`` under ``work`` in one process: each case's folder by its
    name (the store is its ``store``)."""
    for name, case in cases.items():
        folder = work / name
        folder.mkdir(parents=True)
        (folder / "write.py").write_text(case.code, encoding="utf-8")
        np.save(folder / "input.npy", sample(case.data), allow_pickle=True)
    subprocess.run([str(python), "-c", ZARR2_RUNNER, str(work), json.dumps(CHUNKS)], check=True)
    return {name: work / name for name in cases}


def zarr2_read(root: Path) -> Tree:
    """What zarr-python 2 read back from the store it wrote at ``root`` (in its case's folder)."""
    folder = root.parent
    error = folder / "error.txt"
    if error.exists():
        raise AssertionError(
            f"zarr-python 2 failed to write or read back the store:\n{error.read_text(encoding='utf-8')}"
        )
    index = json.loads((folder / "read" / "index.json").read_text(encoding="utf-8"))
    tree: Tree = {}
    for path, entry in index.items():
        attributes = attributes_text(json.loads(entry["attributes"]))
        if "values" in entry:
            values = np.load(folder / "read" / entry["values"], allow_pickle=True)
            tree[path] = Node("array", attributes, values)
        else:
            tree[path] = Node("group", attributes)
    return tree


ZARR2_TABLE = Path(__file__).with_name("real_data_zarr2.toml")
"""The zarr-python 2 stores: the code that writes each (the Python it runs is data here)."""
MISSING = "a = create({options}); a[:5] = data[:5]"
"""The first row of chunks written, the rest missing: read as the fill value."""
WHOLE = "create({options})[...] = data"


def zarr2_table() -> dict[str, Zarr2]:
    """The stores of :data:`ZARR2_TABLE`: an entry's ``options`` made into the code that creates the
    array with them and writes all of it, or (``missing``) its first row of chunks."""
    table = tomllib.loads(ZARR2_TABLE.read_text(encoding="utf-8"))
    return {
        name: Zarr2(
            entry["data"],
            entry.get("code")
            or (MISSING if entry.get("missing") else WHOLE).format(options=entry["options"]),
            entry.get("suffix", ""),
        )
        for name, entry in table.items()
    }

"""Reproduce the deviations in expectations.toml with zarrita alone, outside the adapter and the runner.

Run it in the adapter's environment, from the repository root (``adapter`` standing for
``conformance/adapters/zarrita-py``)::

    adapter/.venv/bin/python adapter/reproduce.py [CASE_ID ...]

For each corpus case named, it opens the case's store with nothing but zarrita (``Group.open_or_array``
or ``GroupV2.open_or_array`` on a ``LocalStore``, the node path as the case gives it) and reads every
element with zarrita's slicing, printing what zarrita returns or raises. Without case IDs it writes the
small arrays of the write deviations (NaN, -Infinity, bool, complex and undefined fill values) into a
temporary folder and prints the metadata documents zarrita wrote.
"""

from __future__ import annotations

import importlib
import json
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

# zarrita is imported by name: it lives only in the adapter's environment, not in the project's.
zarrita: Any = importlib.import_module("zarrita")
sync: Any = importlib.import_module("zarrita.sync").sync

CASES = Path("conformance/corpus/cases")


def open_case(case_id: str) -> Any:
    """The node of a corpus case as zarrita opens it."""
    case = json.loads((CASES / case_id / "case.json").read_text(encoding="utf-8"))
    path = zarrita.LocalStore(CASES / case_id / case["input"]["store"]) / case["input"].get("node", "")
    opener = zarrita.Group if case["format"] == "zarr3" else zarrita.GroupV2
    return sync(opener.open_or_array(path))


def show_case(case_id: str) -> None:
    """Print what zarrita makes of a case's store: the metadata it holds and the values it reads."""
    try:
        node = open_case(case_id)
        print(f"{case_id}: opened {node!r}")
        print(f"  metadata: {node.metadata}")
        if hasattr(node.metadata, "dimension_names"):
            print(f"  dimension_names: {node.metadata.dimension_names!r}")
        if hasattr(node, "shape"):
            values = node[(slice(None),) * len(node.shape)]
            print(f"  read {values.dtype} {values.shape}: {np.asarray(values).ravel()[:8].tolist()}")
    except Exception as error:
        print(f"{case_id}: {error!r}")


def show_writes() -> None:
    """Write the arrays of the write deviations and print the metadata zarrita wrote."""
    root = Path(tempfile.mkdtemp(prefix="zarrita-reproduce-"))
    store = zarrita.LocalStore(root)
    writes: dict[str, Callable[[], Any]] = {
        "v3 float32 fill -inf": lambda: zarrita.Array.create(
            store / "v3-ninf", shape=(2,), dtype="float32", chunk_shape=(2,), fill_value=float("-inf")
        ),
        "v3 bool fill True": lambda: zarrita.Array.create(
            store / "v3-bool", shape=(2,), dtype="bool", chunk_shape=(2,), fill_value=True
        ),
        "v3 bool fill 1": lambda: zarrita.Array.create(
            store / "v3-bool-one", shape=(2,), dtype="bool", chunk_shape=(2,), fill_value=1
        ),
        "v2 bool fill 1": lambda: zarrita.ArrayV2.create(
            store / "v2-bool-one", shape=(2,), dtype=np.dtype("|b1"), chunks=(2,), fill_value=1
        ),
        "v3 bool fill np.True_": lambda: zarrita.Array.create(
            store / "v3-npbool", shape=(2,), dtype="bool", chunk_shape=(2,), fill_value=np.True_
        ),
        "v2 float64 fill nan": lambda: zarrita.ArrayV2.create(
            store / "v2-nan", shape=(2,), dtype=np.dtype("<f8"), chunks=(2,), fill_value=float("nan")
        ),
        "v2 bool fill True": lambda: zarrita.ArrayV2.create(
            store / "v2-bool", shape=(2,), dtype=np.dtype("|b1"), chunks=(2,), fill_value=True
        ),
        "v2 bool fill None": lambda: zarrita.ArrayV2.create(
            store / "v2-bool-none", shape=(2,), dtype=np.dtype("|b1"), chunks=(2,), fill_value=None
        ),
        "v2 complex64 fill None": lambda: zarrita.ArrayV2.create(
            store / "v2-complex-none", shape=(2,), dtype=np.dtype("<c8"), chunks=(2,), fill_value=None
        ),
        "v2 complex64 fill 1+2j": lambda: zarrita.ArrayV2.create(
            store / "v2-complex", shape=(2,), dtype=np.dtype("<c8"), chunks=(2,), fill_value=1 + 2j
        ),
    }
    for title, write in writes.items():
        try:
            array = write()
            name = "zarr.json" if isinstance(array, zarrita.Array) else ".zarray"
            document = (root / array.store_path.path / name).read_text(encoding="utf-8")
            start = document.find('"fill_value"')
            print(f"{title}: {document[start : document.find(',', start)]}")
        except Exception as error:
            print(f"{title}: {error!r}")


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    for case_id in sys.argv[1:]:
        show_case(case_id)
    if len(sys.argv) == 1:
        show_writes()

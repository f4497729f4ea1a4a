"""Reproduce the deviations in expectations.toml with zarrita alone, outside the adapter and the runner.

Run it in the adapter's environment, from the repository root (``adapter`` standing for
``conformance/adapters/zarrita-py``)::

    adapter/.venv/bin/python adapter/reproduce.py [CASE_ID ...]

For each corpus case named, it opens the case's store with nothing but zarrita (``Group.open_or_array``
or ``GroupV2.open_or_array`` on a ``LocalStore``, the node path as the case gives it) and reads every
element with zarrita's slicing, printing what zarrita returns or raises. Without case IDs it writes the
small arrays of the write deviations (NaN, -Infinity, bool, complex and undefined fill values) into a
temporary folder and prints the metadata documents zarrita wrote, then the layout deviations: the
.zgroup documents of ArrayV2.create at a nested path, the shard index of a shard whose index is at the
start with absent inner chunks, and a write to a one-dimensional sharded array.
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
        "v2 float16 fill -inf": lambda: zarrita.ArrayV2.create(
            store / "v2-f2-ninf", shape=(2,), dtype=np.dtype("<f2"), chunks=(2,), fill_value=float("-inf")
        ),
        "v3 float64 fill inf": lambda: zarrita.Array.create(
            store / "v3-inf", shape=(2,), dtype="float64", chunk_shape=(2,), fill_value=float("inf")
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


def sharded(
    store: Any, name: str, shape: tuple[int, ...], shard: tuple[int, ...], inner: tuple[int, ...]
) -> Any:
    """An int16 array (fill 0) with its shard index at the start, the index and inner chunks with the bytes
    codec only."""
    metadata, common = zarrita.metadata, zarrita.common
    bytes_codec = common.make_cattr().structure(
        {"name": "bytes", "configuration": {"endian": "little"}}, metadata.CodecMetadata
    )
    configuration = metadata.ShardingCodecConfigurationMetadata(
        chunk_shape=inner,
        codecs=[bytes_codec],
        index_codecs=[bytes_codec],
        index_location=metadata.ShardingCodecIndexLocation("start"),
    )
    codec = metadata.ShardingCodecMetadata(configuration=configuration)
    return zarrita.Array.create(
        store / name, shape=shape, dtype="int16", chunk_shape=shard, fill_value=0, codecs=[codec]
    )


def show_layouts() -> None:
    """Print the documents of a nested ArrayV2, a start shard index with absent inner chunks and what a
    one-dimensional sharded write with an edge shard raises."""
    root = Path(tempfile.mkdtemp(prefix="zarrita-reproduce-"))
    store = zarrita.LocalStore(root)
    zarrita.ArrayV2.create(store / "a" / "b" / "array", shape=(2,), dtype=np.dtype("<i4"), chunks=(2,))
    written = sorted(str(path.relative_to(root)) for path in root.rglob(".z*"))
    print(f"v2 ArrayV2.create at a/b/array writes: {written}")
    array = sharded(store, "shard-start", (4, 4), (4, 4), (2, 2))
    values = np.zeros((4, 4), dtype="int16")
    values[0, 0] = 7  # inner chunks [0, 1], [1, 0] and [1, 1] hold only the fill value: absent
    array[:, :] = values
    index = (root / "shard-start" / "c" / "0" / "0").read_bytes()[:64]
    pairs = np.frombuffer(index, dtype="<u8").reshape(-1, 2).tolist()
    print(f"v3 shard index at the start (offset, nbytes): {pairs}")
    try:
        sharded(store, "shard-1d", (10,), (8,), (4,))[:] = np.arange(10, dtype="int16")
        print("v3 one-dimensional sharded write: ok")
    except Exception as error:
        print(f"v3 one-dimensional sharded write: {error!r}")


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    for case_id in sys.argv[1:]:
        show_case(case_id)
    if len(sys.argv) == 1:
        show_writes()
        show_layouts()

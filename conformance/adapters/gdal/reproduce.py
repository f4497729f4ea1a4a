"""Reproduce the deviations in expectations.toml with GDAL alone, outside the adapter and the runner.

Run it with Debian's Python, which has GDAL, from the repository root::

    /usr/bin/python3 conformance/adapters/gdal/reproduce.py [CASE_ID ...]

For each corpus case named, it opens the case's store with nothing but GDAL's multidimensional API
(``gdal.OpenEx(store, gdal.OF_MULTIDIM_RASTER)``, then ``OpenMDArrayFromFullname`` with the node path;
GDAL pointed at the node's own folder when the store root has no metadata it recognises) and reads the
selection of the case with ``ReadAsArray`` (``Read`` for strings), printing the store's dtype and fill
value, the type GDAL gives, and what it returns or raises. Without case IDs it shows why the adapter
declares no Zarr v3: what GDAL makes of a final Zarr v3 array of the corpus, and what GDAL's own
FORMAT=ZARR_V3 writes. With ``--writes`` it creates a Zarr v2 store with GDAL alone (the blosc shuffles,
a uint64 no-data value, JSON-subtype and Int64 attributes) and prints the .zarray and .zattrs GDAL writes.
"""

from __future__ import annotations

import importlib
import json
import struct
import sys
import tempfile
from pathlib import Path
from typing import Any

gdal: Any = importlib.import_module("osgeo.gdal")  # Debian's python3-gdal, not in the project's venv

CASES = Path("conformance/corpus/cases")


def open_array(store: Path, node: str) -> Any:
    """The array at ``node`` as GDAL opens it."""
    try:
        root = gdal.OpenEx(str(store), gdal.OF_MULTIDIM_RASTER).GetRootGroup()
    except RuntimeError:
        folder = store.joinpath(*node.split("/"))
        root = gdal.OpenEx(str(folder), gdal.OF_MULTIDIM_RASTER).GetRootGroup()
        return root.OpenMDArray(folder.name)
    return root.OpenMDArrayFromFullname(node if node.startswith("/") else f"/{node}")


def window(selection: Any, shape: list[int]) -> tuple[list[int], list[int], list[int]]:
    """Start, count and step per axis of a case's selection (an index is a count of one)."""
    starts, counts, steps = [], [], []
    for item, length in zip(selection or [[None, None, None]] * len(shape), shape, strict=True):
        parts = slice(item, item + 1 or None) if isinstance(item, int) else slice(*item)
        start, stop, step = parts.indices(length)
        starts.append(start)
        counts.append(max(0, (stop - start + step - (1 if step > 0 else -1)) // step))
        steps.append(step)
    return starts, counts, steps


def show_case(case_id: str) -> None:
    """Print what GDAL makes of a case's store: the stored metadata, GDAL's type, the values it reads."""
    case = json.loads((CASES / case_id / "case.json").read_text(encoding="utf-8"))
    store, node = CASES / case_id / case["input"]["store"], case["input"].get("node", "")
    zarray = store.joinpath(*node.strip("/").split("/"), ".zarray")
    if zarray.is_file():
        stored = json.loads(zarray.read_text(encoding="utf-8"))
        print(f"{case_id}: .zarray dtype {stored.get('dtype')!r}, fill_value {stored.get('fill_value')!r}")
    try:
        array = open_array(store, node)
        kind = array.GetDataType()
        shape = [dimension.GetSize() for dimension in array.GetDimensions()]
        name = (
            "String"
            if kind.GetClass() == gdal.GEDTC_STRING
            else gdal.GetDataTypeName(kind.GetNumericDataType())
        )
        print(f"  opened: GDAL type {name}, shape {shape}")
        starts, counts, steps = window(case["operation"].get("selection"), shape)
        if kind.GetClass() == gdal.GEDTC_STRING:
            values = array.Read(starts, counts, steps)
            print(f"  read: {values!r}")
        else:
            values = array.ReadAsArray(starts, counts, steps)
            print(f"  read {values.dtype} {values.shape}: {values.ravel().tolist()}")
    except Exception as error:
        print(f"  {type(error).__name__}: {error}")


def show_zarr3() -> None:
    """Open a final Zarr v3 array of the corpus with GDAL, and list what GDAL's ZARR_V3 writes."""
    store = CASES / "zarr3" / "dtype" / "int16-little" / "store"
    for target in (store, store / "array"):
        try:
            dataset = gdal.OpenEx(str(target), gdal.OF_MULTIDIM_RASTER)
            print(f"{target}: opened, arrays {dataset.GetRootGroup().GetMDArrayNames()}")
        except RuntimeError as error:
            print(f"{target}: RuntimeError: {error}")
    folder = Path(tempfile.mkdtemp(prefix="gdal-reproduce-")) / "v3"
    dataset = gdal.GetDriverByName("Zarr").CreateMultiDimensional(str(folder), [], ["FORMAT=ZARR_V3"])
    root = dataset.GetRootGroup()
    dimension = root.CreateDimension("x", "", "", 4)
    root.CreateMDArray("array", [dimension], gdal.ExtendedDataType.Create(gdal.GDT_Int16))
    del root, dimension, dataset
    written = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
    print(f"GDAL {gdal.__version__} FORMAT=ZARR_V3 writes: {written}")


def show_writes() -> None:
    """Print the .zarray and .zattrs documents GDAL's FORMAT=ZARR_V2 writes for the options of the write
    entries: each BLOSC_SHUFFLE word, a uint64 no-data value, and attributes holding big integers or null."""
    folder = Path(tempfile.mkdtemp(prefix="gdal-reproduce-")) / "v2"
    dataset = gdal.GetDriverByName("Zarr").CreateMultiDimensional(str(folder), [], ["FORMAT=ZARR_V2"])
    root = dataset.GetRootGroup()
    kinds = []
    for shuffle in ("NONE", "BYTE", "BIT"):
        dimension = root.CreateDimension(f"x_{shuffle}", "", "", 4)
        options = ["COMPRESS=BLOSC", "BLOSC_CNAME=lz4", f"BLOSC_SHUFFLE={shuffle}"]
        kinds.append(
            root.CreateMDArray(
                f"blosc_{shuffle}", [dimension], gdal.ExtendedDataType.Create(gdal.GDT_UInt16), options
            )
        )
    dimension = root.CreateDimension("y", "", "", 4)
    array = root.CreateMDArray("uint64", [dimension], gdal.ExtendedDataType.Create(gdal.GDT_UInt64))
    array.SetNoDataValueUInt64(2**64 - 1)
    for name, text in (("json 2**53+1", "9007199254740993"), ("json five", "5"), ("json null", "null")):
        attribute = array.CreateAttribute(name, [], gdal.ExtendedDataType.CreateString(0, gdal.GEDTST_JSON))
        attribute.WriteString(text)
    attribute = array.CreateAttribute("Int64 2**53+1", [], gdal.ExtendedDataType.Create(gdal.GDT_Int64))
    attribute.WriteRaw(struct.pack("<q", 2**53 + 1))
    # GDAL writes the metadata as its objects close; on the JSON text null GDAL 3.6.2 prints "JSON parsing
    # error: continue" from the dataset's destructor, then writes the attribute as the string "null"
    del attribute, array, dimension, kinds, root, dataset
    for path in sorted(folder.rglob(".za*")):
        print(f"{path.relative_to(folder)}: {json.dumps(json.loads(path.read_text(encoding='utf-8')))}")


if __name__ == "__main__":
    gdal.UseExceptions()
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    if sys.argv[1:] == ["--writes"]:
        show_writes()
        sys.exit()
    for case_id in sys.argv[1:]:
        show_case(case_id)
    if len(sys.argv) == 1:
        show_zarr3()

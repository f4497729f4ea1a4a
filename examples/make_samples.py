"""Write the sample stores of ``examples/stores/``: one small array in Zarr v2, Zarr v3 and N5.

Run ``python examples/make_samples.py`` to regenerate them; the output is byte-identical each time.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from zn5.reference import create_array, create_group
from zn5.reference.codecs.gzip import Gzip

STORES = Path(__file__).resolve().parent / "stores"


def main() -> None:
    """Write the three stores (the folder's ``__init__.py`` makes it the package ``zn5.samples``)."""
    values = np.arange(6 * 7, dtype="int16").reshape(6, 7) - 20
    for format_name, suffix in (("zarr2", "zarr"), ("zarr3", "zarr"), ("n5", "n5")):
        store = STORES / f"sample-{format_name}.{suffix}"
        shutil.rmtree(store, ignore_errors=True)
        create_group(store, format=format_name, attributes={"description": "zn5 sample store"})
        array = create_array(
            store,
            path="measurements/temperature",
            format=format_name,
            shape=values.shape,
            dtype=values.dtype,
            chunks=(4, 3),
            compressor=Gzip(5),
            attributes={"units": "K"},
        )
        array[...] = values


if __name__ == "__main__":
    main()

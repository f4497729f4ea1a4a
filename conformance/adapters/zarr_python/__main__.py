"""``python -m zn5.conformance.adapters.zarr_python``: the zarr-python 3 adapter as a protocol process."""

from __future__ import annotations

import sys

from zn5.conformance.adapters import serve
from zn5.conformance.adapters.zarr_python import ZarrPythonAdapter

if __name__ == "__main__":
    sys.exit(serve(ZarrPythonAdapter()))

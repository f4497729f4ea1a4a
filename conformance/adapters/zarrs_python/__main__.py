"""``python -m zn5.conformance.adapters.zarrs_python``: the zarrs-python adapter as a protocol process."""

from __future__ import annotations

import sys

from zn5.conformance.adapters import serve
from zn5.conformance.adapters.zarrs_python import ZarrsPythonAdapter

if __name__ == "__main__":
    sys.exit(serve(ZarrsPythonAdapter()))

"""``python -m zn5.conformance.adapters.z5py``: the z5py adapter as a protocol process."""

from __future__ import annotations

import sys

from zn5.conformance.adapters import serve
from zn5.conformance.adapters.z5py import Z5pyAdapter

if __name__ == "__main__":
    sys.exit(serve(Z5pyAdapter()))

"""``python -m zn5.conformance.adapters.tensorstore``: the tensorstore adapter as a protocol process."""

from __future__ import annotations

import sys

from zn5.conformance.adapters import serve
from zn5.conformance.adapters.tensorstore import TensorstoreAdapter

if __name__ == "__main__":
    sys.exit(serve(TensorstoreAdapter()))

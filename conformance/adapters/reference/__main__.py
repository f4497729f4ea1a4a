"""``python -m zn5.conformance.adapters.reference``: the reference adapter as a protocol process."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from zn5.conformance.adapters import serve
from zn5.conformance.adapters.reference import VOCABULARY, ReferenceAdapter
from zn5.reference.formats.deviations import LenientReadWarning


def main() -> int:
    """Serve the protocol on stdin and stdout until ``stop``."""
    parser = argparse.ArgumentParser(prog="python -m zn5.conformance.adapters.reference")
    parser.add_argument(
        "--capabilities",
        type=Path,
        default=VOCABULARY,
        help="the corpus's capabilities.json, whose tokens the reference claims (default: the committed one)",
    )
    arguments = parser.parse_args()
    warnings.simplefilter("ignore", LenientReadWarning)
    return serve(ReferenceAdapter(arguments.capabilities))


if __name__ == "__main__":
    sys.exit(main())

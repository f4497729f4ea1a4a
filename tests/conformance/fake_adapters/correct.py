"""A correct adapter: the reference, claiming the tokens of the corpus vocabulary given as argument 1."""

import sys
from pathlib import Path

from zn5.conformance.adapters import serve
from zn5.conformance.adapters.reference import ReferenceAdapter

if __name__ == "__main__":
    sys.exit(serve(ReferenceAdapter(Path(sys.argv[1]))))

"""Prints a line that is not JSON for the cases whose id matches argument 2 (default: all)."""

import sys
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from zn5.conformance.adapters import serve
from zn5.conformance.adapters.reference import ReferenceAdapter

PATTERN = sys.argv[2] if len(sys.argv) > 2 else "*"


class Garbage(ReferenceAdapter):
    def handle(self, message: dict[str, Any]) -> dict[str, Any] | None:
        if message.get("cmd") == "run" and fnmatchcase(message["case"]["id"], PATTERN):
            sys.stdout.buffer.write(b"Reading chunk 0/0... done!\n")
            sys.stdout.buffer.flush()
            return None
        return super().handle(message)


if __name__ == "__main__":
    sys.exit(serve(Garbage(Path(sys.argv[1])), stdout=sys.stdout.buffer))

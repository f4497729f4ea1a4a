"""Answers the cases whose id matches argument 2 (default: all) with the wrong seq."""

import sys
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from zn5.conformance.adapters import serve
from zn5.conformance.adapters.reference import ReferenceAdapter

PATTERN = sys.argv[2] if len(sys.argv) > 2 else "*"


class WrongSeq(ReferenceAdapter):
    def handle(self, message: dict[str, Any]) -> dict[str, Any] | None:
        reply = super().handle(message)
        if reply is not None and message.get("cmd") == "run" and fnmatchcase(message["case"]["id"], PATTERN):
            reply["seq"] += 1
        return reply


if __name__ == "__main__":
    sys.exit(serve(WrongSeq(Path(sys.argv[1]))))

"""Never answers the cases whose id matches argument 2 (default: all); correct otherwise."""

import sys
import time
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from zn5.conformance.adapters import serve
from zn5.conformance.adapters.reference import ReferenceAdapter

PATTERN = sys.argv[2] if len(sys.argv) > 2 else "*"


class Hang(ReferenceAdapter):
    def handle(self, message: dict[str, Any]) -> dict[str, Any] | None:
        if message.get("cmd") == "run" and fnmatchcase(message["case"]["id"], PATTERN):
            print(f"fake: hanging on {message['case']['id']}", file=sys.stderr, flush=True)
            time.sleep(3600)
        return super().handle(message)


if __name__ == "__main__":
    sys.exit(serve(Hang(Path(sys.argv[1]))))

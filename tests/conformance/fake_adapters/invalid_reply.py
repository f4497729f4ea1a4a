"""Answers every run with a reply that fails its schema (a misspelt member, no result)."""

import sys
from pathlib import Path
from typing import Any

from zn5.conformance.adapters import serve
from zn5.conformance.adapters.reference import ReferenceAdapter


class InvalidReply(ReferenceAdapter):
    def run_case(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
        return {"status": "ok", "reslut": {"array": "array.json"}}


if __name__ == "__main__":
    sys.exit(serve(InvalidReply(Path(sys.argv[1]))))

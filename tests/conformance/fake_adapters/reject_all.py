"""Refuses every input as a metadata error: right for some reject cases, wrong for everything else."""

import sys
from pathlib import Path
from typing import Any

from zn5.conformance.adapters import rejected, serve
from zn5.conformance.adapters.reference import ReferenceAdapter


class RejectAll(ReferenceAdapter):
    def run_case(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
        return rejected("metadata", "open", "refusing everything", "CORE-META-001")


if __name__ == "__main__":
    sys.exit(serve(RejectAll(Path(sys.argv[1]))))

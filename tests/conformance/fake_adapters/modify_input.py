"""Answers correctly, but first changes a file of its input and adds another (cases matching argument 2)."""

import sys
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from zn5.conformance.adapters import serve
from zn5.conformance.adapters.reference import ReferenceAdapter

PATTERN = sys.argv[2] if len(sys.argv) > 2 else "*"


class ModifyInput(ReferenceAdapter):
    def handle(self, message: dict[str, Any]) -> dict[str, Any] | None:
        reply = super().handle(message)
        if message.get("cmd") == "run" and fnmatchcase(message["case"]["id"], PATTERN):
            folder = Path(message["input"])
            with (folder / "case.json").open("a", encoding="utf-8") as case:
                case.write("\n")
            (folder / "lock").write_text("mine\n", encoding="utf-8")
        return reply


if __name__ == "__main__":
    sys.exit(serve(ModifyInput(Path(sys.argv[1]))))

"""Cut the example files out of the implementer's guide, ``docs/run-the-suite.md``.

The guide embeds each example file as one fenced code block between two marker comments::

    <!-- guide-example: zarr3_adapter.py -->
    ```python
    ...
    ```
    <!-- /guide-example -->

so that the code a reader copies is the code the tests run (``tests/interop/test_guide.py``). From the
repository root, ``python tools/guide_example.py build/guide`` writes every example file of the guide
into ``build/guide/`` and prints their paths; then
``zn5 run --adapter "python build/guide/zarr3_adapter.py" --expectations build/guide/expectations.toml``
runs the guide's adapter with the guide's expectations (zarr-python 3 must be installed).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "run-the-suite.md"
EXAMPLE = re.compile(
    r"^<!-- guide-example: (?P<name>[\w.-]+) -->\n```\w*\n(?P<text>.*?)^```\n<!-- /guide-example -->$",
    re.MULTILINE | re.DOTALL,
)


def examples(markdown: str) -> dict[str, str]:
    """The example files of a guide page, by file name; ValueError when it has none or names one twice."""
    found: dict[str, str] = {}
    for match in EXAMPLE.finditer(markdown):
        if match["name"] in found:
            raise ValueError(f"the guide has two examples named {match['name']}")
        found[match["name"]] = match["text"]
    if not found:
        raise ValueError("the guide has no <!-- guide-example: NAME --> block")
    return found


def main(arguments: list[str]) -> int:
    """Write the guide's example files into the folder ``arguments[0]``."""
    if len(arguments) != 1:
        print("usage: python tools/guide_example.py OUTPUT_DIR", file=sys.stderr)
        return 2
    folder = Path(arguments[0])
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in examples(GUIDE.read_text(encoding="utf-8")).items():
        (folder / name).write_text(text, encoding="utf-8")
        print(folder / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

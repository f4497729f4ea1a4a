"""Markdown building blocks of the generated pages: table cells, tables, folded lists."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

CODE_SPAN_RE: Final = re.compile(r"(`+)(?:.+?)\1")


def cell(text: str) -> str:
    """Text for a Markdown table cell: pipes outside code spans escaped, on one line."""
    text = text.replace("\n", " ")
    pieces: list[str] = []
    position = 0
    for match in CODE_SPAN_RE.finditer(text):
        pieces.append(text[position : match.start()].replace("|", "\\|"))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(text[position:].replace("|", "\\|"))
    return "".join(pieces)


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table; cells are used as given."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def listing(items: Sequence[str], noun: str, shown: int = 3) -> str:
    """A table cell listing ``items`` as code; long lists fold into a details element."""
    if not items:
        return ""
    codes = [f"`{item}`" for item in items]
    if len(items) <= shown:
        return "<br>".join(codes)
    plural = noun if noun.endswith("s") else noun + "s"
    return f"<details><summary>{len(items)} {plural}</summary>{'<br>'.join(codes)}</details>"

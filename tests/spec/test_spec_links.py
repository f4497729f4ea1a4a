"""Every link between spec chapters leads to a file that exists and to an anchor that the page has.

Anchors are the requirement IDs (``<a id="…">``) and the heading IDs that the website's Markdown ``toc``
extension derives from heading text; the slug rule below is that extension's default.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

SPEC = Path(__file__).resolve().parents[2] / "spec"
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
FENCE = re.compile(r"^\s*(```|~~~)")


def slug(heading: str) -> str:
    """The ID the toc extension gives a heading: its text, ASCII, lower case, words joined by ``-``."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def prose_lines(path: Path) -> list[str]:
    """The lines of a chapter outside fenced code blocks."""
    lines, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def anchors(path: Path) -> set[str]:
    found = set()
    for line in prose_lines(path):
        found.update(ANCHOR.findall(line))
        heading = HEADING.match(line)
        if heading:
            found.add(slug(heading[1]))
    return found


def broken_links(path: Path) -> list[str]:
    problems = []
    for line in prose_lines(path):
        for target in LINK.findall(line):
            if re.match(r"^[a-z]+:", target):
                continue
            file_part, _, fragment = target.partition("#")
            destination = (path.parent / file_part).resolve() if file_part else path
            if not destination.is_file():
                problems.append(f"{target}: no such file")
            elif fragment and destination.suffix == ".md" and fragment not in anchors(destination):
                problems.append(f"{target}: no anchor {fragment!r}")
    return problems


def test_slugs_follow_the_toc_rule() -> None:
    assert slug("Sharding (`sharding_indexed`)") == "sharding-sharding_indexed"
    assert slug("Zarr v2 null fill values") == "zarr-v2-null-fill-values"
    assert slug("Array metadata: `.zarray`") == "array-metadata-zarray"


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "# Title\n\nSee [b](b.md), [c](a.md#nowhere), [t](#title).\n", encoding="utf-8"
    )
    assert broken_links(tmp_path / "a.md") == ["b.md: no such file", "a.md#nowhere: no anchor 'nowhere'"]


@pytest.mark.parametrize(
    "chapter", sorted(SPEC.rglob("*.md")), ids=lambda path: path.relative_to(SPEC).as_posix()
)
def test_links_resolve(chapter: Path) -> None:
    assert broken_links(chapter) == []

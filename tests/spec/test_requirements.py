"""The requirements of spec/: they parse, every ID the project mentions is defined once, levels agree.

The markup and its parser are documented in spec/conventions.md and conformance/suite/requirements.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import fields
from functools import cache
from pathlib import Path

import pytest

from zn5.conformance.rfc.documents import Layout, load_rfcs
from zn5.conformance.suite.requirements import ID_RE, Requirement, RequirementMarkupError, load_requirements
from zn5.reference.formats.fill_values import ZARR2_FILL, ZARR3_FILL, FillRules

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec"
TEXT_SUFFIXES = {".py", ".md", ".json", ".toml", ".yaml", ".yml", ".txt"}
SCANNED = ("reference", "conformance", "tests", "spec")
NOT_SCANNED = (ROOT / "conformance" / "corpus",)
SELF = Path(__file__).resolve()  # this file names undefined IDs on purpose, to test the checks

# The tests of the RFC checker use IDs that are meant to be undefined (placeholders, and IDs that draft
# RFCs propose). They may appear in that folder and nowhere else, so that this list cannot hide a real gap.
FIXTURE_FOLDER = ROOT / "tests" / "conformance" / "rfc"
FIXTURE_IDS = {
    "CORE-EXAMPLE-001",
    "CORE-EXAMPLE-002",
    "CORE-OLD-001",
    "CORE-X-001",
    "N5-EDGE-002",
    "ZARR2-VLEN-003",
}

# A requirement ID as code and text cite it: the grammar of spec/conventions.md with one of the chapter
# prefixes, not part of a longer token (so "<FORMAT>-FILL-002" in a docstring is no ID).
MENTION = re.compile(
    r"(?<![A-Za-z0-9_-])(?:CORE|ZARR2|ZARR3|N5|CODEC|STORE|PROTO|CONF)(?:-[A-Z0-9]+)*-[0-9]{3}(?![A-Za-z0-9_])"
)

KEYWORD = re.compile(r"\b(MUST NOT|MUST|SHOULD NOT|SHOULD|MAY)\b")
UNUSED_KEYWORDS = re.compile(r"\b(SHALL|SHALL NOT|REQUIRED|RECOMMENDED|NOT RECOMMENDED|OPTIONAL)\b")
MARKER = re.compile(r"""\breq\(\s*["']([^"']+)["']\s*\)""")

CHAPTER_OF_PREFIX = {
    "ZARR2": "formats/zarr2.md",
    "ZARR3": "formats/zarr3.md",
    "N5": "formats/n5.md",
    "STORE": "core/stores.md",
    "CONF": "conformance-classes.md",
    "PROTO": "adapter-protocol.md",
}


@cache
def requirements() -> Mapping[str, Requirement]:
    return load_requirements(SPEC)


def text_files(roots: Iterable[Path]) -> list[Path]:
    files = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            skipped = path == SELF or any(path.is_relative_to(excluded) for excluded in NOT_SCANNED)
            if (
                path.is_file()
                and path.suffix in TEXT_SUFFIXES
                and not skipped
                and "__pycache__" not in path.parts
            ):
                files.append(path)
    return files


def mentioned_ids(path: Path) -> set[str]:
    """The requirement IDs a file mentions; each is written out in full (tests/spec/test_literal_ids.py)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return set(MENTION.findall(text))


def undefined_mentions(files: Iterable[Path], defined: Iterable[str]) -> dict[str, list[str]]:
    """Each mentioned but undefined ID with the files that mention it (fixtures allowed in their folder)."""
    known = set(defined)
    missing: dict[str, list[str]] = {}
    for path in files:
        allowed = FIXTURE_IDS if path.parent == FIXTURE_FOLDER else set()
        for requirement in sorted(mentioned_ids(path) - known - allowed):
            missing.setdefault(requirement, []).append(shown(path))
    return missing


def shown(path: Path) -> str:
    """A path relative to the repository where possible, for messages."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def level_problems(found: Iterable[Requirement]) -> list[str]:
    """Requirements whose text does not use the key word of their declared level."""
    problems = []
    for requirement in found:
        keywords = set(KEYWORD.findall(requirement.text))
        if requirement.level not in keywords:
            problems.append(
                f"{requirement.id} is declared {requirement.level} but its text uses {sorted(keywords)}"
            )
    return problems


def expected_chapter(requirement_id: str) -> str | None:
    """The chapter an ID's prefix names (None for CODEC-, whose chapter is checked separately)."""
    prefix = requirement_id.split("-")[0]
    if prefix == "CORE":
        return "core/"
    return CHAPTER_OF_PREFIX.get(prefix)


def test_the_spec_parses_into_well_formed_requirements() -> None:
    found = requirements()
    assert len(found) >= 150
    assert all(ID_RE.match(requirement_id) for requirement_id in found)
    assert all(requirement.text for requirement in found.values())
    chapters = {requirement.chapter.as_posix() for requirement in found.values()}
    assert {"core/chunk-grid.md", "formats/n5.md", "codecs/sharding.md", "conformance-classes.md"} <= chapters


def test_each_id_is_defined_in_the_chapter_its_prefix_names() -> None:
    wrong = []
    for requirement in requirements().values():
        chapter = requirement.chapter.as_posix()
        expected = expected_chapter(requirement.id)
        if expected is None and requirement.id.startswith("CODEC-"):
            expected = "codecs/"
        if expected is None or not chapter.startswith(expected):
            wrong.append(f"{requirement.id} in {chapter}")
    assert wrong == []


def test_each_codec_chapter_uses_one_codec_name() -> None:
    names_by_chapter: dict[str, set[str]] = {}
    for requirement in requirements().values():
        if requirement.id.startswith("CODEC-"):
            names_by_chapter.setdefault(requirement.chapter.as_posix(), set()).add(
                requirement.id.split("-")[1]
            )
    chapters = sorted(path.relative_to(SPEC).as_posix() for path in (SPEC / "codecs").glob("*.md"))
    assert sorted(names_by_chapter) == chapters
    assert all(len(names) == 1 for names in names_by_chapter.values()), names_by_chapter
    all_names = [next(iter(names)) for names in names_by_chapter.values()]
    assert len(all_names) == len(set(all_names))


def test_anchors_are_unique_across_the_spec() -> None:
    anchors: dict[str, list[str]] = {}
    for path in sorted(SPEC.rglob("*.md")):
        for anchor in re.findall(r'<a id="([^"]+)"></a>', path.read_text(encoding="utf-8")):
            if ID_RE.match(anchor):  # conventions.md shows the markup with a placeholder such as 0NN
                anchors.setdefault(anchor, []).append(path.relative_to(SPEC).as_posix())
    assert {anchor: places for anchor, places in anchors.items() if len(places) > 1} == {}
    assert set(anchors) == set(requirements())


def test_a_duplicate_definition_is_refused(tmp_path: Path) -> None:
    definition = '- <a id="CORE-GRID-002"></a>**CORE-GRID-002** (MUST): A reader MUST place chunks.\n'
    (tmp_path / "a.md").write_text(definition, encoding="utf-8")
    (tmp_path / "b.md").write_text(definition, encoding="utf-8")
    with pytest.raises(RequirementMarkupError, match="defined twice"):
        load_requirements(tmp_path)


def retired_ids() -> set[str]:
    """The IDs RFCs retire (``removes``): the change log and the replacing statements may name them."""
    rfcs, _ = load_rfcs(Layout.at(ROOT))
    return {requirement for rfc in rfcs for requirement in rfc.removes}


def test_every_requirement_id_the_project_mentions_is_defined() -> None:
    files = text_files(ROOT / folder for folder in SCANNED)
    assert any(path.is_relative_to(ROOT / "reference") for path in files)
    assert undefined_mentions(files, {*requirements(), *retired_ids()}) == {}


def test_a_retired_id_is_no_longer_defined() -> None:
    assert retired_ids() and retired_ids().isdisjoint(requirements())


def test_the_fill_rules_of_both_zarr_formats_pair_defined_ids() -> None:
    """Each kind of fill value has a rule of the same number in Zarr v2 and Zarr v3 (spec/formats/)."""
    kinds = [field.name for field in fields(FillRules) if field.type == "str"]
    zarr2 = [getattr(ZARR2_FILL, kind) for kind in kinds]
    zarr3 = [getattr(ZARR3_FILL, kind) for kind in kinds]
    assert len(kinds) == 9 and len(set(zarr2)) == len(set(zarr3)) == 9
    assert [rule.removeprefix("ZARR2-") for rule in zarr2] == [rule.removeprefix("ZARR3-") for rule in zarr3]
    assert all(rule.startswith("ZARR2-FILL-") for rule in zarr2)
    assert {*zarr2, *zarr3, "ZARR2-FILL-001", "ZARR3-FILL-001"} <= set(requirements())


def test_fixture_ids_appear_only_in_the_rfc_checker_tests() -> None:
    elsewhere = {
        shown(path): sorted(mentioned_ids(path) & FIXTURE_IDS)
        for path in text_files(ROOT / folder for folder in SCANNED)
        if path.parent != FIXTURE_FOLDER and mentioned_ids(path) & FIXTURE_IDS
    }
    assert elsewhere == {}
    assert not FIXTURE_IDS & set(requirements())


def test_the_scan_finds_an_undefined_id(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text(
        'raise Error.at(key, "bad", "CORE-GRID-999")\nrule = "ZARR3-FILL-998"\n', encoding="utf-8"
    )
    missing = undefined_mentions([source], requirements())
    assert sorted(missing) == ["CORE-GRID-999", "ZARR3-FILL-998"]


def test_project_test_requirements_have_a_marked_test() -> None:
    markers = set()
    for path in (ROOT / "tests").rglob("*.py"):
        markers.update(MARKER.findall(path.read_text(encoding="utf-8")))
    needed = {requirement.id for requirement in requirements().values() if requirement.tested_by_project_test}
    assert {"STORE-WRITE-001", "STORE-WRITE-002"} <= needed
    assert sorted(needed - markers) == []


def test_declared_levels_appear_in_the_text() -> None:
    assert level_problems(requirements().values()) == []


def test_the_level_check_catches_a_mismatch() -> None:
    mismatched = [
        Requirement("CORE-X-001", "MUST", "A reader SHOULD do it.", Path("x.md"), 1, False),
        Requirement("CORE-X-002", "MUST", "A writer MUST NOT do it.", Path("x.md"), 2, False),
        Requirement("CORE-X-003", "MUST NOT", "A writer MUST NOT do it.", Path("x.md"), 3, False),
    ]
    assert [problem.split()[0] for problem in level_problems(mismatched)] == ["CORE-X-001", "CORE-X-002"]


def test_only_the_five_key_words_are_used() -> None:
    used = {
        path.relative_to(SPEC).as_posix(): sorted(
            set(UNUSED_KEYWORDS.findall(path.read_text(encoding="utf-8")))
        )
        for path in sorted(SPEC.rglob("*.md"))
    }
    assert {chapter: words for chapter, words in used.items() if words} == {}


def test_the_version_is_one_semver_string_in_one_file() -> None:
    version = (SPEC / "VERSION").read_text(encoding="utf-8")
    assert re.fullmatch(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\n", version)
    assert f"## {version.strip()}" in (SPEC / "CHANGELOG.md").read_text(encoding="utf-8")

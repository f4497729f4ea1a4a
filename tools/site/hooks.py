"""mkdocs hooks that assemble the website from the repository (README.md, "The website").

``docs/`` holds only the hand-written pages. These hooks

* publish the Markdown and example files of ``spec/``, ``rfcs/`` and ``governance/``, and the JSON
  Schemas of ``schemas/``, under their own paths, read in place from the repository root;
* generate, at every build, the requirements index, the RFC index, the schemas page and the compliance
  page from the same data the tests use (nothing generated is committed: DECISIONS.md section 2);
* expand the glob patterns of the ``nav`` in ``mkdocs.yml`` into the files that exist, in reading order;
* show the specification's version on every page and the front matter of RFCs and decision records.
"""

from __future__ import annotations

import json
import posixpath
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from compliance import compliance_pages
from evidence import PAGE as CONFIRMATION_PAGE
from evidence import confirmation_page
from gaps import PAGE as GAPS_PAGE
from gaps import gaps_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from tables import cell, listing, table

from zn5.conformance.report import trace
from zn5.conformance.rfc import checks, documents
from zn5.conformance.rfc import index as rfc_listing
from zn5.conformance.suite.requirements import (
    LEVELS,
    Requirement,
    RequirementMarkupError,
    ids_in_text,
    load_requirements,
)

ROOT: Final = Path(__file__).resolve().parents[2]
PUBLISHED: Final = ("spec", "rfcs", "governance")
"""Folders whose files the site publishes under the same paths."""
SCHEMAS: Final = "schemas"
CASES: Final = Path("conformance/corpus/cases")
CODE_FOLDERS: Final = ("reference", "conformance")
CODE_SUFFIXES: Final = frozenset(
    {".py", ".java", ".scala", ".rs", ".js", ".mjs", ".ts", ".c", ".cc", ".cpp", ".h"}
)
SKIPPED_FOLDERS: Final = frozenset({"corpus", "node_modules", "target", "build", "dist", "__pycache__"})
INDEX_PAGES: Final = ("index.md", "README.md")

REQUIREMENTS_PAGE: Final = "requirements.md"
SCHEMAS_PAGE: Final = "schemas.md"
RFC_INDEX_PAGE: Final = "rfcs/rfc-index.md"
RFC_INDEX_JSON: Final = "rfcs/index.json"

LINK_RE: Final = re.compile(r"\]\((?P<target>[^)\s]+)\)")
FRONT_MATTER_FOLDERS: Final = ("rfcs/", "governance/decisions/")


# --------------------------------------------------------------------------------------------------------
# mkdocs events


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Show the version, make snippet paths absolute, and expand the glob patterns of the navigation."""
    version = spec_version(ROOT)
    config.extra["spec_version"] = version
    config.copyright = f"Zarr/N5 Unified Specification {version}. Built from the repository by mkdocs."
    snippets = config.mdx_configs.setdefault("pymdownx.snippets", {})
    snippets["base_path"] = [str(ROOT)]
    if config.nav is not None:
        config.nav = expand_nav(config.nav, ROOT)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the repository's published folders and the generated pages to the site."""
    for path in published_files(ROOT):
        uri = path.relative_to(ROOT).as_posix()
        _add(files, File(uri, str(ROOT), config.site_dir, config.use_directory_urls))
    for uri, content in generated_pages(ROOT).items():
        _add(files, File.generated(config, uri, content=content))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Show the front matter of RFCs and decision records, which mkdocs would otherwise hide, under a
    banner when the RFC no longer stands (superseded, withdrawn, rejected)."""
    if page.file.src_uri.startswith(FRONT_MATTER_FOLDERS) and page.meta:
        return insert_after_title(markdown, status_banner(page.meta) + front_matter_box(page.meta))
    return markdown


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
    """``mkdocs serve`` rebuilds when a published folder or the data behind a generated page changes."""
    for folder in (*PUBLISHED, SCHEMAS, *CODE_FOLDERS, "tests"):
        if (ROOT / folder).is_dir():
            server.watch(str(ROOT / folder))
    return server


def _add(files: Files, file: File) -> None:
    if files.get_file_from_path(file.src_uri) is not None:
        raise PluginError(f"{file.src_uri} exists twice: in docs/ and in the repository or generated pages")
    files.append(file)


# --------------------------------------------------------------------------------------------------------
# Assembling the site


def spec_version(root: Path) -> str:
    """The specification's version: ``spec/VERSION``, else the project version in ``pyproject.toml``."""
    version_file = root / "spec" / "VERSION"
    if version_file.is_file():
        return version_file.read_text(encoding="utf-8").strip()
    with (root / "pyproject.toml").open("rb") as stream:
        return str(tomllib.load(stream)["project"]["version"])


def _visible(path: Path, root: Path) -> bool:
    """True for files that are neither hidden nor caches."""
    parts = path.relative_to(root).parts
    return not any(part.startswith(".") or part == "__pycache__" for part in parts)


def published_files(root: Path) -> list[Path]:
    """Every file the site takes from the repository as it is: the published folders and the schemas."""
    found = [path for folder in PUBLISHED for path in sorted((root / folder).rglob("*")) if path.is_file()]
    found += sorted((root / SCHEMAS).rglob("*.json"))
    return [path for path in found if _visible(path, root)]


def generated_pages(root: Path) -> dict[str, str]:
    """The pages (and the RFC index's JSON) built from the repository's data, by site path."""
    index, markdown = rfc_index(root)
    return {
        REQUIREMENTS_PAGE: requirements_page(root),
        SCHEMAS_PAGE: schemas_page(root),
        RFC_INDEX_PAGE: markdown,
        RFC_INDEX_JSON: json.dumps(index, indent=2, ensure_ascii=False) + "\n",
        CONFIRMATION_PAGE: confirmation_page(root),
        GAPS_PAGE: gaps_page(root),
        **compliance_pages(root),
    }


def link_targets(page: Path, root: Path) -> Iterator[str]:
    """The repository paths a Markdown page links to, in order of appearance."""
    folder = page.parent.relative_to(root).as_posix()
    for match in LINK_RE.finditer(page.read_text(encoding="utf-8")):
        target = match["target"].split("#", 1)[0]
        if target and "://" not in target and not target.startswith(("mailto:", "/")):
            yield posixpath.normpath(posixpath.join(folder, target))


def reading_order(folder: Path, root: Path) -> dict[str, int]:
    """Where the nearest index page at or above ``folder`` first links to each file."""
    for candidate in (folder, *folder.parents):
        if candidate == root or root not in candidate.parents:
            break
        for name in INDEX_PAGES:
            if (candidate / name).is_file():
                order: dict[str, int] = {}
                for target in link_targets(candidate / name, root):
                    order.setdefault(target, len(order))
                return order
    return {}


def _is_pattern(entry: str) -> bool:
    return any(character in entry for character in "*?[")


def _nav_paths(nav: Iterable[Any]) -> Iterator[str]:
    """Every page path the navigation names, through nested sections."""
    for item in nav:
        values = item.values() if isinstance(item, dict) else [item]
        for value in values:
            if isinstance(value, list):
                yield from _nav_paths(value)
            elif isinstance(value, str):
                yield value


def expand_pattern(pattern: str, root: Path, named: set[str]) -> list[str]:
    """The files a nav glob stands for, except those the nav names elsewhere, in reading order."""
    matches = [path.relative_to(root).as_posix() for path in root.glob(pattern) if path.is_file()]
    order = reading_order((root / pattern).parent, root)
    remaining = [match for match in matches if match not in named]
    return sorted(remaining, key=lambda uri: (order.get(uri, len(order)), uri.casefold()))


def expand_nav(nav: list[Any], root: Path) -> list[Any]:
    """The navigation with each glob pattern replaced by its files; sections left empty are dropped."""
    named = {entry for entry in _nav_paths(nav) if not _is_pattern(entry)}

    def expand(items: list[Any]) -> list[Any]:
        result: list[Any] = []
        for item in items:
            if isinstance(item, str) and _is_pattern(item):
                result.extend(expand_pattern(item, root, named))
            elif isinstance(item, dict) and len(item) == 1:
                [(title, value)] = item.items()
                if isinstance(value, list):
                    value = expand(value)
                    if not value:
                        continue
                result.append({title: value})
            else:
                result.append(item)
        return result

    return expand(nav)


# --------------------------------------------------------------------------------------------------------
# Markdown helpers


def rebase_links(text: str, source_uri: str) -> str:
    """Relative links of a page at ``source_uri``, rewritten for a page at the site's root."""
    folder = posixpath.dirname(source_uri)

    def rebase(match: re.Match[str]) -> str:
        target = match["target"]
        if "://" in target or target.startswith(("mailto:", "/")):
            return match.group(0)
        path, hash_, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(folder, path)) if path else source_uri
        return f"]({resolved}{hash_}{anchor})"

    return LINK_RE.sub(rebase, text)


def insert_after_title(markdown: str, block: str) -> str:
    """``block`` placed after the page's first level-one heading (or at the top when it has none)."""
    lines = markdown.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.startswith("# "):
            return "".join([*lines[: number + 1], "\n", block, "\n", *lines[number + 1 :]])
    return block + "\n" + markdown


def _front_matter_value(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(_front_matter_value(item) for item in value) or "none"
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            extra = value.get("affiliation")
            return f"{name} ({extra})" if isinstance(extra, str) else name
        return ", ".join(f"{key}: {_front_matter_value(item)}" for key, item in value.items())
    return "none" if value is None else str(value)


def status_banner(meta: Mapping[str, Any]) -> str:
    """A warning at the top of an RFC that is superseded, withdrawn or rejected; empty otherwise."""
    status = meta.get("status")
    if status == "Superseded":
        successor = f"{int(meta['superseded_by']):04d}"
        matches = sorted((ROOT / "rfcs").glob(f"{successor}-*.md"))
        target = f"[RFC {successor}]({matches[0].name})" if matches else f"RFC {successor}"
        text = f"This RFC is superseded by {target}; it is kept for the record."
    elif status in ("Withdrawn", "Rejected"):
        text = f"This RFC was {str(status).lower()}; it is kept for the record and does not change the spec."
    else:
        return ""
    return f'!!! warning "{status}"\n\n    {text}\n\n'


def front_matter_box(meta: Mapping[str, Any]) -> str:
    """The front matter of a page as a table inside a note."""
    rows = [(f"`{key}`", cell(_front_matter_value(value))) for key, value in meta.items()]
    lines = ['!!! abstract "Front matter"', ""]
    lines += ["    " + line for line in table(("field", "value"), rows)]
    return "\n".join(lines) + "\n"


def chapter_title(path: Path) -> str:
    """A chapter's first level-one heading, else its file name."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


# --------------------------------------------------------------------------------------------------------
# The requirements index


def code_mentions(root: Path) -> dict[str, list[str]]:
    """For each requirement ID, the source files under reference/ and conformance/ that name it."""
    mentions: dict[str, list[str]] = {}
    for folder in CODE_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            relative = path.relative_to(root)
            if path.suffix not in CODE_SUFFIXES or SKIPPED_FOLDERS.intersection(relative.parts[:-1]):
                continue
            if not path.is_file() or not _visible(path, root):
                continue
            for requirement in sorted(set(rfc_id_mentions(path))):
                mentions.setdefault(requirement, []).append(relative.as_posix())
    return mentions


def rfc_id_mentions(path: Path) -> list[str]:
    """The requirement IDs a text file names."""
    try:
        return sorted(ids_in_text(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return []


def cases_by_requirement(root: Path) -> dict[str, list[str]]:
    """For each requirement ID, the ids of the corpus cases that cite it."""
    cases_dir = root / CASES
    found = trace.corpus_cases_by_requirement(cases_dir)
    return {
        requirement: [path.parent.relative_to(cases_dir).as_posix() for path in paths]
        for requirement, paths in found.items()
    }


def _tested_by(
    requirement: Requirement, cases: Mapping[str, list[str]], tests: Mapping[str, list[Path]], root: Path
) -> str:
    if requirement.tested_by_project_test:
        paths = [path.relative_to(root).as_posix() for path in tests.get(requirement.id, [])]
        return "project test: " + listing(paths, "test file") if paths else "**no project test yet**"
    named = cases.get(requirement.id, [])
    return listing(named, "case") if named else "**no case yet**"


def requirements_page(root: Path) -> str:
    """The requirements index: per ID its level, text, the code that names it and the cases that test it."""
    try:
        requirements = load_requirements(root / "spec")
    except RequirementMarkupError as error:
        raise PluginError(f"the requirements index cannot be built: {error}") from error
    cases = cases_by_requirement(root)
    tests = trace.project_tests_by_requirement(root / "tests")
    code = code_mentions(root)
    levels = Counter(requirement.level for requirement in requirements.values())
    counts = ", ".join(f"{levels[level]} {level}" for level in LEVELS if levels[level])
    untested = [
        requirement.id
        for requirement in requirements.values()
        if requirement.is_must and _tested_by(requirement, cases, tests, root).startswith("**no")
    ]
    lines = [
        "# Requirements index",
        "",
        "<!-- Generated by tools/site/hooks.py when the site is built; edit spec/ instead. -->",
        "",
        f"The specification defines {len(requirements)} requirements ({counts or 'none yet'}). For each, "
        "this page gives its level, its text, the files of the reference implementation (`reference/`) "
        "and of the conformance tooling (`conformance/`) that name it, and the "
        "[corpus](corpus.md) cases that test it (or, where the corpus cannot reach, the project tests "
        "marked `@pytest.mark.req`). It is generated from the repository at every build of the site.",
        "",
    ]
    if untested:
        lines += [f"MUST and MUST NOT requirements without a test: {len(untested)}.", ""]
    chapters: dict[Path, list[Requirement]] = {}
    for requirement in requirements.values():
        chapters.setdefault(requirement.chapter, []).append(requirement)
    order = reading_order(root / "spec", root)
    for chapter in sorted(
        chapters, key=lambda path: (order.get(f"spec/{path.as_posix()}", len(order)), path)
    ):
        uri = f"spec/{chapter.as_posix()}"
        lines += [f"## [{chapter_title(root / uri)}]({uri})", ""]
        rows = [
            (
                f"[{requirement.id}]({uri}#{requirement.id})",
                requirement.level,
                cell(rebase_links(requirement.text, uri)),
                listing(code.get(requirement.id, []), "file"),
                _tested_by(requirement, cases, tests, root),
            )
            for requirement in sorted(chapters[chapter], key=lambda requirement: requirement.line)
        ]
        lines += table(("ID", "Level", "Requirement", "Code that names it", "Tested by"), rows)
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------
# The schemas page


def _first_sentence(text: object) -> str:
    if not isinstance(text, str):
        return ""
    sentence = re.split(r"(?<=\.)\s", text.strip(), maxsplit=1)[0]
    return cell(sentence)


def schemas_page(root: Path) -> str:
    """The JSON Schemas of ``schemas/``, by folder, each linked to its raw copy in the site."""
    lines = [
        "# Schemas",
        "",
        "<!-- Generated by tools/site/hooks.py when the site is built; edit schemas/ instead. -->",
        "",
        "JSON Schemas (draft 2020-12) for the documents of the three formats and for the project's own "
        "files: corpus cases, canonical nodes and arrays, reports, expectations, adapter messages and RFC "
        "front matter. Each link opens the schema's JSON as it is in the repository's `schemas/` folder; "
        "the `$id` is how schemas refer to each other.",
        "",
    ]
    groups: dict[str, list[Path]] = {}
    for path in sorted((root / SCHEMAS).rglob("*.json")):
        if _visible(path, root):
            groups.setdefault(path.parent.relative_to(root / SCHEMAS).as_posix(), []).append(path)
    for group, paths in groups.items():
        lines += [f"## `{group}/`", ""]
        rows = []
        for path in paths:
            uri = path.relative_to(root).as_posix()
            try:
                schema = json.loads(path.read_text(encoding="utf-8"))
            except ValueError as error:
                raise PluginError(f"{uri} is not valid JSON: {error}") from error
            schema = schema if isinstance(schema, dict) else {}
            rows.append(
                (
                    f"[{path.name}]({uri})",
                    cell(str(schema.get("title", ""))),
                    f"`{schema['$id']}`" if isinstance(schema.get("$id"), str) else "",
                    _first_sentence(schema.get("description")),
                )
            )
        lines += table(("Schema", "Title", "$id", "Describes"), rows)
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------
# The RFC index


def rfc_index(root: Path) -> tuple[dict[str, Any], str]:
    """The RFC index as ``zn5 rfc index`` builds it: its JSON and its Markdown page."""
    layout = documents.Layout.at(root)
    rfcs, problems = documents.load_rfcs(layout)
    validator = documents.load_validator(layout.schema)
    for record in rfcs:
        problems += checks.check_schema(record, validator, layout)
    if problems:
        raise PluginError("the RFC index cannot be built:\n" + "\n".join(str(p) for p in sorted(problems)))
    index = rfc_listing.build_index(rfcs, layout)
    markdown = rfc_listing.render_markdown(index, root / RFC_INDEX_PAGE, layout)
    markdown += "\nThe same index as JSON, for programs: [index.json](index.json).\n"
    return index, markdown

"""``zn5 validate``: check a whole store against the spec and report every problem at once.

Each metadata document goes through its JSON Schema (``schemas/``) and through the reference's dialect
parser; every key under an array must be a chunk key of its encoding inside its grid; Zarr nodes should
have a group document for every ancestor; with ``--chunks`` every stored chunk is decoded and its headers
(blosc, N5 block) are compared with the metadata (CODEC-BLOSC-004, N5-BLOCK-008). Each problem
names its store key, its JSON location, what is wrong, the requirement it breaks and its level:
``error`` (a broken MUST), ``warning`` (a broken SHOULD) or ``deviation`` (a known real-world deviation
that readers accept, reported as the violation it is; DECISIONS.md section 4).

The store is read in two streaming passes over its key listing: the first keeps only the metadata
document keys, the second checks (and with ``--chunks`` decodes) one key at a time. Neither the list of
chunk keys nor more than one chunk is ever held in memory. The chunks go to a checker
(``validation.chunks``): serially in this process, or with ``--dask`` in batches on a dask
cluster (``validation.scale``), whose report is the serial one (CONF-VALIDATE-001). On a terminal,
and not with ``--json``, a progress bar on stderr follows the second pass.

Text output is one line per problem, ``key: location: level: message [ID]``, then a summary line;
``--json`` prints one object that follows ``schemas/project/validate-report.schema.json``. A deviation
also names the known-deviation entry that lets readers read it (CORE-DEVIATION-001 to -012). The exit
code is 1 when any error is found (with ``--strict``, any deviation too), 2 when the store cannot be
opened, else 0.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from zn5.conformance.suite.resources import SCHEMAS
from zn5.conformance.validation import listing
from zn5.conformance.validation.chunks import Checker, ChunkCheck, ChunkWork, Progress, Work, check_serially
from zn5.conformance.validation.scale import ScaleError, TerminalProgress, check_cluster_spec, checker_for
from zn5.reference.api import as_store
from zn5.reference.array import Array
from zn5.reference.errors import Problem, ZN5Error
from zn5.reference.formats import n5, zarr2, zarr3
from zn5.reference.formats.deviations import (
    BloscShuffleWordWarning,
    LegacyCompressionTypeWarning,
    LenientReadWarning,
    MissingGroupDocumentWarning,
    UnknownCodecMemberWarning,
    ZeroChunkLengthWarning,
)
from zn5.reference.formats.dialect import DIALECTS, parse_node, read_documents
from zn5.reference.formats.documents import type_name
from zn5.reference.model.keys import ChunkKeyEncoding
from zn5.reference.model.node import ArrayModel, GroupModel, prefix
from zn5.reference.store.base import Store
from zn5.reference.store.remote import is_remote_url

Level = Literal["error", "warning", "deviation"]
LEVELS: Final[tuple[Level, ...]] = ("error", "warning", "deviation")

SCHEMA_ROOT: Final = SCHEMAS
SCHEMA_BASE: Final = "https://zn5.dev/schemas/"
REQUIREMENT_ANNOTATION: Final = "x-zn5-requirement"
FORMAT_SCHEMA_FOLDERS: Final = ("zarr2", "zarr3", "n5")

STRAY_KEY: Final = "CORE-KEY-004"
"""A key that is neither a metadata document of a node nor the encoding of a chunk position inside the
grid of its array names no chunk (CORE-KEY-004); the store holding it is reported with a warning."""
MISSING_GROUP_DOCUMENT: Final[Mapping[str, str]] = {"zarr2": "ZARR2-NODE-001", "zarr3": "CORE-NODE-007"}
"""The rule a Zarr node breaks when an ancestor has no group document: a known deviation (the spec's
list of deviations in spec/core/metadata.md; DECISIONS.md sections 4 and 5)."""
STALE_CONSOLIDATED: Final = "ZARR2-CONSOLIDATED-001"
"""SHOULD: ``.zmetadata`` follows zarr-python's layout, each entry equals the document it copies, and it
lists every document below its group. Defined here until the spec defines it."""
NODE_NOT_FOUND: Final = "CORE-NODE-004"
SEVERAL_FORMATS: Final = "CORE-NODE-005"
N5_VERSION: Final = "N5-META-001"
N5_ROOT_READ: Final = "N5-ROOT-001"
"""Readers open a container whose root records no N5 version: the rule that lets them read it."""

CONSOLIDATED_KEY: Final = ".zmetadata"
DOCUMENT_FORMATS: Final[Mapping[str, str]] = {
    name: format_name for format_name, module in DIALECTS.items() for name in module.DOCUMENT_KEYS
}
GROUP_DOCUMENT: Final[Mapping[str, str]] = {"zarr2": zarr2.GROUP_KEY, "zarr3": zarr3.NODE_KEY}


# ----------------------------------------------------------------------------------------------- schemas


@cache
def schema_registry() -> Registry[Any]:
    """Every schema under ``schemas/zarr2``, ``schemas/zarr3`` and ``schemas/n5``, by ``$id``."""
    resources = []
    for folder in FORMAT_SCHEMA_FOLDERS:
        for path in sorted((SCHEMA_ROOT / folder).rglob("*.schema.json")):
            contents = json.loads(path.read_text(encoding="utf-8"))
            resources.append(
                (contents["$id"], Resource.from_contents(contents, default_specification=DRAFT202012))
            )
    return Registry().with_resources(resources)


def schema_id(name: str) -> str:
    """The ``$id`` of a schema named by its path under ``schemas/`` without the suffix (``zarr3/array``)."""
    return f"{SCHEMA_BASE}{name}.schema.json"


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for the schema ``name`` (``zarr3/array``) that resolves references between schemas."""
    contents = schema_registry().contents(schema_id(name))
    return Draft202012Validator(contents, registry=schema_registry())


def schema_name(format_name: str, document_name: str, path: str, document: Mapping[str, Any]) -> str:
    """The schema a metadata document follows."""
    if format_name == "zarr2":
        return "zarr2/" + document_name.lstrip(".")
    if format_name == "zarr3":
        return "zarr3/array" if document.get("node_type") == "array" else "zarr3/group"
    if path == "":
        return "n5/root"
    return "n5/dataset" if n5.is_dataset(document) else "n5/group"


@dataclass(frozen=True)
class KnownDeviation:
    """A schema violation that real writers produce and readers accept (DECISIONS.md section 4)."""

    format: str
    keyword: str
    location: re.Pattern[str]
    requirement: str
    writer: str
    allowed_by: type[LenientReadWarning]
    applies: Callable[[Mapping[str, Any], str, Any], bool] = lambda document, location, value: True


def _empty_axis(document: Mapping[str, Any], location: str, value: Any) -> bool:
    """Whether ``chunks[i]`` is 0 on an axis whose length is 0."""
    index = int(location[len("chunks[") : -1])
    shape = document.get("shape")
    return value == 0 and isinstance(shape, list) and index < len(shape) and shape[index] == 0


_CODEC_LOCATION = r"(?:compressor|filters\[[0-9]+\])"
KNOWN_DEVIATIONS: Final[tuple[KnownDeviation, ...]] = (
    KnownDeviation(
        "zarr2",
        "additionalProperties",
        re.compile(rf"^{_CODEC_LOCATION}\.[^.\[]+$"),
        "ZARR2-CODEC-003",
        "unknown extra members in a numcodecs configuration",
        UnknownCodecMemberWarning,
    ),
    KnownDeviation(
        "zarr2",
        "enum",
        re.compile(rf"^{_CODEC_LOCATION}\.shuffle$"),
        "CODEC-BLOSC-002",
        "blosc shuffle spelled as GDAL 3.6.2 spells it",
        BloscShuffleWordWarning,
        lambda document, location, value: value in zarr2.GDAL_SHUFFLE_WORDS,
    ),
    KnownDeviation(
        "zarr2",
        "minimum",
        re.compile(r"^chunks\[[0-9]+\]$"),
        "CORE-GRID-001",
        "a chunk length of 0 on an empty axis (older zarr-python)",
        ZeroChunkLengthWarning,
        _empty_axis,
    ),
    KnownDeviation(
        "n5",
        "additionalProperties",
        re.compile(r"^compression\.[^.\[]+$"),
        "N5-CODEC-003",
        "unknown extra members in a compression object (zarr-python 2's N5 zstd)",
        UnknownCodecMemberWarning,
    ),
    KnownDeviation(
        "n5",
        "required",
        re.compile(r"^compression$"),
        "N5-CODEC-001",
        "the legacy compressionType key instead of compression (N5 before 1.0)",
        LegacyCompressionTypeWarning,
        lambda document, location, value: isinstance(document.get("compressionType"), str),
    ),
)
"""The deviations that JSON Schema reports as errors; the reference reports most of them itself."""

ALIASES: Final[Mapping[str, tuple[str, ...]]] = {"compressionType": ("compression",)}
"""Reference problem locations that also explain schema errors at other locations."""


def render_location(path: Iterable[str | int]) -> str:
    """A JSON location such as ``codecs[0].configuration.level``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _annotations(name: str, schema_path: Sequence[str | int]) -> tuple[str, str | None]:
    """The nearest requirement ID and description along ``schema_path``, following ``$ref``."""
    resolved = schema_registry().resolver().lookup(schema_id(name))
    node: Any = resolved.contents
    resolver = resolved.resolver
    requirement: str = node.get(REQUIREMENT_ANNOTATION, "CORE-META-001")
    description: str | None = None
    for part in schema_path:
        while isinstance(node, dict) and part not in node and "$ref" in node:
            resolved = resolver.lookup(node["$ref"])
            node, resolver = resolved.contents, resolved.resolver
            requirement = node.get(REQUIREMENT_ANNOTATION, requirement)
            description = node.get("description", description)
        in_object = isinstance(node, dict) and part in node
        in_array = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if not (in_object or in_array):
            break
        node = node[part]
        if isinstance(node, dict) and part not in ("properties", "$defs", "patternProperties"):
            requirement = node.get(REQUIREMENT_ANNOTATION, requirement)
            description = node.get("description", description)
    return requirement, description


def _message(error: ValidationError, description: str | None) -> str:
    """What is wrong, in words; ``description`` is the nearest description of the failing schema."""
    keyword, value, instance = error.validator, error.validator_value, error.instance
    simple: dict[str, Callable[[], str]] = {
        "enum": lambda: f"must be one of {_short(value)} (got {_short(instance)})",
        "const": lambda: f"must be {_short(value)} (got {_short(instance)})",
        "minimum": lambda: f"must be at least {value} (got {_short(instance)})",
        "maximum": lambda: f"must be at most {value} (got {_short(instance)})",
        "multipleOf": lambda: f"must be a multiple of {value} (got {_short(instance)})",
        "minItems": lambda: f"must have at least {value} items (has {len(instance)})",
        "maxItems": lambda: f"must have at most {value} items (has {len(instance)})",
        "maxProperties": lambda: f"must have at most {value} members (has {len(instance)})",
        "uniqueItems": lambda: f"must not repeat an item (got {_short(instance)})",
    }
    if keyword in simple:
        return simple[keyword]()
    local = error.schema.get("description") if isinstance(error.schema, dict) else None
    if keyword == "type":
        expected = " or ".join(value) if isinstance(value, list) else value
        text = f"must be {'an' if expected[0] in 'aeiou' else 'a'} {expected}, not {type_name(instance)}"
        return f"{text} ({local[0].lower()}{local[1:].rstrip('.')})" if local else text
    if keyword == "pattern":
        text = f"{_short(instance)} is not of the required form"
        return f"{text}: {description}" if description else f"{text} ({value})"
    if description:
        return f"{_short(instance)} is not allowed here: {description}"
    text = str(error.message)
    return text if len(text) <= 200 else text[:197] + "..."


def schema_problems(key: str, name: str, document: Mapping[str, Any], format_name: str) -> list[Problem]:
    """Every way ``document`` breaks the schema ``name``, as problems of ``key``."""
    problems: list[Problem] = []
    for error in validator(name).iter_errors(document):
        requirement, description = _annotations(name, list(error.absolute_schema_path))
        base = list(error.absolute_path)
        if error.validator == "required":
            missing = [member for member in error.validator_value if member not in error.instance]
            items = [([*base, member], "is required", None) for member in missing]
        elif error.validator == "additionalProperties":
            known = set(error.schema.get("properties", {}))
            patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
            extra = [m for m in error.instance if m not in known and not any(p.search(m) for p in patterns)]
            items = [([*base, m], "is not allowed here", error.instance[m]) for m in extra]
        else:
            items = [(base, _message(error, description), error.instance)]
        for path, message, value in items:
            location = render_location(path)
            level: Level = "error"
            found_requirement, allowed_by = requirement, ""
            for deviation in KNOWN_DEVIATIONS:
                if (
                    deviation.format == format_name
                    and deviation.keyword == error.validator
                    and deviation.location.match(location)
                    and deviation.applies(document, location, value)
                ):
                    level, found_requirement = "deviation", deviation.requirement
                    allowed_by = deviation.allowed_by.requirement
                    message = f"{message} ({deviation.writer})"
                    break
            problem = Problem(key, location, message, found_requirement, level, allowed_by)
            if problem not in problems:
                problems.append(problem)
    return problems


def _within(inner: str, outer: str) -> bool:
    if inner == outer:
        return True
    return outer != "" and inner.startswith((outer + ".", outer + "["))


def merge(reference: Sequence[Problem], schema: Sequence[Problem]) -> list[Problem]:
    """The reference's problems, then the schema's that no reference problem of the same key explains."""
    merged = list(reference)
    for problem in schema:
        explained = False
        for found in reference:
            if found.key != problem.key:
                continue
            locations = (found.location, *ALIASES.get(found.location, ()))
            if any(_within(problem.location, at) or _within(at, problem.location) for at in locations):
                explained = True
                break
        if not explained and problem not in merged:
            merged.append(problem)
    return merged


# ----------------------------------------------------------------------------------------------- the walk


def _nested_hint(encoding: ChunkKeyEncoding, relative: str, model: ArrayModel) -> str:
    """For a Zarr v2 array whose separator is ``"."``: say when a stray key is a chunk key of ``"/"``, as
    in stores written before ``dimension_separator`` existed, which a reader does not guess
    (ZARR2-META-013); the fix is to add the member."""
    if encoding.name != "v2" or encoding.separator != ".":
        return ""
    nested = replace(encoding, separator="/").decode(relative, model.ndim)
    if nested is None or not model.chunk_grid.contains(nested, model.shape):
        return ""
    return (
        '; it is the chunk key of separator "/": a store written before dimension_separator existed '
        'needs "dimension_separator": "/" in its .zarray (ZARR2-META-013)'
    )


@dataclass
class Counts:
    """What a validation found and checked."""

    levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    nodes: int = 0
    keys: int = 0
    chunks: int = 0
    decoded: int = 0


@dataclass
class ArrayNode:
    """An array found in the store: its format, and its model when the metadata is valid."""

    path: str
    format: str
    model: ArrayModel | None
    array: Array | None = None


def _parts(path: str) -> list[str]:
    return path.split("/") if path else []


def _ancestors(path: str) -> list[str]:
    parts = _parts(path)
    return ["/".join(parts[:depth]) for depth in range(len(parts))]


def _is_array_document(format_name: str, documents: Mapping[str, dict[str, Any] | None]) -> bool:
    if format_name == "zarr2":
        return documents.get(zarr2.ARRAY_KEY) is not None
    document = documents.get(DIALECTS[format_name].DOCUMENT_KEYS[0])
    if document is None:
        return False
    return document.get("node_type") == "array" if format_name == "zarr3" else n5.is_dataset(document)


class Validation:
    """One validation run over a store; iterate :meth:`problems` to run it."""

    def __init__(
        self,
        store: Store,
        *,
        format_name: str | None = None,
        chunks: bool = False,
        paths: Sequence[str] = (),
        checker: Checker = check_serially,
        progress: Progress | None = None,
    ) -> None:
        """``checker`` decodes the chunks (:func:`check_serially`, or ``validation.scale``'s dask
        checker: the same report, CONF-VALIDATE-001); ``progress`` is told how far pass 2 has come."""
        if format_name is not None and format_name not in DIALECTS:
            raise ValueError(f"unknown format {format_name!r}; expected one of {sorted(DIALECTS)}")
        self.store = store
        self.format_name = format_name
        self.decode_chunks = chunks
        self.counts = Counts()
        self.checker = checker
        self.progress = progress
        self.listed = 0
        """How many keys pass 1 listed: the length of pass 2."""
        self.formats: list[str] = []
        self._nodes: dict[str, dict[str, set[str]]] = {}
        self._consolidated: set[str] = set()
        self._arrays: dict[str, ArrayNode] = {}
        self._skipped: set[str] = set()
        self._unreadable: set[str] = set()
        self.paths = tuple(paths)
        self.listing: listing.Listing = "listed"
        self._metadata_keys: list[str] = []

    def problems(self) -> Iterator[Problem]:
        """Every problem of the store, as it is found, each once (a problem of the container, such as an
        N5 root version no reader supports, is found again at every node)."""
        reported: set[Problem] = set()
        for problem in self._run():
            if problem in reported:
                continue
            reported.add(problem)
            self.counts.levels[problem.level] += 1
            yield problem

    def _run(self) -> Iterator[Problem]:
        try:
            self._find_nodes()
        except ZN5Error as error:
            yield from error.problems
            return
        if not self._nodes:
            wanted = f"{self.format_name} metadata" if self.format_name else "Zarr v2, Zarr v3 or N5 metadata"
            yield Problem("/", "", f"no {wanted} anywhere in the store", NODE_NOT_FOUND)
            return
        for path in sorted(self._nodes, key=_parts):
            yield from self._check_node(path)
        yield from self._check_ancestors()
        for path in sorted(self._consolidated, key=_parts):
            yield from self._check_consolidated(path)
        if self.progress is not None:
            self.progress.start(self.listed)
        for check in self.checker(self._check_keys()):
            self.counts.decoded += check.decoded
            if self.progress is not None:
                self.progress.advance(check)
            yield from check.problems

    def _keys(self) -> Iterator[str]:
        """Every key of a listed store; of one that cannot list, the metadata documents that consolidated
        metadata or ``paths`` name and, with ``--chunks``, the chunks of each array's grid the store holds
        (STORE-REMOTE-002)."""
        if self.listing == "listed":
            yield from self.store.list_prefix("")
            return
        yield from self._metadata_keys
        if self.decode_chunks:
            for path, node in sorted(self._arrays.items()):
                if node.model is not None:
                    yield from listing.chunk_keys(self.store, prefix(path), node.model)

    def _find_nodes(self) -> None:
        """Pass 1: remember the metadata documents of every node; keep nothing else."""
        if not self.store.listable:
            self.listing, self._metadata_keys = listing.metadata_keys(self.store, self.paths)
        for key in self._keys():
            self.listed += 1
            directory, _, name = key.rpartition("/")
            format_name = DOCUMENT_FORMATS.get(name)
            if name == CONSOLIDATED_KEY and self.format_name in (None, "zarr2"):
                self._consolidated.add(directory)
            if format_name is None or (self.format_name is not None and format_name != self.format_name):
                continue
            self._nodes.setdefault(directory, {}).setdefault(format_name, set()).add(name)
        found = {name for formats in self._nodes.values() for name in formats}
        self.formats = [name for name in DIALECTS if name in found]

    def _inside_array(self, path: str) -> bool:
        return any(ancestor in self._arrays for ancestor in _ancestors(path))

    def _check_node(self, path: str) -> Iterator[Problem]:
        """Schema and reference problems of one node's documents; remember arrays."""
        if self._inside_array(path):
            self._skipped.add(path)
            return
        formats = [name for name in DIALECTS if name in self._nodes[path]]
        if len(formats) > 1:
            yield Problem(
                prefix(path) or "/",
                "",
                f"metadata of several formats ({', '.join(formats)}) describe one node",
                SEVERAL_FORMATS,
            )
        self.counts.nodes += 1
        for format_name in formats:
            yield from self._check_documents(path, format_name, owner=format_name == formats[0])

    def _check_documents(self, path: str, format_name: str, *, owner: bool) -> Iterator[Problem]:
        try:
            documents, _json_problems = read_documents(self.store, path, format_name)
        except ZN5Error as error:
            yield from error.problems
            return
        schema: list[Problem] = []
        for name, document in documents.items():
            if document is not None:
                key = prefix(path) + name
                schema.extend(
                    schema_problems(
                        key, schema_name(format_name, name, path, document), document, format_name
                    )
                )
        reference: list[Problem] = []
        model: ArrayModel | GroupModel | None = None
        try:
            parsed = parse_node(self.store, path, format_name)
        except ZN5Error as error:
            reference.extend(error.problems)
        else:
            if parsed is not None:
                reference.extend(parsed.problems)
                model = parsed.value
        yield from merge(reference, schema)
        if format_name == "n5" and path == "":
            yield from self._check_n5_root(documents.get(n5.NODE_KEY))
        entries = (
            listing.zarr3_consolidated(documents.get(listing.ZARR3_DOCUMENT))
            if format_name == "zarr3"
            else None
        )
        if entries is not None:
            key = prefix(path) + listing.ZARR3_DOCUMENT
            yield from listing.zarr3_consolidated_problems(self.store, key, entries)
        if any(documents[name] is None for name in self._nodes[path][format_name] if name in documents):
            self._unreadable.add(path)
        if owner and (isinstance(model, ArrayModel) or _is_array_document(format_name, documents)):
            self._arrays[path] = ArrayNode(
                path, format_name, model if isinstance(model, ArrayModel) else None
            )

    def _check_n5_root(self, document: Mapping[str, Any] | None) -> Iterator[Problem]:
        if document is not None and "n5" not in document:
            yield Problem(
                n5.NODE_KEY,
                "n5",
                "the root does not record the N5 version (tensorstore)",
                N5_VERSION,
                "deviation",
                N5_ROOT_READ,
            )

    def _check_ancestors(self) -> Iterator[Problem]:
        """Zarr nodes should have a group document for every ancestor (DECISIONS.md section 5)."""
        reported: set[tuple[str, str]] = set()
        has_root = "" in self._nodes
        if "n5" in self.formats and (not has_root or "n5" not in self._nodes[""]):
            yield Problem(
                n5.NODE_KEY,
                "",
                "the root has no attributes.json recording the N5 version (tensorstore)",
                N5_VERSION,
                "deviation",
                N5_ROOT_READ,
            )
        for path in sorted(self._nodes, key=_parts):
            if path in self._skipped:
                continue
            for format_name in self._nodes[path]:
                if format_name not in GROUP_DOCUMENT:
                    continue
                document = GROUP_DOCUMENT[format_name]
                held_here = self._nodes[path][format_name]
                attributes_only = not held_here - {zarr2.ATTRIBUTES_KEY, CONSOLIDATED_KEY}
                for ancestor in [*_ancestors(path), *([path] if attributes_only else [])]:
                    held = self._nodes.get(ancestor, {}).get(format_name, set())
                    if (ancestor, format_name) in reported or held - {zarr2.ATTRIBUTES_KEY}:
                        continue
                    reported.add((ancestor, format_name))
                    what = "has attributes but" if ancestor == path else f"holds /{path} but"
                    yield Problem(
                        prefix(ancestor) + document,
                        "",
                        f"the group /{ancestor} {what} has no {document}",
                        MISSING_GROUP_DOCUMENT[format_name],
                        "deviation",
                        MissingGroupDocumentWarning.requirement,
                    )

    def _check_consolidated(self, path: str) -> Iterator[Problem]:
        """``.zmetadata``: its schema, and whether it still matches the documents it copies."""
        key = prefix(path) + CONSOLIDATED_KEY
        raw = self.store.get(key)
        try:
            document = json.loads(raw or b"")
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            yield Problem(key, "", f"the document is not JSON: {error}", "CORE-META-001")
            return
        if not isinstance(document, dict):
            yield Problem(key, "", "the document must be a JSON object", "CORE-META-001")
            return
        for problem in schema_problems(key, "zarr2/zmetadata", document, "zarr2"):
            yield Problem(problem.key, problem.location, problem.message, problem.requirement, "warning")
        entries = document.get("metadata")
        if not isinstance(entries, dict):
            return
        for relative, entry in sorted(entries.items()):
            stored = self.store.get(prefix(path) + relative) if isinstance(relative, str) else None
            location = f"metadata.{relative}"
            if stored is None:
                yield Problem(
                    key, location, "lists a document the store does not hold", STALE_CONSOLIDATED, "warning"
                )
                continue
            try:
                same = json.dumps(json.loads(stored), sort_keys=True) == json.dumps(entry, sort_keys=True)
            except (json.JSONDecodeError, UnicodeDecodeError):
                same = False
            if not same:
                yield Problem(
                    key, location, f"differs from {prefix(path) + relative}", STALE_CONSOLIDATED, "warning"
                )
        for node_path in sorted(self._nodes, key=_parts):
            if node_path in self._skipped or (
                path and not node_path.startswith(path + "/") and node_path != path
            ):
                continue
            for name in sorted(self._nodes[node_path].get("zarr2", set())):
                relative = (prefix(node_path) + name)[len(prefix(path)) :]
                if relative not in entries:
                    yield Problem(
                        key,
                        "metadata",
                        f"does not list {prefix(node_path) + name}",
                        STALE_CONSOLIDATED,
                        "warning",
                    )

    def _owner(self, key: str) -> str | None:
        parts = _parts(key)
        for depth in range(len(parts)):
            candidate = "/".join(parts[:depth])
            if candidate in self._arrays:
                return candidate
        return None

    def _nearest_node(self, key: str) -> str | None:
        """The deepest node whose prefix holds ``key``: keys below unreadable metadata are not judged."""
        parts = _parts(key)
        for depth in range(len(parts) - 1, -1, -1):
            candidate = "/".join(parts[:depth])
            if candidate in self._nodes:
                return candidate
        return None

    def _is_metadata(self, key: str) -> bool:
        directory, _, name = key.rpartition("/")
        if name == CONSOLIDATED_KEY and directory in self._consolidated:
            return True
        formats = self._nodes.get(directory)
        return (
            formats is not None
            and directory not in self._skipped
            and any(name in f for f in formats.values())
        )

    def _check_keys(self) -> Iterator[Work]:
        """Pass 2: every key, one at a time, in listing order: a key's own problems at once, a stored
        chunk as work for the checker (with ``--chunks``), which decodes it as it is met."""
        for key in self._keys():
            self.counts.keys += 1
            owner = self._owner(key)
            if owner is None:
                if not self._is_metadata(key) and self._nearest_node(key) not in self._unreadable:
                    yield _stray(key, "belongs to no array and is no metadata document of a node")
                else:
                    yield ChunkCheck()
                continue
            yield self._check_array_key(self._arrays[owner], key)

    def _check_array_key(self, node: ArrayNode, key: str) -> Work:
        relative = key[len(prefix(node.path)) :]
        model = node.model
        if (
            relative in DIALECTS[node.format].DOCUMENT_KEYS
            or (node.format == "zarr2" and relative == CONSOLIDATED_KEY)
            or model is None
        ):
            return ChunkCheck()
        encoding = model.chunk_key_encoding
        coords = encoding.decode(relative, model.ndim)
        if coords is None:
            return _stray(
                key,
                f"is not a chunk key of /{node.path} ({encoding.name} encoding, separator "
                f"{encoding.separator!r}, {model.ndim} dimensions){_nested_hint(encoding, relative, model)}",
            )
        if not model.chunk_grid.contains(coords, model.shape):
            grid = model.chunk_grid.grid_shape(model.shape)
            return _stray(key, f"names chunk {list(coords)}, outside the grid {list(grid)} of /{node.path}")
        self.counts.chunks += 1
        if not self.decode_chunks:
            return ChunkCheck(chunks=1)
        if node.array is None:
            node.array = Array(self.store, node.path, model, node.format)
        return ChunkWork(node.array, coords)


def _stray(key: str, message: str) -> ChunkCheck:
    """The check of a key that names no chunk of its array (CORE-KEY-004)."""
    return ChunkCheck((Problem(key, "", message, STRAY_KEY, "warning"),))


# ----------------------------------------------------------------------------------------------- output


def problem_record(problem: Problem) -> dict[str, str]:
    """A problem as a JSON object of the report; a deviation names the entry that allows reading it."""
    record = {
        "key": problem.key,
        "location": problem.location,
        "level": problem.level,
        "message": problem.message,
        "requirement": problem.requirement,
    }
    if problem.allowed_by:
        record["allowed_by"] = problem.allowed_by
    return record


def format_line(problem: Problem) -> str:
    """One line of text output: ``key: location: level: message [ID]`` (``[ID; known deviation ID]``)."""
    where = f"{problem.key}: {problem.location}" if problem.location else problem.key
    allowed = f"; known deviation {problem.allowed_by}" if problem.allowed_by else ""
    return f"{where}: {problem.level}: {problem.message} [{problem.requirement}{allowed}]"


def report(store_path: str, validation: Validation, problems: Sequence[Problem]) -> dict[str, Any]:
    """The JSON report of a finished validation."""
    counts = validation.counts
    return {
        "store": store_path,
        "formats": validation.formats,
        "chunks_decoded": validation.decode_chunks,
        "listing": validation.listing,
        "valid": counts.levels["error"] == 0,
        "counts": dict(counts.levels),
        "checked": {
            "nodes": counts.nodes,
            "keys": counts.keys,
            "chunks": counts.chunks,
            "decoded": counts.decoded,
        },
        "problems": [problem_record(problem) for problem in problems],
    }


def summary(store_path: str, validation: Validation) -> str:
    """The last line of text output."""
    counts = validation.counts
    levels = ", ".join(
        f"{counts.levels[level]} {level}{'' if counts.levels[level] == 1 else 's'}" for level in LEVELS
    )
    formats = ", ".join(validation.formats) or "no format"
    decoded = f", {counts.decoded} decoded" if validation.decode_chunks else ""
    return (
        f"{store_path} ({formats}): {levels}; checked {counts.nodes} nodes, {counts.keys} keys, "
        f"{counts.chunks} chunks{decoded}{LISTING_NOTES[validation.listing]}"
    )


LISTING_NOTES: Final[Mapping[str, str]] = {
    "listed": "",
    "consolidated": " (the store cannot be listed: keys found through consolidated metadata"
    "; chunks probed only with --chunks; STORE-REMOTE-002)",
    "paths": " (the store cannot be listed: keys found at the paths given"
    "; chunks probed only with --chunks; STORE-REMOTE-002)",
}


def storage_options(pairs: Sequence[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs as storage options; a value that is JSON (``true``, ``3``, ``{...}``) is decoded,
    any other is a string; a dotted key (``client_kwargs.endpoint_url``) makes nested options."""
    options: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"--storage-option {pair!r}: expected KEY=VALUE")
        try:
            value: Any = json.loads(text)
        except json.JSONDecodeError:
            value = text
        *parents, leaf = name.split(".")
        target = options
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return options


def run(arguments: argparse.Namespace) -> int:
    """Validate one store; exit 1 when it has an error (or, with ``--strict``, a deviation), 2 when it
    cannot be opened."""
    path: str = arguments.path
    local = path[len("file://") :] if path.startswith("file://") else path
    if not is_remote_url(path) and "://" not in path and not Path(local).exists():
        print(f"zn5 validate: {path}: no such file or directory", file=sys.stderr)
        return 2
    try:
        store = as_store(path, "r", storage_options=storage_options(arguments.storage_options))
    except (ZN5Error, OSError, ValueError) as error:
        print(f"zn5 validate: {path}: cannot open the store: {error}", file=sys.stderr)
        return 2
    if arguments.dask is not None and not arguments.chunks:
        print("zn5 validate: --dask needs --chunks (the cluster decodes chunks)", file=sys.stderr)
        return 2
    try:
        with checker_for(arguments.dask) as (checker, where):
            shown = not arguments.json and sys.stderr.isatty()
            progress = TerminalProgress(where) if shown else None
            validation = Validation(
                store,
                format_name=arguments.format_name,
                chunks=arguments.chunks,
                paths=arguments.node_paths,
                checker=checker,
                progress=progress,
            )
            try:
                _print_report(str(path), validation, progress, as_json=arguments.json)
            finally:
                if progress is not None:
                    progress.close()
    except ScaleError as error:
        print(f"zn5 validate: {path}: {error}", file=sys.stderr)
        return 2
    failing = validation.counts.levels["error"] + (
        validation.counts.levels["deviation"] if arguments.strict else 0
    )
    return 1 if failing else 0


def _print_report(
    store_path: str, validation: Validation, progress: TerminalProgress | None, *, as_json: bool
) -> None:
    """Run the validation and print its report: text line by line, as problems are found, or JSON."""
    if as_json:
        problems = list(validation.problems())
        print(json.dumps(report(store_path, validation, problems), indent=2, ensure_ascii=False))
        return
    write = print if progress is None else progress.write
    for problem in validation.problems():
        write(format_line(problem))
    write(summary(store_path, validation))


def register(subparsers: Any) -> None:
    """Add ``zn5 validate``."""
    parser = subparsers.add_parser(
        "validate",
        help="check a whole store against the spec and report every problem",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument(
        "path",
        help="the store: a directory, a .zip file, or a URL (file://, s3://, gs://, http(s)://; "
        "remote stores need pip install 'zn5[remote]')",
    )
    parser.add_argument(
        "--storage-option",
        dest="storage_options",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an fsspec storage option for a URL (repeat; JSON values are decoded, dotted keys nest: "
        "client_kwargs.endpoint_url=http://...); S3 and GCS are anonymous unless credentials are given",
    )
    parser.add_argument(
        "--path",
        dest="node_paths",
        action="append",
        default=[],
        metavar="NODE",
        help="a node to check in a store that cannot be listed (HTTP), besides what consolidated "
        "metadata names (repeat)",
    )
    parser.add_argument(
        "--chunks",
        action="store_true",
        help="also decode every stored chunk and compare its headers with the metadata",
    )
    parser.add_argument(
        "--dask",
        metavar="CLUSTER",
        type=check_cluster_spec,
        help="with --chunks, decode the chunks on a dask cluster: local:N starts N local workers, "
        "tcp://HOST:PORT uses a running scheduler (pip install 'zn5[dask]'); the report is the same",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON report instead of text")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 on known deviations too (they are read, and reported)"
    )
    parser.add_argument(
        "--format",
        dest="format_name",
        choices=sorted(DIALECTS),
        help="validate only the metadata of this format (default: every format found)",
    )
    parser.set_defaults(handler=run)

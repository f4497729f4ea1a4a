"""The walk of ``zn5 validate`` over a store: its nodes, their documents, and every other key.

The store is read in two streaming passes over its key listing: the first keeps only the metadata
document keys, the second checks (and with ``--chunks`` decodes) one key at a time. Neither the list of
chunk keys nor more than one chunk is ever held in memory. The chunks go to a checker
(``validation.chunks``): serially in this process, or in batches on a dask cluster
(``validation.scale``), whose report is the serial one (CONF-VALIDATE-001). Each metadata document goes
through its JSON Schema (``validation.schemas``) and through the reference's dialect parser; every key
under an array must be a chunk key of its encoding inside its grid; Zarr nodes should have a group
document for every ancestor. What differs between formats is asked of their dialects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Final

from zn5.conformance.validation import listing
from zn5.conformance.validation.chunks import Checker, ChunkCheck, ChunkWork, Progress, Work, check_serially
from zn5.conformance.validation.report import Counts
from zn5.conformance.validation.schemas import merge, schema_name, schema_problems
from zn5.reference.array import Array
from zn5.reference.errors import Problem, ZN5Error
from zn5.reference.formats.base import Consolidated
from zn5.reference.formats.deviations import MissingGroupDocumentWarning
from zn5.reference.formats.dialect import DIALECTS, dialect, parse_node, read_documents
from zn5.reference.model.keys import ChunkKeyEncoding
from zn5.reference.model.node import ArrayModel, GroupModel, prefix, split_path
from zn5.reference.store.base import Store

STRAY_KEY: Final = "CORE-KEY-004"
"""A key that is neither a metadata document of a node nor the encoding of a chunk position inside the
grid of its array names no chunk (CORE-KEY-004); the store holding it is reported with a warning."""
NODE_NOT_FOUND: Final = "CORE-NODE-004"
SEVERAL_FORMATS: Final = "CORE-NODE-005"

DOCUMENT_FORMATS: Final[Mapping[str, str]] = {
    name: format_name for format_name, each in DIALECTS.items() for name in each.document_keys
}
CONSOLIDATED: Final[Mapping[str, tuple[str, Consolidated]]] = {
    each.consolidated.key: (format_name, each.consolidated)
    for format_name, each in DIALECTS.items()
    if each.consolidated is not None
}
"""The consolidated metadata documents by name, with their format."""


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
        self._consolidated: dict[str, tuple[str, Consolidated]] = {}
        """The groups that hold consolidated metadata: its format and kind, by group path."""
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
        bad_paths = list(self._path_problems())
        if bad_paths:
            yield from bad_paths
            return
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
            yield from self._check_consolidated(path, *self._consolidated[path])
        if self.progress is not None:
            self.progress.start(self.listed)
        for check in self.checker(self._check_keys()):
            self.counts.decoded += check.decoded
            if self.progress is not None:
                self.progress.advance(check)
            yield from check.problems

    def _path_problems(self) -> Iterator[Problem]:
        """The node paths given to check that name no node: a name ``..``, ``.`` or empty, or one that
        the core model refuses (CORE-NODE-002); nothing of the store is read for them."""
        for path in self.paths:
            try:
                split_path(path)
            except ValueError as error:
                yield Problem(path or "/", "", f"is no node path: {error}", "CORE-NODE-002")

    def _keys(self) -> Iterator[str]:
        """Pass 1's keys: every key of a listed store; of one that cannot list, the metadata documents
        that consolidated metadata or ``paths`` name (STORE-REMOTE-002)."""
        if self.listing == "listed":
            yield from self.store.list_prefix("")
        else:
            yield from self._metadata_keys

    def _entries(self) -> Iterator[tuple[str, bytes | None]]:
        """Pass 2's keys, with a chunk's bytes when they were fetched to find it: pass 1's keys and, of a
        store that cannot list, with ``--chunks``, the chunks of each array's grid the store holds
        (STORE-REMOTE-006)."""
        for key in self._keys():
            yield key, None
        if self.listing != "listed" and self.decode_chunks:
            for path, node in sorted(self._arrays.items()):
                if node.model is not None:
                    yield from listing.stored_chunks(self.store, prefix(path), node.model)

    def _find_nodes(self) -> None:
        """Pass 1: remember the metadata documents of every node; keep nothing else."""
        if not self.store.listable:
            self.listing, self._metadata_keys = listing.metadata_keys(self.store, self.paths)
        for key in self._keys():
            self.listed += 1
            directory, _, name = key.rpartition("/")
            format_name = DOCUMENT_FORMATS.get(name)
            consolidated = CONSOLIDATED.get(name)
            if consolidated is not None and self.format_name in (None, consolidated[0]):
                self._consolidated[directory] = consolidated
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
        if path == "":
            yield from dialect(format_name).root_problems(documents)
        entries = listing.zarr3_consolidated(documents.get(listing.ZARR3_DOCUMENT))
        if entries is not None:
            key = prefix(path) + listing.ZARR3_DOCUMENT
            yield from listing.zarr3_consolidated_problems(self.store, key, entries)
        if any(documents[name] is None for name in self._nodes[path][format_name] if name in documents):
            self._unreadable.add(path)
        if owner and (isinstance(model, ArrayModel) or dialect(format_name).is_array(documents)):
            self._arrays[path] = ArrayNode(
                path, format_name, model if isinstance(model, ArrayModel) else None
            )

    def _check_ancestors(self) -> Iterator[Problem]:
        """Zarr nodes should have a group document for every ancestor (DECISIONS.md section 5); a
        container without root documents may be a problem of its own (an N5 root records its version)."""
        reported: set[tuple[str, str]] = set()
        for format_name in self.formats:
            if format_name not in self._nodes.get("", {}):
                yield from dialect(format_name).rootless_problems()
        for path in sorted(self._nodes, key=_parts):
            if path in self._skipped:
                continue
            for format_name in self._nodes[path]:
                each = dialect(format_name)
                document, requirement = each.group_document, each.missing_group_requirement
                if document is None or requirement is None:
                    continue
                attributes_only = not self._nodes[path][format_name] - each.attribute_keys
                for ancestor in [*_ancestors(path), *([path] if attributes_only else [])]:
                    held = self._nodes.get(ancestor, {}).get(format_name, set())
                    if (ancestor, format_name) in reported or held - each.attribute_keys:
                        continue
                    reported.add((ancestor, format_name))
                    what = "has attributes but" if ancestor == path else f"holds /{path} but"
                    yield Problem(
                        prefix(ancestor) + document,
                        "",
                        f"the group /{ancestor} {what} has no {document}",
                        requirement,
                        "deviation",
                        MissingGroupDocumentWarning.requirement,
                    )

    def _check_consolidated(self, path: str, format_name: str, kind: Consolidated) -> Iterator[Problem]:
        """Consolidated metadata (``.zmetadata``): its schema, and whether it still matches the documents
        it copies (a SHOULD of ``kind.requirement``, ZARR2-CONSOLIDATED-001)."""
        key = prefix(path) + kind.key
        stale = kind.requirement
        raw = self.store.get(key)
        try:
            document = json.loads(raw or b"")
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            yield Problem(key, "", f"the document is not JSON: {error}", "CORE-META-001")
            return
        if not isinstance(document, dict):
            yield Problem(key, "", "the document must be a JSON object", "CORE-META-001")
            return
        for problem in schema_problems(key, kind.schema, document, format_name):
            yield Problem(problem.key, problem.location, problem.message, problem.requirement, "warning")
        entries = document.get("metadata")
        if not isinstance(entries, dict):
            return
        for relative, entry in sorted(entries.items()):
            stored = self.store.get(prefix(path) + relative) if isinstance(relative, str) else None
            location = f"metadata.{relative}"
            if stored is None:
                yield Problem(key, location, "lists a document the store does not hold", stale, "warning")
                continue
            try:
                same = json.dumps(json.loads(stored), sort_keys=True) == json.dumps(entry, sort_keys=True)
            except (json.JSONDecodeError, UnicodeDecodeError):
                same = False
            if not same:
                yield Problem(key, location, f"differs from {prefix(path) + relative}", stale, "warning")
        for node_path in sorted(self._nodes, key=_parts):
            if node_path in self._skipped or (
                path and not node_path.startswith(path + "/") and node_path != path
            ):
                continue
            for name in sorted(self._nodes[node_path].get(format_name, set())):
                relative = (prefix(node_path) + name)[len(prefix(path)) :]
                if relative not in entries:
                    yield Problem(
                        key,
                        "metadata",
                        f"does not list {prefix(node_path) + name}",
                        stale,
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
        if directory in self._consolidated and name == self._consolidated[directory][1].key:
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
        for key, fetched in self._entries():
            self.counts.keys += 1
            owner = self._owner(key)
            if owner is None:
                if not self._is_metadata(key) and self._nearest_node(key) not in self._unreadable:
                    yield _stray(key, "belongs to no array and is no metadata document of a node")
                else:
                    yield ChunkCheck()
                continue
            yield self._check_array_key(self._arrays[owner], key, fetched)

    def _check_array_key(self, node: ArrayNode, key: str, fetched: bytes | None) -> Work:
        relative = key[len(prefix(node.path)) :]
        model = node.model
        if relative in _documents_of(node.format) or model is None:
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
        return ChunkWork(node.array, coords, fetched)


@cache
def _documents_of(format_name: str) -> frozenset[str]:
    """The names of the metadata documents a node of the format may hold, consolidated ones included."""
    each = dialect(format_name)
    return frozenset((*each.document_keys, *([each.consolidated.key] if each.consolidated else [])))


def _stray(key: str, message: str) -> ChunkCheck:
    """The check of a key that names no chunk of its array (CORE-KEY-004)."""
    return ChunkCheck((Problem(key, "", message, STRAY_KEY, "warning"),))

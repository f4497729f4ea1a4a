"""The three dialects behind one interface, and format detection (spec/core/hierarchy.md).

A dialect is an object implementing ``base.Dialect``: ``zarr2.ZARR2``, ``zarr3.ZARR3`` and ``n5.N5``.
This module reads and writes their documents through a store; nothing here knows a format's fields.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Final, Literal

from zn5.reference.errors import MetadataError, NodeNotFoundError, Problem, raise_if_any
from zn5.reference.formats.base import Dialect
from zn5.reference.formats.deviations import WARNINGS
from zn5.reference.formats.documents import Parsed, Report, dump_json, parse_json_object
from zn5.reference.formats.n5 import N5
from zn5.reference.formats.zarr2 import ZARR2
from zn5.reference.formats.zarr3 import ZARR3
from zn5.reference.model.node import ArrayModel, GroupModel, prefix, split_path
from zn5.reference.store.base import Store

FormatName = Literal["zarr2", "zarr3", "n5"]
DIALECTS: Final[Mapping[str, Dialect]] = {each.name: each for each in (ZARR2, ZARR3, N5)}
"""Every dialect by format name, in the order formats are reported."""
Node = ArrayModel | GroupModel


def dialect(name: str) -> Dialect:
    """The dialect of a format name."""
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; expected one of {sorted(DIALECTS)}") from None


def read_documents(
    store: Store, path: str, format_name: str
) -> tuple[dict[str, dict[str, Any] | None], list[Problem]]:
    """The parsed metadata documents of the node at ``path`` (absent ones are None), with JSON problems."""
    documents: dict[str, dict[str, Any] | None] = {}
    problems: list[Problem] = []
    for name in dialect(format_name).document_keys:
        key = prefix(path) + name
        raw = store.get(key)
        report = Report(key)
        documents[name] = None if raw is None else parse_json_object(raw, report)
        problems.extend(report.problems)
    return documents, problems


def parse_node(store: Store, path: str, format_name: str) -> Parsed[Node] | None:
    """The node at ``path`` with every problem found; None when no metadata document is there.

    The dialect sees the root's documents first: it may refuse a container it cannot read as a whole
    (N5-ROOT-002).
    """
    documents, problems = read_documents(store, path, format_name)
    format_dialect = dialect(format_name)
    format_dialect.check_root(lambda: documents if path == "" else read_documents(store, "", format_name)[0])
    if any(problem.level == "error" for problem in problems):
        return Parsed(None, problems)
    parsed = format_dialect.parse_node(documents, prefix(path))
    if parsed is None:
        return None
    return Parsed(parsed.value, problems + parsed.problems)


def read_node(store: Store, path: str, format_name: str) -> Node | None:
    """The node at ``path``; raise MetadataError with every problem when it is invalid."""
    parsed = parse_node(store, path, format_name)
    if parsed is None:
        return None
    raise_if_any(parsed.problems, MetadataError)
    for problem in parsed.problems:
        if problem.level == "deviation":
            warnings.warn(str(problem), WARNINGS[problem.allowed_by], stacklevel=3)
    return parsed.value


def node_documents(path: str, model: Node, format_name: str) -> dict[str, bytes]:
    """The encoded metadata documents of a node by store key; what the format cannot hold, and a value
    JSON cannot hold (a NaN attribute), is refused here, before anything is written (CORE-META-001,
    CORE-DEVIATION-013)."""
    documents = dialect(format_name).encode_node(model, root=path == "")
    encoded = {}
    for name, document in documents.items():
        key = prefix(path) + name
        try:
            encoded[key] = dump_json(document)
        except ValueError as error:
            raise MetadataError.at(key, f"cannot be written as JSON: {error}", "CORE-META-001") from None
    return encoded


def write_node(store: Store, path: str, model: Node, format_name: str) -> None:
    """Write the metadata documents of a node, all or none."""
    for key, raw in node_documents(path, model, format_name).items():
        store.set(key, raw)


def markers(store: Store, path: str) -> list[str]:
    """The formats whose metadata documents exist at ``path``."""
    found = []
    for name, each in DIALECTS.items():
        keys = (key for key in each.document_keys if key not in each.attribute_keys)
        if any(store.get(prefix(path) + key) is not None for key in keys):
            found.append(name)
    return found


def detect_format(store: Store, path: str) -> str:
    """The format of the node at ``path``, or of its nearest ancestor with metadata (CORE-NODE-004)."""
    names = split_path(path)
    for depth in range(len(names), -1, -1):
        here = "/".join(names[:depth])
        found = markers(store, here)
        if len(found) > 1:
            raise MetadataError.at(
                prefix(here) or "/",
                f"metadata of several formats ({', '.join(found)}); pass format=",
                "CORE-NODE-005",
            )
        if found:
            return found[0]
    raise NodeNotFoundError.at(
        path or "/", "no Zarr v2, Zarr v3 or N5 metadata at or above this path", "CORE-NODE-004"
    )

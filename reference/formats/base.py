"""What a format is to the reference and to ``zn5 validate``: the ``Dialect`` interface.

One object per format implements it (``zarr2.ZARR2``, ``zarr3.ZARR3``, ``n5.N5``): the documents a node
keeps, how they become the core model and back, the defaults of a new array, and the format-specific
facts the validator checks (schemas, group documents, consolidated metadata, the N5 root). Code outside
``reference/formats/`` asks the dialect and never compares format names
(tests/reference/formats/test_dialect.py checks it).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from zn5.reference.codecs.base import Codec
from zn5.reference.errors import Problem
from zn5.reference.formats.chain import ChainOptions, standard_chain
from zn5.reference.formats.deviations import LenientReadWarning
from zn5.reference.formats.documents import Parsed
from zn5.reference.model.dtype import DataType
from zn5.reference.model.keys import ChunkKeyEncoding, KeyEncodingName, Separator
from zn5.reference.model.node import ArrayModel, GroupModel

Documents = Mapping[str, dict[str, Any] | None]
"""A node's metadata documents by name, None for one the store does not hold."""


@dataclass(frozen=True)
class Consolidated:
    """A document that copies the metadata of the nodes below its group (Zarr v2's ``.zmetadata``)."""

    key: str
    schema: str
    requirement: str
    """The rule a copy breaks when it no longer matches the documents it copies."""


@dataclass(frozen=True)
class SchemaDeviation:
    """A schema violation that real writers produce and readers accept (DECISIONS.md section 4)."""

    keyword: str
    location: re.Pattern[str]
    requirement: str
    writer: str
    allowed_by: type[LenientReadWarning]
    applies: Callable[[Mapping[str, Any], str, Any], bool] = lambda document, location, value: True


class Dialect(ABC):
    """A format: its documents, their conversion to the core model, and its defaults."""

    name: ClassVar[str]
    """The format's name as users give it (``format="zarr2"``), and its folder under ``schemas/``."""
    document_keys: ClassVar[tuple[str, ...]]
    """The names of a node's metadata documents."""
    attribute_keys: ClassVar[frozenset[str]] = frozenset()
    """Documents that alone make no node (Zarr v2's ``.zattrs``)."""
    group_document: ClassVar[str | None] = None
    """The document a group should have; None when a group may go without (N5's implicit groups)."""
    missing_group_requirement: ClassVar[str | None] = None
    """The rule a node breaks when an ancestor has no group document (a known deviation)."""
    implicit_groups: ClassVar[bool] = False
    """Whether a prefix that holds keys is a group without any document, warned of by no reader."""
    consolidated: ClassVar[Consolidated | None] = None
    """The format's consolidated metadata document, if it has one."""
    default_key_encoding: ClassVar[KeyEncodingName] = "default"
    """The chunk key encoding of a new array when none is asked for."""
    schema_deviations: ClassVar[tuple[SchemaDeviation, ...]] = ()
    """The deviations that JSON Schema reports as errors; the reference reports most of them itself."""

    @abstractmethod
    def parse_node(self, documents: Documents, prefix: str) -> Parsed[ArrayModel | GroupModel] | None:
        """The node whose documents were read at ``prefix``; None when they describe none."""

    @abstractmethod
    def encode_node(self, model: ArrayModel | GroupModel, *, root: bool) -> dict[str, dict[str, Any]]:
        """The documents of a node."""

    @abstractmethod
    def is_array(self, documents: Documents) -> bool:
        """Whether the documents declare an array, valid or not."""

    @abstractmethod
    def schema_name(self, document_name: str, path: str, document: Mapping[str, Any]) -> str:
        """The schema under ``schemas/`` (``zarr3/array``) that a metadata document follows."""

    def key_encoding(self, name: KeyEncodingName | None, separator: Separator | None) -> ChunkKeyEncoding:
        """The chunk key encoding of a new array, from what the caller chose (None: the format's default
        encoding; the separator ``"/"`` for ``default``, else ``"."``)."""
        chosen = name or self.default_key_encoding
        return ChunkKeyEncoding(chosen, separator or ("/" if chosen == "default" else "."))

    def new_codecs(self, options: ChainOptions) -> tuple[Codec, ...]:
        """The codec chain of a new array built from ``create_array``'s options: the Zarr chain unless the
        format has its own."""
        return standard_chain(options)

    def complete_codecs(self, codecs: tuple[Codec, ...], data_type: DataType, ndim: int) -> tuple[Codec, ...]:
        """The codec chain of a new array as the format stores it: what its documents leave to the array,
        written out (default: the chain as given)."""
        return codecs

    def check_root(self, root_documents: Callable[[], Documents]) -> None:
        """Refuse a container the reader cannot read as a whole; ``root_documents`` reads the root's
        documents, and a dialect that needs none does not call it."""
        return

    def check_new_name(self, name: str, path: str) -> None:
        """Refuse a node name the format reserves, before anything is written."""
        return

    def root_problems(self, documents: Documents) -> list[Problem]:
        """What ``zn5 validate`` reports of the root's documents beyond the reader's own problems."""
        return []

    def rootless_problems(self) -> list[Problem]:
        """What ``zn5 validate`` reports of a container of this format whose root has no document."""
        return []

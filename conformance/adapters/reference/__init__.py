"""The reference implementation's adapter: every case kind, through ``zn5.reference``'s public API.

Run it as a process with ``python -m zn5.conformance.adapters.reference [--capabilities FILE]``, or in
process as ``ReferenceAdapter().handle(message)``; ``zn5 run`` with no arguments does the latter.

The reference claims every token of the corpus's capability vocabulary: it is the implementation that
every case must pass on (DESIGN.md section 9), so a token it cannot honour shows up as a failing case,
not as a quietly unsupported one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from zn5.conformance.adapters import BaseAdapter, Reply, fill_element, rejected
from zn5.conformance.execution.scoring import HTTP_TOKEN
from zn5.conformance.suite.canonical import describe_node, numpy_dtype
from zn5.conformance.suite.resources import CORPUS, zn5_version
from zn5.reference import ZN5Error, create_array, create_group, open, open_array
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.registry import BY_NAME, from_name
from zn5.reference.store.remote import reads_http

VOCABULARY = CORPUS / "capabilities.json"
FORMATS = ("zarr2", "zarr3", "n5")


def create_arguments(description: Mapping[str, Any], format: str) -> dict[str, Any]:
    """The keyword arguments of ``create_array`` that make an array with a canonical description.

    Codecs are rebuilt from their canonical names and configurations; the fill value from its
    little-endian hex bytes; the data type from its canonical name.
    """
    dtype = numpy_dtype(description["data_type"])
    codecs: list[Codec] = [
        from_name(codec["name"], codec["configuration"], key="<target>", location=f"codecs[{index}]")
        for index, codec in enumerate(description["codecs"])
    ]
    key_encoding = description["chunk_key_encoding"]
    return {
        "format": format,
        "shape": description["shape"],
        "dtype": dtype,
        "chunks": description["chunk_grid"]["chunk_shape"],
        "fill_value": fill_element(description["fill_value"], dtype),
        "codecs": codecs,
        "chunk_key_encoding": key_encoding["name"],
        "dimension_separator": key_encoding["separator"],
        "dimension_names": description.get("dimension_names"),
        "attributes": description["attributes"],
    }


def _format(format: str) -> str | None:
    """The reference's ``format`` argument: None (find out) for a case of any format."""
    return None if format == "any" else format


class ReferenceAdapter(BaseAdapter):
    """Read, describe, reject and write with the reference implementation."""

    name = "zn5-reference"
    distribution = "zn5"
    homepage = "https://zn5.dev"
    formats = FORMATS
    claims = tuple(f"codec:{name}" for name in BY_NAME)
    library_errors = (ZN5Error,)

    def __init__(self, vocabulary: Path | None = VOCABULARY) -> None:
        self.vocabulary = vocabulary

    def version(self) -> str:
        return zn5_version()

    def capabilities(self) -> list[str]:
        """The base tokens, and every token of the vocabulary when it is there (``store:http`` only with
        the remote extra installed)."""
        tokens = set(super().capabilities())
        if self.vocabulary is not None and self.vocabulary.is_file():
            tokens.update(json.loads(self.vocabulary.read_text(encoding="utf-8")).get("tokens", {}))
        if not reads_http():  # without the remote extra the reference reads no URL (PROTO-022)
            tokens.discard(HTTP_TOKEN)
        return sorted(tokens)

    def open_array(self, store: Path, node: str, format: str, scratch: Path) -> Any:
        return open_array(self.store_url(store) or store, path=node, format=_format(format))

    def data_type(self, array: Any, values: np.ndarray[Any, Any]) -> str:
        return str(array.model.data_type.name)

    def open_node(self, store: Path, node: str, format: str, scratch: Path) -> Any:
        return open(self.store_url(store) or store, path=node, format=_format(format))

    def describe(self, node: Any, format: str) -> dict[str, Any]:
        return describe_node(node.model)

    def write_group(self, store: Path, target: Mapping[str, Any], plan: Any) -> None:
        attributes = target["metadata"]["attributes"]
        create_group(store, format=target["format"], path=target["node"], attributes=attributes)

    def write_array(
        self, store: Path, target: Mapping[str, Any], plan: Any, values: np.ndarray[Any, Any]
    ) -> None:
        arguments = create_arguments(target["metadata"], target["format"])
        create_array(store, path=target["node"], **arguments)[...] = values

    def refusal(self, error: Exception, phase: str) -> Reply:
        """The reference's own category, message and requirement of the error."""
        assert isinstance(error, ZN5Error)  # the only library error here
        return rejected(error.category, phase, str(error), error.requirement)

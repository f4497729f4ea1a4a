"""A small adapter on the Python kit: the reference implementation, answering every case kind.

It hands the kit its values as big-endian bytes, so that the kit's byte swapping meets every data type
of the corpus, and it declares Zarr v2 gzip a format gap. ``test_python_kit.py`` runs it through
``zn5 run --adapter``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from zn5.conformance.adapters.kits.python.zn5_adapter_kit import (
    Adapter,
    RefusedError,
    Selection,
    Values,
    selection_key,
    serve,
)
from zn5.conformance.adapters.reference import VOCABULARY, create_arguments
from zn5.conformance.suite.canonical import decode_values, describe_node, encode_values
from zn5.conformance.suite.resources import zn5_version
from zn5.reference import Array, ZN5Error, create_array, create_group, open

FORMAT_GAPS = {"zarr2": ("codec:gzip",)}


@contextmanager
def refusing() -> Iterator[None]:
    """The reference's errors as the kit's refusals, with their category and requirement."""
    try:
        yield
    except ZN5Error as error:
        raise RefusedError(error.category, str(error), error.requirement) from error


class ReferenceOnKit(Adapter):
    name = "zn5-reference"
    version = zn5_version()
    language = "python"
    capabilities = tuple(json.loads(VOCABULARY.read_text(encoding="utf-8"))["tokens"])
    format_gaps = FORMAT_GAPS

    def open(self, store: Path, node: str, format: str) -> Any:
        with refusing():  # over HTTP (store:http is in the vocabulary) the store's URL, PROTO-022
            return open(self.store_url(store) or store, path=node, format=format)

    def read(self, array: Any, selection: Selection) -> Values:
        if not isinstance(array, Array):
            raise RefusedError("not-found", "a group is here, not an array")
        with refusing():
            values = np.asarray(array[selection_key(selection)])
        name = array.model.data_type.name
        if array.model.data_type.is_variable:  # length-prefixed elements, no byte order (PROTO-VLEN-001)
            return Values(encode_values(values, name), name, values.shape)
        big = values.dtype if values.dtype.byteorder == "|" else values.dtype.newbyteorder(">")
        return Values(values.astype(big).tobytes(), name, values.shape, "big")

    def describe(self, node: Any, format: str) -> dict[str, Any]:
        return describe_node(node.model)

    def write(
        self, store: Path, format: str, node: str, metadata: Mapping[str, Any], values: Values | None
    ) -> None:
        with refusing():
            if values is None:
                create_group(store, format=format, path=node, attributes=metadata["attributes"])
                return
            array = create_array(store, path=node, **create_arguments(metadata, format))
            document = {"data_type": values.data_type, "shape": list(values.shape)}
            array[...] = decode_values(document, values.little_endian())


if __name__ == "__main__":
    sys.exit(serve(ReferenceOnKit()))

"""The reference implementation's adapter: every case kind, through ``zn5.reference``'s public API.

Run it as a process with ``python -m zn5.conformance.adapters.reference [--capabilities FILE]``, or in
process as ``ReferenceAdapter().handle(message)``; ``zn5 run`` with no arguments does the latter.

The reference claims every token of the corpus's capability vocabulary: it is the implementation that
every case must pass on (DESIGN.md section 9), so a token it cannot honour shows up as a failing case,
not as a quietly unsupported one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from zn5.conformance.adapters import BaseAdapter, array_result, rejected, selection_key, zn5_version
from zn5.conformance.canonical import decode_values, describe_node, numpy_dtype, read_array_document
from zn5.reference import ZN5Error, create_array, create_group, open, open_array
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.registry import BY_NAME, from_name

VOCABULARY = Path(__file__).resolve().parents[2] / "corpus" / "capabilities.json"
FORMATS = ("zarr2", "zarr3", "n5")
BASE_CAPABILITIES = (
    *(f"format:{name}" for name in FORMATS),
    "op:read",
    "op:metadata",
    "op:write",
    *(f"codec:{name}" for name in BY_NAME),
)


def create_arguments(description: dict[str, Any], format: str) -> dict[str, Any]:
    """The keyword arguments of ``create_array`` that make an array with a canonical description.

    Codecs are rebuilt from their canonical names and configurations; the fill value from its
    little-endian hex bytes; the data type from its canonical name.
    """
    dtype = numpy_dtype(description["data_type"])
    fill = description["fill_value"]
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
        "fill_value": None if fill is None else np.frombuffer(bytes.fromhex(fill["hex"]), dtype, count=1)[0],
        "codecs": codecs,
        "chunk_key_encoding": key_encoding["name"],
        "dimension_separator": key_encoding["separator"],
        "dimension_names": description.get("dimension_names"),
        "attributes": description["attributes"],
    }


def _rejection(error: ZN5Error, phase: str) -> dict[str, Any]:
    return rejected(error.category, phase, str(error), error.requirement)


class ReferenceAdapter(BaseAdapter):
    """Read, describe, reject and write with the reference implementation."""

    def __init__(self, vocabulary: Path | None = VOCABULARY) -> None:
        self.implementation = {
            "name": "zn5-reference",
            "version": zn5_version(),
            "language": "python",
            "homepage": "https://zn5.dev",
        }
        self.adapter_version = zn5_version()
        self.vocabulary = vocabulary

    def capabilities(self) -> list[str]:
        """The base tokens, and every token of the vocabulary when it is there."""
        tokens = set(BASE_CAPABILITIES)
        if self.vocabulary is not None and self.vocabulary.is_file():
            tokens.update(json.loads(self.vocabulary.read_text(encoding="utf-8")).get("tokens", {}))
        return sorted(tokens)

    def run_case(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
        operation = case["operation"]
        if operation["op"] == "write":
            return self._write(case, input, output)
        if operation["op"] == "metadata":
            return self._metadata(case, input)
        if "stores" in case["input"]:
            return self._equivalence(case, input, output)
        return self._read(case, input, output)

    @staticmethod
    def _format(case: dict[str, Any]) -> str | None:
        return None if case["format"] == "any" else str(case["format"])

    def _read(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
        store = input / case["input"]["store"]
        phase = "open"
        try:
            array = open_array(store, path=case["input"].get("node", ""), format=self._format(case))
            phase = "read"
            values = array[selection_key(case["operation"].get("selection"))]
        except ZN5Error as error:
            return _rejection(error, phase)
        return array_result(values, output, array.model.data_type.name)

    def _metadata(self, case: dict[str, Any], input: Path) -> dict[str, Any]:
        try:
            node = open(
                input / case["input"]["store"], path=case["input"].get("node", ""), format=self._format(case)
            )
        except ZN5Error as error:
            return _rejection(error, "open")
        return {"status": "ok", "result": {"node": describe_node(node.model)}}

    def _equivalence(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
        arrays = {}
        key = selection_key(case["operation"].get("selection"))
        for format_name, folder in sorted(case["input"]["stores"].items()):
            phase = "open"
            try:
                array = open_array(input / folder, path=case["input"].get("node", ""), format=format_name)
                phase = "read"
                values = array[key]
            except ZN5Error as error:
                return _rejection(error, phase)
            array_result(values, output, array.model.data_type.name, format_name)
            arrays[format_name] = f"{format_name}/array.json"
        return {"status": "ok", "result": {"arrays": arrays}}

    def _write(self, case: dict[str, Any], input: Path, output: Path) -> dict[str, Any]:
        target = case["operation"]["target"]
        description = target["metadata"]
        store = output / "store"
        try:
            if description["node_type"] == "group":
                create_group(
                    store, format=target["format"], path=target["node"], attributes=description["attributes"]
                )
            else:
                document, raw = read_array_document(input / case["input"]["array"])
                array = create_array(
                    store, path=target["node"], **create_arguments(description, target["format"])
                )
                array[...] = decode_values(document, raw)
        except ZN5Error as error:
            return _rejection(error, "write")
        return {"status": "ok", "result": {"store": "store"}}

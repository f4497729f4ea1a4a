"""Capability tokens (``capabilities.json``) that a case's canonical node description implies.

A case must list in ``requires`` every token its expected node needs (its data type family, its codecs,
an undefined fill value, no or empty dimensions); the generators add them and the corpus lint checks them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any


def dtype_name_token(name: str) -> str:
    """The capability token of a canonical data type name: its family, without a length or unit."""
    return "dtype:" + name.split("[")[0]


def nested_codecs(codecs: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """The codecs of a canonical chain, each followed by the chains nested in its configuration."""
    for codec in codecs:
        yield codec
        configuration = codec.get("configuration") or {}
        for member in ("codecs", "index_codecs", "compression"):
            yield from nested_codecs(configuration.get(member) or [])


def _codec_tokens(codecs: list[dict[str, Any]]) -> list[str]:
    """``codec:`` tokens of a canonical codec chain, the chains nested in its configurations included."""
    return [f"codec:{codec['name']}" for codec in nested_codecs(codecs)]


def node_tokens(node: dict[str, Any]) -> list[str]:
    """The capabilities needed to describe a canonical array node: its data type, its codecs, an
    undefined fill value (``null``), and no or empty dimensions. A group needs none."""
    if node.get("node_type") != "array":
        return []
    shape = node["shape"]
    return [
        dtype_name_token(str(node["data_type"])),
        *_codec_tokens(node["codecs"]),
        *(["feature:undefined-fill"] if node["fill_value"] is None else []),
        *(["feature:zero-dimensional"] if not shape else []),
        *(["feature:empty-axis"] if 0 in shape else []),
    ]

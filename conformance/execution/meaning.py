"""The meaning of a canonical node description: what metadata and write checks compare.

Two descriptions that the specification reads alike compare equal, whatever their spelling. Each rule of
:data:`EQUIVALENCES` names the requirement that makes two spellings mean one thing; :func:`meaning`
rewrites a description into the one spelling of its meaning:

* an optional member left out means its default (``dimension_names`` absent is ``null``, CORE-ARRAY-001);
* a codec's configuration is read by the reference and written back in full: absent members with a
  default are the default (CORE-CODEC-006 and each codec chapter's table), and a blosc ``typesize`` left
  to the array is the item size of the data reaching blosc (CODEC-BLOSC-002, CODEC-BLOSC-003);
* ``endian`` of a ``bytes`` codec on a type without a byte order has no effect and is dropped
  (CODEC-BYTES-002), in sharding's inner chains too;
* the byte-order character of ``delta``'s ``dtype`` and ``astype`` has no effect: both are spelled
  little endian (CODEC-DELTA-002).

A description the reference cannot read is returned unchanged, so that the comparison shows its
members as they are.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

import numpy as np

from zn5.conformance.suite.canonical import numpy_dtype
from zn5.reference.codecs.base import ChunkSpec, Codec
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.delta import Delta
from zn5.reference.codecs.pipeline import CodecPipeline
from zn5.reference.codecs.registry import from_name
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.errors import ZN5Error

EQUIVALENCES: Final[Mapping[str, str]] = {
    "dimension_names absent is null": "CORE-ARRAY-001",
    "a codec member left out is its default": "CORE-CODEC-006",
    "blosc typesize left out is the item size reaching blosc": "CODEC-BLOSC-003",
    "bytes endian on a type without byte order has no effect": "CODEC-BYTES-002",
    "the byte order of delta's dtype and astype has no effect": "CODEC-DELTA-002",
}
"""The equivalences :func:`meaning` applies, each with the requirement that allows it."""


def meaning(description: Mapping[str, Any]) -> dict[str, Any]:
    """``description`` in the one spelling of its meaning (see the module's docstring)."""
    result = copy.deepcopy(dict(description))
    if result.get("node_type") != "array":
        return result
    result.setdefault("dimension_names", None)
    try:
        spec = _chunk_spec(result)
        codecs = [_codec(item) for item in result["codecs"]]
        result["codecs"] = _chain_meaning(codecs, spec)
    except (ZN5Error, ValueError, KeyError, TypeError):
        return result
    return result


def _chunk_spec(description: Mapping[str, Any]) -> ChunkSpec:
    dtype = numpy_dtype(description["data_type"])
    shape = tuple(description["chunk_grid"]["chunk_shape"])
    return ChunkSpec(shape, dtype, bytes(dtype.itemsize), shape, "")


def _codec(item: Mapping[str, Any]) -> Codec:
    """The codec an item describes; a ``blosc`` without ``typesize`` leaves it to the array, as the
    core model does for Zarr v2 (CODEC-BLOSC-002), though a Zarr v3 document must spell it out."""
    configuration = item["configuration"]
    if item["name"] == Blosc.name and "typesize" not in configuration:
        placeholder = Blosc.from_configuration({**configuration, "typesize": 1})
        return replace(placeholder, typesize=None)
    return from_name(item["name"], configuration, key="", location="codecs")


def _chain_meaning(codecs: Sequence[Codec], spec: ChunkSpec) -> list[dict[str, Any]]:
    """The configurations of a chain, completed for chunks of ``spec``, without members of no effect."""
    pipeline = CodecPipeline.of(codecs)
    reaching_bytes = pipeline.stage_specs(spec)[-1]
    described = []
    for codec in pipeline.completed(spec):
        configuration = codec.configuration()
        if isinstance(codec, BytesCodec) and not _has_byte_order(reaching_bytes.dtype):
            configuration.pop("endian", None)
        if isinstance(codec, Delta):
            configuration = {name: _little_endian(value) for name, value in configuration.items()}
        if isinstance(codec, Sharding):
            inner = replace(reaching_bytes, shape=codec.chunk_shape, valid_shape=codec.chunk_shape)
            configuration["codecs"] = _chain_meaning(codec.codecs, inner)
        described.append({"name": codec.name, "configuration": configuration})
    return described


def _little_endian(type_string: str) -> str:
    return str(np.dtype(type_string).newbyteorder("<").str)


def _has_byte_order(dtype: np.dtype[Any]) -> bool:
    return dtype.byteorder != "|"

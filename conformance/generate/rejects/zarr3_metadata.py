"""Zarr v3 reject cases opened from a broken ``zarr.json`` (or a broken store path): documents, extension
objects, data types, fill values and codec configurations."""

from __future__ import annotations

from typing import Any

from zn5.conformance.generate.rejects.faults import (
    DELETE,
    set_member,
)
from zn5.conformance.generate.rejects.table import GZIP, Reject, float_in_shape, parent_name_in_path
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec


def _zarr_json(
    slug: str,
    member: str,
    value: Any,
    category: str,
    requirement: str,
    description: str,
    *options: Any,
    **more: Any,
) -> Reject:
    """The reject case of a ``zarr.json`` whose ``member`` is ``value`` (or deleted), refused on opening
    with the error ``category``."""
    return Reject(
        "zarr3", slug, set_member(member, value), "open", category, requirement, description, *options, **more
    )


ZARR3_METADATA: list[Reject] = [
    _zarr_json("codecs-missing", "codecs", DELETE, "metadata", "ZARR3-META-002", "zarr.json without codecs"),
    _zarr_json(
        "codec-unknown",
        "codecs",
        [{"name": "no-such-codec"}],
        "unsupported",
        "CORE-CODEC-003",
        "a codec no registry defines",
    ),
    _zarr_json(
        "codecs-no-serialiser",
        "codecs",
        [{"name": "gzip", "configuration": {"level": 1}}],
        "metadata",
        "CORE-CODEC-001",
        "a codec chain without an array-to-bytes codec",
    ),
    _zarr_json(
        "bytes-without-endian",
        "codecs",
        [{"name": "bytes"}],
        "metadata",
        "CODEC-BYTES-002",
        "a bytes codec without endian for int32",
    ),
    _zarr_json(
        "unknown-member",
        "future_extension",
        {"enabled": True},
        "unsupported",
        "ZARR3-EXT-001",
        "an unknown member without must_understand false",
    ),
    _zarr_json(
        "grid-unknown",
        "chunk_grid",
        {"name": "no-such-grid"},
        "unsupported",
        "ZARR3-GRID-002",
        "a chunk grid no registry defines",
    ),
    _zarr_json(
        "fill-value-string",
        "fill_value",
        "zero",
        "metadata",
        "ZARR3-FILL-003",
        "a string fill value for int32",
    ),
    _zarr_json(
        "node-type-unknown",
        "node_type",
        "table",
        "metadata",
        "ZARR3-META-001",
        "a node_type other than array or group",
    ),
    _zarr_json(
        "shape-negative", "shape", [-6, 5], "metadata", "ZARR3-META-003", "a negative length in shape"
    ),
    float_in_shape("zarr3"),
    _zarr_json(
        "fill-value-whole-float",
        "fill_value",
        3.0,
        "metadata",
        "CORE-META-004",
        "an int32 fill value written as 3.0",
        also=("ZARR3-FILL-003",),
    ),
    _zarr_json("fill-value-null", "fill_value", None, "metadata", "ZARR3-FILL-001", "a null fill value"),
    _zarr_json(
        "fill-value-float-overflow",
        "fill_value",
        1e39,
        "metadata",
        "CORE-FILL-002",
        "a float32 fill value beyond the type's range",
        also=("ZARR3-FILL-004",),
        dtype="float32",
    ),
    _zarr_json(
        "fill-value-string-too-long",
        "fill_value",
        "abc",
        "metadata",
        "CORE-FILL-002",
        "a three-character fill value for two-character strings",
        (("fill_value", "ab"),),
        also=("ZARR3-FILL-007",),
        dtype="<U2",
    ),
    _zarr_json(
        "codec-configuration-wrong-type",
        "codecs.1.configuration.level",
        "1",
        "metadata",
        "CORE-CODEC-006",
        "a gzip level written as a string",
        GZIP,
    ),
    _zarr_json(
        "codec-configuration-unknown-member",
        "codecs.1.configuration.window",
        15,
        "metadata",
        "CORE-CODEC-006",
        "a gzip configuration with a member gzip does not define",
        GZIP,
    ),
    _zarr_json(
        "codec-configuration-member-missing",
        "codecs.1.configuration.level",
        DELETE,
        "metadata",
        "CORE-CODEC-006",
        "a gzip configuration without its required level",
        GZIP,
    ),
    _zarr_json(
        "blosc-typesize-missing",
        "codecs.1.configuration.typesize",
        DELETE,
        "metadata",
        "CODEC-BLOSC-003",
        "a byte-shuffling blosc codec without typesize",
        (("codecs", (BytesCodec("little"), Blosc("lz4", 5, "shuffle"))),),
    ),
    _zarr_json(
        "blosc-shuffle-integer",
        "codecs.1.configuration.shuffle",
        1,
        "metadata",
        "CODEC-BLOSC-003",
        "a blosc shuffle written as the Zarr v2 integer 1",
        (("codecs", (BytesCodec("little"), Blosc("lz4", 5, "shuffle"))),),
    ),
    _zarr_json("codecs-empty", "codecs", [], "metadata", "ZARR3-CODEC-001", "an empty codecs array"),
    _zarr_json(
        "extension-configuration-not-object",
        "codecs.0.configuration",
        ["little"],
        "metadata",
        "ZARR3-EXT-002",
        "a codec whose configuration is an array",
    ),
    _zarr_json(
        "extension-not-object",
        "chunk_key_encoding",
        2,
        "metadata",
        "ZARR3-EXT-002",
        "a chunk_key_encoding that is a number",
    ),
    _zarr_json(
        "data-type-unknown",
        "data_type",
        "no-such-type",
        "unsupported",
        "ZARR3-DTYPE-002",
        "a data type no registry defines",
    ),
    _zarr_json(
        "key-encoding-unknown",
        "chunk_key_encoding",
        {"name": "no-such-encoding"},
        "unsupported",
        "ZARR3-KEY-002",
        "a chunk key encoding no registry defines",
    ),
    _zarr_json(
        "storage-transformer-unknown",
        "storage_transformers",
        [{"name": "no-such-transformer"}],
        "unsupported",
        "ZARR3-META-007",
        "a storage transformer no registry defines",
    ),
    _zarr_json(
        "chunk-shape-zero-empty-axis",
        "chunk_grid.configuration.chunk_shape",
        [0, 4],
        "metadata",
        "ZARR3-GRID-001",
        "a chunk length of 0 on an axis of length 0",
        shape=(0, 5),
    ),
    parent_name_in_path("zarr3"),
]

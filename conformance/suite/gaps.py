"""The gaps of issue #16 (item 3): deviations of real libraries that the corpus once let through, each
named by a tag that the generators put on the cases that cover it.

This module is the one list of them: the generators tag cases with :attr:`Gap.tag`, the site's gaps page
(``tools/site/gaps.py``) and the tests read :data:`GAPS`. A write case gets the tags of
:func:`write_gaps`, which reads its canonical node description; the read and metadata cases, and the
writes whose gap the description does not show, are tagged where they are generated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from zn5.conformance.suite.tokens import nested_codecs


@dataclass(frozen=True)
class Gap:
    """One gap: its tag (``gap-`` and a slug, in the case schema's tag pattern) and what it is."""

    tag: str
    description: str


ONE_BYTE_TYPE_STRINGS: Final = Gap(
    "gap-one-byte-type-strings",
    'Zarr v2 one-byte types spelled with a byte order ("<i1", "<u1", ">u1", "<b1"), as netCDF-C writes '
    "them, read as the one-byte type (ZARR2-DTYPE-002)",
)
TRANSPOSE_BEFORE_SHARDING: Final = Gap(
    "gap-transpose-before-sharding",
    "a transpose before sharding_indexed, whose inner chunks divide the transposed shard shape, not the "
    "shard shape (CODEC-TRANSPOSE-001, CODEC-SHARDING-001)",
)
N5_COMPRESSION_WRITES: Final = Gap(
    "gap-n5-compression-writes",
    "N5 writes with lz4, zstd and blosc compression, which zarr-python 2 writes with numcodecs' framing "
    "and members (N5-CODEC-003, CODEC-N5LZ4-001, CORE-DEVIATION-014)",
)
ZARR2_BLOSC_AND_BOOL_FILL_WRITES: Final = Gap(
    "gap-zarr2-blosc-and-bool-fill-writes",
    "Zarr v2 writes with a blosc compressor, whose chunk headers carry the element size, and with bool "
    "fill values, written as JSON true and false (CODEC-BLOSC-004, ZARR2-FILL-002)",
)
ZERO_LENGTH_AXIS_WRITES: Final = Gap(
    "gap-zero-length-axis-writes",
    "writes of arrays with a zero-length axis, which have no chunk to write (CORE-GRID-001)",
)
INDEX_AT_START_WRITES: Final = Gap(
    "gap-index-at-start-writes",
    'writes of sharded arrays with index_location "start", the index leading each shard (CODEC-SHARDING-002)',
)
BYTES_WITHOUT_CONFIGURATION: Final = Gap(
    "gap-bytes-without-configuration",
    "Zarr v3 bytes codecs without a configuration (no endian) for one-byte types (CODEC-BYTES-002)",
)
ATTRIBUTES_NAMED_LIKE_MEMBERS: Final = Gap(
    "gap-attributes-named-like-members",
    "user attributes named like members of the format's documents, such as N5's units, kept as "
    "attributes (CORE-ATTR-001, N5-META-005)",
)
GAPS: Final = (
    ONE_BYTE_TYPE_STRINGS,
    TRANSPOSE_BEFORE_SHARDING,
    N5_COMPRESSION_WRITES,
    ZARR2_BLOSC_AND_BOOL_FILL_WRITES,
    ZERO_LENGTH_AXIS_WRITES,
    INDEX_AT_START_WRITES,
    BYTES_WITHOUT_CONFIGURATION,
    ATTRIBUTES_NAMED_LIKE_MEMBERS,
)
PREFIX: Final = "gap-"
"""Every gap tag starts so, and no other tag does."""
WANTED: Final = 3
"""Cases per gap that an implementation independent of the reference passes (issue #16, item 4)."""

N5_COMPRESSIONS: Final = frozenset({"n5.lz4", "zstd", "blosc"})


def _transposes_before_sharding(names: Sequence[str]) -> bool:
    """True when a ``transpose`` comes before a ``sharding_indexed`` in a chain (CODEC-TRANSPOSE-001)."""
    return "transpose" in names and "sharding_indexed" in names[names.index("transpose") :]


def write_gaps(format_name: str, node: Mapping[str, Any]) -> list[Gap]:
    """The gaps a write of the canonical array description ``node`` in ``format_name`` covers."""
    everything = list(nested_codecs(node["codecs"]))
    names = {codec["name"] for codec in everything}
    conditions = {
        TRANSPOSE_BEFORE_SHARDING: _transposes_before_sharding([codec["name"] for codec in node["codecs"]]),
        N5_COMPRESSION_WRITES: format_name == "n5" and bool(names & N5_COMPRESSIONS),
        ZARR2_BLOSC_AND_BOOL_FILL_WRITES: format_name == "zarr2"
        and ("blosc" in names or (node["data_type"] == "bool" and node["fill_value"] is not None)),
        ZERO_LENGTH_AXIS_WRITES: 0 in node["shape"],
        INDEX_AT_START_WRITES: any(
            codec["name"] == "sharding_indexed" and codec["configuration"]["index_location"] == "start"
            for codec in everything
        ),
    }
    return [gap for gap, holds in conditions.items() if holds]

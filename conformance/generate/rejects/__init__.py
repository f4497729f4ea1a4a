"""Reject cases: one fault each, named after the fault, citing the requirement it breaks; each with a valid
twin, a read case that differs only by the fault (DECISIONS.md section 6).

The table is split by what the fault breaks: each format's metadata (``zarr2_metadata``, ``zarr3_metadata``,
``n5_metadata``), stored chunks (``chunks``) and the strict twins of the known deviations (``strict``);
``table`` holds the row type and turns rows into cases, ``faults`` the edits that break a store.
"""

from __future__ import annotations

from collections.abc import Iterator

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.rejects.chunks import CHUNKS
from zn5.conformance.generate.rejects.n5_metadata import N5_METADATA
from zn5.conformance.generate.rejects.strict import STRICT
from zn5.conformance.generate.rejects.table import Reject, reject_cases
from zn5.conformance.generate.rejects.zarr2_metadata import ZARR2_METADATA
from zn5.conformance.generate.rejects.zarr3_metadata import ZARR3_METADATA

REJECTS: list[Reject] = [*ZARR2_METADATA, *ZARR3_METADATA, *N5_METADATA, *CHUNKS, *STRICT]

# The order the seeds of corpus 0.2.0 were counted in (one table, its rows by position).
_SEED_ORDER = [
    "zarr2/metadata-not-json",
    "zarr2/shape-negative",
    "zarr2/chunks-rank-mismatch",
    "zarr2/chunks-zero",
    "zarr2/dtype-no-byte-order",
    "zarr2/dtype-pipe-multibyte",
    "zarr2/fill-value-out-of-range",
    "zarr2/fill-value-missing",
    "zarr2/order-unknown",
    "zarr2/compressor-unknown",
    "zarr2/shape-overflow",
    "zarr2/chunk-truncated",
    "zarr2/chunk-gzip-corrupt",
    "zarr2/chunk-decompression-bomb",
    "zarr3/codecs-missing",
    "zarr3/codec-unknown",
    "zarr3/codecs-no-serialiser",
    "zarr3/bytes-without-endian",
    "zarr3/unknown-member",
    "zarr3/grid-unknown",
    "zarr3/fill-value-string",
    "zarr3/node-type-unknown",
    "zarr3/crc32c-mismatch",
    "zarr3/shard-index-out-of-range",
    "n5/dimensions-missing",
    "n5/block-size-zero",
    "n5/data-type-unknown",
    "n5/compression-unknown",
    "n5/block-rank-mismatch",
    "n5/block-size-too-large",
    "n5/block-payload-short",
    "n5/block-header-truncated",
    "zarr2/edge-chunk-truncated",
    "zarr2/chunk-gzip-too-short",
    "zarr2/chunk-gzip-trailing-bytes",
    "zarr2/crc32-mismatch",
    "zarr2/crc32c-location-start",
    "zarr2/delta-dtype-differs",
    "zarr2/compressor-level-out-of-range",
    "zarr2/filters-not-array",
    "zarr2/array-and-group",
    "zarr2/attributes-not-object",
    "zarr2/dtype-datetime-no-unit",
    "zarr2/dtype-structured",
    "zarr2/dtype-object",
    "zarr2/shape-float",
    "zarr2/path-parent-name",
    "zarr3/shape-negative",
    "zarr3/shape-float",
    "zarr3/fill-value-whole-float",
    "zarr3/fill-value-null",
    "zarr3/fill-value-float-overflow",
    "zarr3/fill-value-string-too-long",
    "zarr3/codec-configuration-wrong-type",
    "zarr3/codec-configuration-unknown-member",
    "zarr3/codec-configuration-member-missing",
    "zarr3/blosc-typesize-missing",
    "zarr3/blosc-shuffle-integer",
    "zarr3/codecs-empty",
    "zarr3/extension-configuration-not-object",
    "zarr3/extension-not-object",
    "zarr3/data-type-unknown",
    "zarr3/key-encoding-unknown",
    "zarr3/storage-transformer-unknown",
    "zarr3/chunk-shape-zero-empty-axis",
    "zarr3/path-parent-name",
    "n5/root-version-5",
    "n5/dimensions-empty",
    "n5/dimensions-negative",
    "n5/block-size-boolean",
    "n5/data-type-string",
    "n5/data-type-object",
    "n5/compression-member-wrong-type",
    "n5/block-object-mode",
    "n5/lz4-checksum-mismatch",
    "n5/lz4-no-end-block",
    "n5/path-parent-name",
    "zarr2/blosc-shuffle-other-word",
    "zarr2/fill-value-word-string",
    "zarr3/fill-value-integer-string",
    "zarr3/fill-value-bool-two",
    "zarr3/fill-value-complex-number",
    "zarr3/gzip-use-zlib-true",
    "n5/block-size-beyond-two-gigabytes",
    "zarr3/group-consolidated-metadata-false",
]


def cases() -> Iterator[CaseDraft]:
    """A reject case and its valid twin for every fault."""
    rows = sorted(REJECTS, key=lambda reject: _SEED_ORDER.index(f"{reject.format}/{reject.slug}"))
    yield from reject_cases(rows, 8000)

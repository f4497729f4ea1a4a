"""N5 reject cases opened from a broken ``attributes.json`` (the root's or the dataset's, or a broken store
path): versions, dimensions, block sizes, data types and compression."""

from __future__ import annotations

from zn5.conformance.generate.rejects.faults import (
    DELETE,
    faults,
    set_member,
    set_root_member,
)
from zn5.conformance.generate.rejects.table import Reject, parent_name_in_path
from zn5.reference.codecs.gzip import Gzip

N5_METADATA: list[Reject] = [
    Reject(
        "n5",
        "dimensions-missing",
        set_member("dimensions", DELETE),
        "open",
        "metadata",
        "N5-META-002",
        "dataset attributes without dimensions",
    ),
    Reject(
        "n5",
        "block-size-zero",
        set_member("blockSize", [0, 4]),
        "open",
        "metadata",
        "N5-META-004",
        "a zero block size",
    ),
    Reject(
        "n5",
        "data-type-unknown",
        set_member("dataType", "bool"),
        "open",
        "metadata",
        "N5-DTYPE-001",
        "a dataType N5 does not define",
    ),
    Reject(
        "n5",
        "compression-unknown",
        set_member("compression", {"type": "no-such-compression"}),
        "open",
        "unsupported",
        "N5-CODEC-002",
        "a compression type no registry defines",
    ),
    Reject(
        "n5",
        "root-version-5",
        set_root_member("n5", "5.0.0"),
        "open",
        "unsupported",
        "N5-ROOT-002",
        "a container whose root declares N5 version 5.0.0",
    ),
    Reject(
        "n5",
        "dimensions-empty",
        faults(set_member("dimensions", []), set_member("blockSize", [])),
        "open",
        "unsupported",
        "N5-META-003",
        "a dataset with no dimensions",
    ),
    Reject(
        "n5",
        "dimensions-negative",
        set_member("dimensions", [-6, 5]),
        "open",
        "metadata",
        "N5-META-003",
        "a negative entry in dimensions",
    ),
    Reject(
        "n5",
        "block-size-boolean",
        set_member("blockSize", [True, 4]),
        "open",
        "metadata",
        "CORE-META-004",
        "a block size written as true",
    ),
    Reject(
        "n5",
        "data-type-string",
        set_member("dataType", "string"),
        "open",
        "unsupported",
        "N5-DTYPE-002",
        "the N5 Java dataType string",
    ),
    Reject(
        "n5",
        "data-type-object",
        set_member("dataType", "object"),
        "open",
        "unsupported",
        "N5-DTYPE-002",
        "the N5 Java dataType object",
    ),
    Reject(
        "n5",
        "compression-member-wrong-type",
        set_member("compression.level", "6"),
        "open",
        "metadata",
        "N5-CODEC-003",
        "a gzip level written as a string",
        (("compressor", Gzip(6)),),
    ),
    parent_name_in_path("n5"),
]

"""The strict twins of the known deviations (``generate/deviations.py``): spellings no released writer is
known to produce, or that would give wrong values if read, so the rule stays an error."""

from __future__ import annotations

from zn5.conformance.generate.rejects.faults import (
    set_group_member,
    set_member,
)
from zn5.conformance.generate.rejects.table import GZIP, Reject
from zn5.reference.codecs.blosc import Blosc

STRICT: list[Reject] = [
    Reject(
        "zarr2",
        "blosc-shuffle-other-word",
        set_member("compressor.shuffle", "bitshuffle"),
        "open",
        "metadata",
        "CODEC-BLOSC-002",
        'a blosc shuffle written as the word "bitshuffle", which no known writer writes',
        (("compressor", Blosc("lz4", 5, "bitshuffle", None)),),
        dtype="int16",
    ),
    Reject(
        "zarr2",
        "fill-value-word-string",
        set_member("fill_value", "seven"),
        "open",
        "metadata",
        "ZARR2-FILL-003",
        "an int32 fill value written as a string that holds no number",
    ),
    Reject(
        "zarr3",
        "fill-value-integer-string",
        set_member("fill_value", "0"),
        "open",
        "metadata",
        "ZARR3-FILL-003",
        'an int32 fill value written as the string "0" in Zarr v3',
    ),
    Reject(
        "zarr3",
        "fill-value-bool-two",
        set_member("fill_value", 2),
        "open",
        "metadata",
        "ZARR3-FILL-002",
        "a bool fill value written as the integer 2",
        dtype="bool",
    ),
    Reject(
        "zarr3",
        "fill-value-complex-number",
        set_member("fill_value", 0),
        "open",
        "metadata",
        "ZARR3-FILL-005",
        "a complex64 fill value written as one number instead of a pair",
        dtype="complex64",
    ),
    Reject(
        "zarr3",
        "gzip-use-zlib-true",
        set_member("codecs.1.configuration.useZlib", True),
        "open",
        "metadata",
        "CORE-CODEC-006",
        "a gzip configuration whose useZlib is true, which in N5 Java selects a zlib stream",
        GZIP,
    ),
    Reject(
        "n5",
        "block-size-beyond-two-gigabytes",
        set_member("blockSize", [65536, 65536]),
        "open",
        "metadata",
        "N5-META-007",
        "a blockSize whose blocks would hold 2**34 bytes of int32",
    ),
    Reject(
        "zarr3",
        "group-consolidated-metadata-false",
        set_group_member("consolidated_metadata", False),
        "open",
        "metadata",
        "ZARR3-META-008",
        "a root group whose consolidated_metadata is false, neither an object nor zarr-python's null",
        node="",
    ),
]

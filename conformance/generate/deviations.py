"""Known-deviation cases (spec/core/metadata.md, CORE-DEVIATION-001 to -015): a store written the way a
released writer writes it, against a rule, which a reader that implements the entry reads to the values
(or, for a group document, the node) the writer meant. The strict twins, where the rule stays an error,
are reject cases in ``rejects/strict.py``.

Each store is the reference's own, edited where the writer differs: an array of shape (6, 5) in chunks of
(4, 4) with only the first chunk written, so that the fill value the deviant spelling means shows in the
expected values. Seeds come from a hash of the case id, so adding a case changes no other case.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numcodecs
import numpy as np

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import (
    FORMAT_READ_REQUIREMENTS,
    build_array,
    id_seed,
    read_case,
    sample_values,
)
from zn5.conformance.suite.gaps import N5_COMPRESSION_WRITES, Gap
from zn5.reference.api import open_array
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.formats.deviations import LenientReadWarning
from zn5.reference.store.memory import MemoryStore

GENERATOR = "zn5.conformance.generate.deviations"
DOCUMENT = {"zarr2": "array/.zarray", "zarr3": "array/zarr.json", "n5": "array/attributes.json"}
FEATURE = "feature:known-deviations"
WRITTEN = (slice(0, 4), slice(0, 4))

Edit = Callable[[bytes], bytes]
Rewrite = Callable[[MemoryStore], None]


def member(path: str, value: Any) -> Edit:
    """Set a member of the document; ``a.0.b`` walks into arrays and objects."""

    def edit(raw: bytes) -> bytes:
        document = json.loads(raw)
        target = document
        *parents, last = path.split(".")
        for parent in parents:
            target = target[int(parent)] if parent.isdigit() else target[parent]
        target[last] = value
        return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()

    return edit


def text(old: bytes, new: bytes) -> Edit:
    """Replace text in the document: for what JSON cannot say, such as a bare NaN."""

    def edit(raw: bytes) -> bytes:
        if old not in raw:
            raise ValueError(f"{old!r} is not in the document")
        return raw.replace(old, new)

    return edit


def numcodecs_lz4_blocks(store: MemoryStore) -> None:
    """Compress the payload of every raw N5 block of the array with numcodecs' LZ4, as zarr-python 2's
    N5Store does; the block headers stay as they are."""
    for key in [key for key in store.values if key.startswith("array/") and key[-1].isdigit()]:
        raw = store.values[key]
        rank = int.from_bytes(raw[2:4], "big")
        header = 4 + 4 * rank
        store.values[key] = raw[:header] + bytes(numcodecs.LZ4(acceleration=1).encode(raw[header:]))


@dataclass(frozen=True)
class Deviation:
    """One writer's deviant spelling, the entry that allows reading it, and the fill value it means."""

    format: str
    slug: str
    entry: str
    breaks: str
    edit: Edit
    fill: Any
    description: str
    dtype: str = "int32"
    options: tuple[tuple[str, Any], ...] = ()
    rewrite: Rewrite | None = None
    gaps: tuple[Gap, ...] = ()


DEVIATIONS = [
    Deviation("zarr2", "bare-nan-fill", "CORE-DEVIATION-001", "ZARR2-FILL-004",
              text(b'"fill_value": "NaN"', b'"fill_value": NaN'), np.nan,
              "a float32 fill value written as a bare NaN token (zarrita)", "float32"),
    Deviation("zarr3", "bare-infinity-attribute", "CORE-DEVIATION-001", "CORE-META-001",
              text(b'"attributes": {}', b'"attributes": {"valid_max": Infinity}'), 0,
              "an attribute written as a bare Infinity token (zarr-python 3.1.6)"),
    Deviation("zarr2", "blosc-shuffle-bit", "CORE-DEVIATION-002", "CODEC-BLOSC-002",
              member("compressor.shuffle", "BIT"), 0,
              "a blosc shuffle written as GDAL's word \"BIT\"", "int16",
              (("compressor", Blosc("lz4", 5, "bitshuffle", None)),)),
    Deviation("zarr2", "blosc-shuffle-none", "CORE-DEVIATION-002", "CODEC-BLOSC-002",
              member("compressor.shuffle", "NONE"), 0,
              "a blosc shuffle written as GDAL's word \"NONE\"", "int16",
              (("compressor", Blosc("zstd", 3, "noshuffle", None)),)),
    Deviation("zarr2", "fill-value-integer-string", "CORE-DEVIATION-008", "ZARR2-FILL-003",
              member("fill_value", "-7"), -7, "an int32 fill value written as the string \"-7\" (n5-zarr)"),
    Deviation("zarr2", "fill-value-float-string", "CORE-DEVIATION-008", "ZARR2-FILL-004",
              member("fill_value", "2.5"), 2.5,
              "a float64 fill value written as the string \"2.5\" (n5-zarr)", "float64"),
    Deviation("zarr2", "fill-value-bool-integer", "CORE-DEVIATION-009", "ZARR2-FILL-002",
              member("fill_value", 1), True, "a bool fill value written as the integer 1 (zarr.js)", "bool"),
    Deviation("zarr3", "fill-value-bool-integer", "CORE-DEVIATION-009", "ZARR3-FILL-002",
              member("fill_value", 1), True,
              "a bool fill value written as the integer 1 (zarr-java)", "bool"),
    Deviation("zarr2", "fill-value-not-a-time-string", "CORE-DEVIATION-011", "ZARR2-FILL-008",
              member("fill_value", "NaT"), np.datetime64("NaT", "s"),
              "a datetime64 fill value written as the string \"NaT\" (zarr-python 3.0)", "datetime64[s]"),
    Deviation("zarr3", "blosc-nthreads", "CORE-DEVIATION-012", "CORE-CODEC-006",
              member("codecs.1.configuration.nthreads", 4), 0,
              "a blosc configuration with n5-zarr's nthreads member", "int16",
              (("codecs", (BytesCodec("little"), Blosc("lz4", 5, "shuffle", 2))),)),
    Deviation("zarr3", "gzip-use-zlib-false", "CORE-DEVIATION-012", "CORE-CODEC-006",
              member("codecs.1.configuration.useZlib", False), 0,
              "a gzip configuration with n5-zarr's useZlib member set to false", "int16",
              (("codecs", (BytesCodec("little"), Gzip(5))),)),
    Deviation("n5", "lz4-numcodecs-framing", "CORE-DEVIATION-014", "CODEC-N5LZ4-001",
              member("compression", {"type": "lz4", "id": "lz4", "acceleration": 1}), 0,
              "an lz4 compression in zarr-python 2's form, numcodecs framing marked by an id member",
              "int16", (("compressor", None),), numcodecs_lz4_blocks, (N5_COMPRESSION_WRITES,)),
]  # fmt: skip


def _store(deviation: Deviation, values: np.ndarray[Any, Any]) -> MemoryStore:
    options = dict(deviation.options)
    fill = deviation.fill
    canonical_fill = "NaN" if isinstance(fill, float) and np.isnan(fill) else fill
    store = build_array(deviation.format, values, (4, 4), write=WRITTEN, fill_value=canonical_fill, **options)
    key = DOCUMENT[deviation.format]
    store.values[key] = deviation.edit(store.values[key])
    if deviation.rewrite is not None:
        deviation.rewrite(store)
    return store


def consolidated_metadata_null() -> CaseDraft:
    """The root group of zarr-python 3.0.0 to 3.1.3, ``"consolidated_metadata": null`` in its document,
    opens as the group it is (CORE-DEVIATION-010)."""
    case_id = "zarr3/deviation/group-consolidated-metadata-null"
    store = build_array("zarr3", sample_values("int32", (6, 5), id_seed(case_id)), (4, 4), write=WRITTEN)
    store.values["zarr.json"] = member("consolidated_metadata", None)(store.values["zarr.json"])
    return CaseDraft(
        id=case_id,
        kind="metadata",
        level="MAY",
        requirements=["ZARR3-META-004", "CORE-DEVIATION-010"],
        description='a group document with "consolidated_metadata": null opens as the group it describes, '
        "against ZARR3-META-008",
        requires=["format:zarr3", "op:metadata", FEATURE],
        tags=["deviation", "group"],
        store=store,
        node="",
        expected_node={"node_type": "group", "attributes": {}},
        origin={"generator": GENERATOR, "seed": id_seed(case_id)},
    )


def cases() -> Iterator[CaseDraft]:
    """A read case for every known deviation of an array, and a metadata case for the group's."""
    yield consolidated_metadata_null()
    for deviation in DEVIATIONS:
        case_id = f"{deviation.format}/deviation/{deviation.slug}"
        values = sample_values(deviation.dtype, (6, 5), id_seed(case_id))
        store = _store(deviation, values)
        expected = np.full_like(values, deviation.fill)
        expected[WRITTEN] = values[WRITTEN]
        with warnings.catch_warnings():  # the deviation's own warning: the codecs it reads are the tokens
            warnings.simplefilter("ignore", LenientReadWarning)
            codecs = open_array(store, path="array").model.codecs
        yield read_case(
            GENERATOR,
            case_id,
            store,
            expected,
            requirements=[*FORMAT_READ_REQUIREMENTS[deviation.format], deviation.entry],
            description=f"{deviation.description} reads as the writer meant, against {deviation.breaks}",
            tags=["deviation", *(gap.tag for gap in deviation.gaps)],
            extra=[FEATURE],
            codecs=codecs,
            level="MAY",
        )

"""Zarr v2 categorised text: ``categorize`` read as ``string`` (and ``fixed_length_utf32``) arrays, and its
faults (spec/codecs/categorize.md, spec/formats/zarr2.md). Ragged and JSON object arrays are
``object_values``'."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import (
    FORMAT_READ_REQUIREMENTS,
    TEXTS,
    build_array,
    id_seed,
    read_tokens,
    sample_values,
)
from zn5.conformance.generate.rejects.faults import replace_chunk, set_member
from zn5.conformance.generate.rejects.table import Reject, reject_cases
from zn5.conformance.generate.writes import WriteRow, write_cases
from zn5.reference.api import open_array
from zn5.reference.codecs.bytes import BytesCodec, Endian
from zn5.reference.codecs.categorize import Categorize
from zn5.reference.codecs.gzip import Gzip

GENERATOR = "zn5.conformance.generate.objects"
SHAPE = (5, 7)
CHUNKS = (2, 3)
LABELS = TEXTS
"""The labels of the read cases: the empty string, non-ASCII text, a NUL and a line break among them."""
REQUIREMENTS = [*FORMAT_READ_REQUIREMENTS["zarr2"], "CODEC-CATEGORIZE-001", "CODEC-CATEGORIZE-002"]
BYTE_ORDERS: dict[str, Endian] = {">": "big", "<": "little"}
"""The byte order of the codes a categorize ``astype`` names; none for one-byte codes."""
REJECT_SHAPE = (6, 5)
REJECT_LABELS = tuple(sorted(set(sample_values("T", REJECT_SHAPE, id_seed("zarr2/twin/categorize")).flat)))
"""Every element a reject row's twin holds: whatever the seed, its values are an order of the same texts."""

WRITE_SHAPE = (5, 4)
WRITE_LABELS = tuple(sorted(set(sample_values("T", WRITE_SHAPE, id_seed("zarr2/write/categorize")).flat)))
"""Every element the write case's values hold, whatever their seed."""
WRITES: list[WriteRow] = [
    (
        "zarr2",
        "string-categorize",
        "T",
        WRITE_SHAPE,
        (2, 3),
        {"fill_value": "", "codecs": [Categorize(WRITE_LABELS, "|O"), BytesCodec(None), Gzip(1)]},
        "a string array with categorize (|u1 codes) and gzip",
        ["ZARR2-VLEN-006", "CODEC-CATEGORIZE-001"],
    ),
]


def _labelled(seed: int, labels: tuple[str, ...], dtype: Any, extra: tuple[str, ...] = ()) -> Any:
    """A seeded 5x7 array of ``labels`` (and of the ``extra`` texts that are none)."""
    choices = np.array([*labels, *extra], dtype=object)
    picked = choices[np.random.default_rng(seed).integers(0, len(choices), int(np.prod(SHAPE)))]
    return np.asarray(picked.reshape(SHAPE), dtype=dtype)


def _case(
    case_id: str,
    description: str,
    values: Any,
    expected: Any,
    codec: Categorize,
    *,
    extra_requirements: tuple[str, ...] = (),
    **options: Any,
) -> CaseDraft:
    """A read case of a categorised Zarr v2 array written by the reference."""
    seed = id_seed(case_id)
    endian = BYTE_ORDERS.get(codec.astype[0])
    store = build_array("zarr2", values, CHUNKS, codecs=[codec, BytesCodec(endian), Gzip(1)], **options)
    codecs = open_array(store, path="array").model.codecs
    return CaseDraft(
        id=case_id,
        kind="read",
        requirements=[*REQUIREMENTS, *extra_requirements],
        description=description,
        requires=read_tokens("zarr2", values.dtype, codecs),
        tags=["vlen", "filter", "edge-chunk"],
        store=store,
        node="array",
        expected_array=expected,
        origin={"generator": GENERATOR, "seed": seed},
    )


def _string_case(case_id: str, astype: str) -> CaseDraft:
    """Labels of a ``"|O"`` array, as zarr-python 2 writes categorised text (ZARR2-VLEN-006)."""
    values = _labelled(id_seed(case_id), LABELS, np.dtypes.StringDType())
    return _case(
        case_id,
        f"a |O array of categorised text (codes {astype}, labels with NUL and non-ASCII) reads as strings",
        values,
        values,
        Categorize(LABELS, "|O", astype),
        extra_requirements=("ZARR2-VLEN-006",),
        fill_value="",
    )


def _unlabelled_case(case_id: str) -> CaseDraft:
    """Elements that are no label are stored as code 0 and read as the empty string (CODEC-CATEGORIZE-001)."""
    values = _labelled(id_seed(case_id), LABELS[1:4], np.dtypes.StringDType(), extra=("other", "x"))
    expected = np.where(np.isin(values, list(LABELS[1:4])), values, "").astype(values.dtype)
    return _case(
        case_id,
        "elements of a categorised string array that are none of its labels read as the empty string",
        values,
        expected,
        Categorize(LABELS[1:4], "|O"),
        extra_requirements=("ZARR2-VLEN-006",),
        fill_value="",
    )


def _missing_chunks_case(case_id: str) -> CaseDraft:
    """Chunks never written read as the fill value, which is no label (ZARR2-VLEN-006, CORE-VLEN-003)."""
    values = _labelled(id_seed(case_id), LABELS[1:], np.dtypes.StringDType())
    written = (slice(0, 2), slice(0, 7))
    expected = np.full(SHAPE, "∅", dtype=values.dtype)
    expected[written] = values[written]
    case = _case(
        case_id,
        "a categorised string array whose chunks below row 2 were never written reads them as its fill",
        values,
        expected,
        Categorize(LABELS[1:], "|O"),
        extra_requirements=("ZARR2-VLEN-006", "CORE-VLEN-003"),
        fill_value="∅",
        write=written,
    )
    case.tags.append("missing-chunk")
    return case


def _utf32_case(case_id: str) -> CaseDraft:
    """Labels of a fixed-length ``"<U7"`` array: categorize as any filter (ZARR2-VLEN-006)."""
    labels = tuple(label[:7] for label in LABELS if "\x00" not in label)
    values = _labelled(id_seed(case_id), labels, "<U7")
    return _case(
        case_id,
        "a <U7 array with a categorize filter (dtype <U7, codes <u2) reads exactly",
        values,
        values,
        Categorize(labels, "<U7", "<u2"),
        fill_value="",
    )


def _rejects() -> list[Reject]:
    """Faults of categorised arrays."""
    categorize = Categorize(REJECT_LABELS, "|O")
    chain = [categorize, BytesCodec(None)]
    common: dict[str, Any] = {"dtype": "T", "shape": REJECT_SHAPE, "options": (("codecs", chain),)}
    return [
        Reject(
            "zarr2",
            "categorize-code-past-labels",
            replace_chunk("array/0.0", bytes([len(REJECT_LABELS) + 1]) * 16),
            "read",
            "chunk",
            "CODEC-CATEGORIZE-003",
            f"a categorize chunk holding code {len(REJECT_LABELS) + 1} of {len(REJECT_LABELS)} labels",
            **common,
        ),
        Reject(
            "zarr2",
            "categorize-labels-not-strings",
            set_member("filters.0.labels", list(range(len(REJECT_LABELS)))),
            "open",
            "metadata",
            "ZARR2-CODEC-003",
            "a categorize filter whose labels are numbers",
            also=("CODEC-CATEGORIZE-002",),
            **common,
        ),
        Reject(
            "zarr2",
            "categorize-too-many-labels",
            set_member("filters.0.labels", [f"label {i}" for i in range(256)]),
            "open",
            "metadata",
            "ZARR2-CODEC-003",
            "a categorize filter with 256 labels and |u1 codes",
            also=("CODEC-CATEGORIZE-002",),
            **common,
        ),
        Reject(
            "zarr2",
            "categorize-utf32-dtype-in-object-array",
            set_member("filters.0.dtype", "<U8"),
            "open",
            "metadata",
            "CODEC-CATEGORIZE-002",
            "a |O array whose categorize filter decodes to <U8",
            also=("ZARR2-VLEN-006",),
            **common,
        ),
    ]


def cases() -> Iterator[CaseDraft]:
    """Read, reject and write cases of Zarr v2 object arrays other than vlen-utf8 and vlen-bytes."""
    yield _string_case("zarr2/categorize/string-u1", "|u1")
    yield _string_case("zarr2/categorize/string-u2-big-endian", ">u2")
    yield _unlabelled_case("zarr2/categorize/string-unlabelled-elements")
    yield _missing_chunks_case("zarr2/categorize/string-missing-chunks")
    yield _utf32_case("zarr2/categorize/fixed-length-utf32")
    yield from reject_cases(_rejects())
    yield from write_cases(WRITES)

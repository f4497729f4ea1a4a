"""Shapes (zero-dimensional, zero-length axes, rank 5), attributes with extreme numbers and with names
like format members, and nodes at nested paths; with the read cases of those attributes.
"""

from __future__ import annotations

import json
from typing import Any

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import (
    FORMAT_READ_REQUIREMENTS,
    attributes_case,
    build_array,
    id_seed,
    read_tokens,
    sample_values,
)
from zn5.conformance.generate.rejects.table import Reject
from zn5.conformance.generate.write_matrix.base import GENERATOR, Row
from zn5.conformance.suite.gaps import ATTRIBUTES_NAMED_LIKE_MEMBERS, ONE_BYTE_TYPE_STRINGS
from zn5.reference.api import open_array
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.zstd import Zstd
from zn5.reference.store.memory import MemoryStore


def _shape_rows() -> list[Row]:
    """Zero-dimensional arrays, zero-length axes, high rank, chunks larger than the array."""
    rows = []
    for format_name, key in (("zarr2", "ZARR2-META-002"), ("zarr3", "ZARR3-META-003")):
        rows += [
            Row(
                format_name,
                "float64-zero-dimensional",
                "<f8",
                (),
                (),
                {"fill_value": 1.5},
                "a zero-dimensional float64 array",
                [key, "CORE-ARRAY-001"],
            ),
            Row(
                format_name,
                "int32-zero-dimensional-gzip",
                "<i4",
                (),
                (),
                {"compressor": Gzip(1)},
                "a zero-dimensional int32 array with gzip",
                [key, "CODEC-GZIP-001"],
            ),
            Row(
                format_name,
                "float32-zero-length-axes",
                "<f4",
                (0, 4, 0),
                (2, 2, 2),
                {"compressor": Zstd(1)},
                "a 3-d array with two zero-length axes",
                [key, "CORE-GRID-001"],
            ),
            Row(
                format_name,
                "int8-rank-5",
                "|i1",
                (3, 2, 2, 2, 3),
                (2, 1, 2, 1, 2),
                {},
                "a 5-d int8 array",
                [key, "CORE-GRID-003"],
            ),
            Row(
                format_name,
                "uint16-chunk-larger-than-array",
                "<u2",
                (3, 5),
                (8, 8),
                {},
                "an array inside one chunk larger than itself",
                [key, "CORE-GRID-002"],
            ),
        ]
    rows += [
        Row(
            "n5",
            "uint8-zero-length-1d",
            "|u1",
            (0,),
            (4,),
            {},
            "a 1-d dataset of length zero",
            ["N5-META-003", "CORE-GRID-001"],
        ),
        Row(
            "n5",
            "float64-rank-5",
            "<f8",
            (3, 2, 2, 2, 3),
            (2, 1, 2, 1, 2),
            {"compressor": Gzip(1)},
            "a 5-d dataset with edge blocks",
            ["N5-AXIS-001", "N5-EDGE-003"],
        ),
        Row(
            "n5",
            "int16-block-larger-than-dataset",
            "<i2",
            (3, 5),
            (8, 8),
            {},
            "a dataset inside one block, truncated to the dataset",
            ["N5-EDGE-003", "N5-BLOCK-004"],
        ),
        Row(
            "zarr3",
            "int16-dimension-names",
            "<i2",
            (4, 5, 6),
            (2, 5, 4),
            {"dimension_names": ["z", None, "x"]},
            "an array with dimension names, one of them null",
            ["ZARR3-META-006"],
        ),
    ]
    return rows


SPECIAL_NUMBERS: dict[str, Any] = {
    "largest double": 1.7976931348623157e308,
    "smallest subnormal": 5e-324,
    "negative zero": -0.0,
    "beyond 2**53": 2**53 + 1,
    "uint64 max": 2**64 - 1,
    "int64 min": -(2**63),
    "the string NaN": "NaN",
    "the string Infinity": "Infinity",
    "the string -Infinity": "-Infinity",
}
"""Numbers at the edges of what JSON and doubles hold. The non-finite numbers themselves may not be
written at all (CORE-META-003), so their spellings appear only as strings, which must stay strings."""

LOOKALIKES: dict[str, dict[str, Any]] = {
    "zarr2": {
        "zarr_format": 3,
        "shape": [1],
        "dtype": "<f8",
        "chunks": [5],
        "order": "F",
        "filters": None,
        "dimension_separator": "/",
        "fill_value": "NaN",
        "dimensions": [2, 3],
        "units": "m",
    },
    "zarr3": {
        "zarr_format": 2,
        "node_type": "group",
        "shape": [],
        "codecs": [],
        "fill_value": "NaN",
        "attributes": {"nested": True},
        "dimension_names": ["x"],
        "dimensions": [2, 3],
        "units": "m",
    },
    "n5": {
        "units": "nm",
        "resolution": [4, 4, 40],
        "axes": ["x", "y"],
        "pixelResolution": {"unit": "um", "dimensions": [1, 2]},
        "downsamplingFactors": [2, 2],
        "type": "gzip",
        "level": 3,
        "useZlib": True,
        "version": "4.0.0",
        "n5x": "not n5",
    },
}
"""User attributes named like members of the format's documents, which a writer must keep as attributes
(CORE-ATTR-001); in N5 only the reserved keys are refused (N5-META-005), so ``units`` or ``axes`` are
attributes like any other."""


def _attribute_rows() -> list[Row]:
    rows = []
    for format_name in ("zarr2", "zarr3", "n5"):
        rows += [
            Row(
                format_name,
                "int16-attributes-edge-numbers",
                "<i2",
                (4, 3),
                (2, 2),
                {"attributes": SPECIAL_NUMBERS},
                "an array with attributes of extreme numbers and the strings NaN and Infinity",
                ["CORE-ATTR-001", "CORE-META-003"],
            ),
            Row(
                format_name,
                "uint8-attributes-named-like-members",
                "|u1",
                (4, 3),
                (2, 2),
                {"attributes": LOOKALIKES[format_name]},
                "an array with user attributes named like members of the format's metadata",
                ["CORE-ATTR-001", "N5-META-005"] if format_name == "n5" else ["CORE-ATTR-001"],
                gaps=(ATTRIBUTES_NAMED_LIKE_MEMBERS,),
            ),
        ]
    return rows


def _hierarchy_rows() -> list[Row]:
    """Arrays at nested paths, whose keys lie under the path's prefix (CORE-NODE-001); in Zarr v2 the
    writer also creates a ``.zgroup`` at every ancestor (ZARR2-NODE-001), which the write check then
    requires. In Zarr v3 and N5 the ancestor groups are a SHOULD (CORE-NODE-007), not checked."""
    paths = [("group-chain", "a/b/c/array"), ("dotted-path", "group.1/sub-group/array_2")]
    rows = []
    for format_name in ("zarr2", "zarr3", "n5"):
        node = ["ZARR2-NODE-001"] if format_name == "zarr2" else []
        for index, (slug, path) in enumerate(paths):
            rows.append(
                Row(
                    format_name,
                    f"int32-{slug}",
                    "<i4",
                    (5, 4),
                    (2, 4),
                    [{}, {"compressor": Gzip(1)}][index],
                    f"an int32 array at /{path}, under groups the writer creates",
                    [*node, "CORE-NODE-001"],
                    path=path,
                )
            )
    return rows


def _lookalike_metadata_case(format_name: str) -> CaseDraft:
    """The read side of ``uint8-attributes-named-like-members``: the attributes are presented as stored,
    none of them taken for a member of the format (CORE-ATTR-001; N5: N5-META-005)."""
    case_id = f"{format_name}/metadata/attributes-named-like-members"
    draft = attributes_case(
        case_id,
        {"shape": (4, 3), "dtype": "uint8", "chunks": (2, 2)},
        LOOKALIKES[format_name],
        requirements=["CORE-ATTR-001", *(["N5-META-005"] if format_name == "n5" else [])],
        description="user attributes named like members of the format's metadata are presented as attributes",
        origin={"generator": GENERATOR, "seed": id_seed(case_id)},
    )
    draft.tags.append(ATTRIBUTES_NAMED_LIKE_MEMBERS.tag)
    return draft


def _as_group_with_dimensions(store: MemoryStore) -> None:
    """Replace the dataset's attributes by a group's whose user attributes hold ``dimensions`` (and
    ``units``), as a writer that ignores N5's reserved keys would store them (N5-META-005)."""
    document = {"dimensions": [6, 5], "units": "nm"}
    store.values["array/attributes.json"] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


DIMENSIONS_ATTRIBUTE = Reject(
    "n5",
    "user-attribute-dimensions",
    _as_group_with_dimensions,
    "open",
    "metadata",
    "N5-META-002",
    "a user attribute named dimensions, which makes the node a dataset without blockSize",
    also=("N5-META-005",),
)


def _one_byte_type_spelled_little() -> CaseDraft:
    """``"<u1"``, as netCDF-C writes it: a byte order on a one-byte type reads as ``uint8``
    (ZARR2-DTYPE-002); the sibling of ``field``'s ``"<i1"`` and ``">u1"`` cases."""
    case_id = "zarr2/dtype/uint8-spelled-little"
    values = sample_values("uint8", (5, 6), id_seed(case_id))
    store = build_array("zarr2", values, (4, 4))
    document = json.loads(store.values["array/.zarray"])
    document["dtype"] = "<u1"
    store.values["array/.zarray"] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()
    return CaseDraft(
        id=case_id,
        kind="read",
        requirements=[*FORMAT_READ_REQUIREMENTS["zarr2"], "ZARR2-DTYPE-002"],
        description='a uint8 array whose type string is "<u1" (as netCDF-C writes it) reads as uint8',
        requires=read_tokens("zarr2", values.dtype, open_array(store, path="array").model.codecs),
        tags=["dtype", ONE_BYTE_TYPE_STRINGS.tag],
        store=store,
        node="array",
        expected_array=values,
        origin={"generator": GENERATOR, "seed": id_seed(case_id)},
    )

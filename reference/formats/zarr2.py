"""Zarr v2: ``.zarray``, ``.zgroup`` and ``.zattrs`` to the core model and back (spec/formats/zarr2.md).

The dialect's differences from the core model, each converted here and nowhere else:
byte order lives in the ``dtype`` string and becomes the ``bytes`` codec's endian; ``order: "F"``
becomes a leading ``transpose`` that reverses the axes; ``filters`` and ``compressor`` become the
codec chain; ``dimension_separator`` selects the ``v2`` chunk key encoding's separator; and a
``null`` fill value means "undefined" (ZARR2-FILL-001). An object array (``"|O"``) takes its data
type from its first filter, the object codec, which is also its array→bytes codec (ZARR2-VLEN-001);
the typestr and that object type are :mod:`zn5.reference.formats.zarr2_dtypes`'.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

import numpy as np

from zn5.reference.codecs._numcodecs import NumcodecsFilter
from zn5.reference.codecs.base import ArrayArrayCodec, ArrayBytesCodec, BytesBytesCodec, ChunkSpec, Codec
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec, Endian
from zn5.reference.codecs.pipeline import CodecPipeline
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.errors import UnsupportedError
from zn5.reference.formats.base import Consolidated, Dialect, Documents, SchemaDeviation
from zn5.reference.formats.deviations import (
    BloscShuffleWordWarning,
    UnknownCodecMemberWarning,
    ZeroChunkLengthWarning,
)
from zn5.reference.formats.documents import Parsed, Report, int_list, require, type_name
from zn5.reference.formats.fill_values import ZARR2_FILL, decode_fill, encode_fill
from zn5.reference.formats.numcodecs_objects import GDAL_SHUFFLE_WORDS, codec_from_v2, codec_to_v2
from zn5.reference.formats.zarr2_dtypes import (
    BYTE_ORDERS,
    OBJECT_CODECS,
    OBJECT_DTYPE,
    format_dtype,
    object_dtype,
    parse_dtype,
    record_bytes,
)
from zn5.reference.model.dtype import DataType
from zn5.reference.model.grid import RegularGrid
from zn5.reference.model.keys import ChunkKeyEncoding
from zn5.reference.model.node import MAX_ELEMENTS, ArrayModel, GroupModel

FORMAT = "zarr2"

ARRAY_KEY = ".zarray"
GROUP_KEY = ".zgroup"
ATTRIBUTES_KEY = ".zattrs"
CONSOLIDATED_KEY = ".zmetadata"
DOCUMENT_KEYS = (ARRAY_KEY, GROUP_KEY, ATTRIBUTES_KEY)
ARRAY_MEMBERS = ("zarr_format", "shape", "chunks", "dtype", "compressor", "fill_value", "order", "filters")


def _parse_chain(
    doc: Mapping[str, Any], dtype: DataType, endian: Endian | None, ndim: int, report: Report
) -> tuple[Codec, ...] | None:
    """The codec chain: [transpose], array filters, bytes, byte filters, compressor (ZARR2-CODEC-004)."""
    filters = doc.get("filters")
    if filters is not None and not isinstance(filters, list):
        report.error(
            "filters",
            f"must be null or an array of codec objects, not {type_name(filters)}",
            "ZARR2-META-006",
        )
        return None
    entries = [(item, f"filters[{i}]") for i, item in enumerate(filters or [])]
    if doc.get("compressor") is not None:
        entries.append((doc["compressor"], "compressor"))
    parsed: list[Codec | None] = []
    spec = ChunkSpec((1,), dtype.numpy_dtype, dtype.zeros_bytes(), (1,), report.key)
    for item, location in entries:
        codec = codec_from_v2(item, location, spec.dtype.itemsize, report)
        parsed.append(codec)
        if isinstance(codec, ArrayArrayCodec):
            spec = codec.resolve(spec)
        elif codec is not None:
            spec = replace(spec, dtype=np.dtype("u1"))  # numcodecs' bytes codecs return bytes
    if any(codec is None for codec in parsed):
        return None
    codecs = [codec for codec in parsed if codec is not None]
    array_filters = [codec for codec in codecs if isinstance(codec, ArrayArrayCodec)]
    object_codecs = [codec for codec in codecs if isinstance(codec, ArrayBytesCodec)]
    byte_codecs = [codec for codec in codecs if isinstance(codec, BytesBytesCodec)]
    if codecs != [*array_filters, *object_codecs, *byte_codecs] or len(object_codecs) > 1:
        report.error(
            "filters",
            "an array filter follows a bytes filter or an object codec; the chain cannot be decoded in order",
            "ZARR2-CODEC-004",
        )
        return None
    layout: list[Codec] = [Transpose.reversing(ndim)] if doc.get("order") == "F" and ndim > 1 else []
    serialiser = (
        object_codecs[0] if object_codecs else BytesCodec(_filters_byte_order(array_filters, endian, report))
    )
    return (*layout, *array_filters, serialiser, *byte_codecs)


def with_blosc_typesizes(codecs: tuple[Codec, ...], dtype: DataType, ndim: int) -> tuple[Codec, ...]:
    """The chain with each ``blosc`` that leaves its type size to the array given the item size
    numcodecs hands it, as a reader resolves it (CODEC-BLOSC-006): the item size of the last array
    filter's output, and 1 after a variable-length codec or any bytes filter, whose output is bytes.
    A ``blosc`` with another type size has no Zarr v2 form and is refused (CORE-CODEC-003)."""
    spec = ChunkSpec((1,) * ndim, dtype.numpy_dtype, dtype.zeros_bytes(), (1,) * ndim, "<new array>")
    itemsize = spec.dtype.itemsize
    completed: list[Codec] = []
    for codec in codecs:
        if isinstance(codec, ArrayArrayCodec):
            spec = codec.resolve(spec)
            itemsize = spec.dtype.itemsize
        elif isinstance(codec, OBJECT_CODECS):
            itemsize = 1
        elif isinstance(codec, BytesBytesCodec):
            if isinstance(codec, Blosc):
                codec = _blosc_of_item_size(codec, itemsize)
            itemsize = 1
        completed.append(codec)
    return tuple(completed)


def _blosc_of_item_size(codec: Blosc, itemsize: int) -> Blosc:
    """``codec`` with the type size numcodecs will use, or an error if it asks for another one."""
    if codec.typesize not in (None, itemsize):
        raise UnsupportedError.at(
            ARRAY_KEY,
            f"blosc with typesize {codec.typesize} cannot be written: Zarr v2 has no typesize member and "
            f"numcodecs compresses with the item size {itemsize} it receives (CODEC-BLOSC-006)",
            "CORE-CODEC-003",
            "compressor",
        )
    return replace(codec, typesize=itemsize)


def _filters_byte_order(
    filters: list[ArrayArrayCodec], endian: Endian | None, report: Report
) -> Endian | None:
    """The byte order of the bytes the array filters leave: numcodecs reads and writes each filter's
    elements in the types its configuration declares, byte order included (ZARR2-CODEC-005)."""
    for index, codec in enumerate(filters):
        if not isinstance(codec, NumcodecsFilter):
            continue
        decoded, encoded = codec.declared_types()
        reads = None if decoded is None else BYTE_ORDERS[decoded[0]]
        if None not in (reads, endian) and reads != endian:
            raise UnsupportedError.at(
                report.key,
                f"{codec.name} reads its input as {decoded}, in a byte order other than its input's; "
                "reinterpreting the bytes is not implemented",
                "ZARR2-CODEC-005",
                f"filters[{index}]",
            )
        if encoded is not None:
            endian = BYTE_ORDERS[encoded[0]]
    return endian


def parse_array(doc: Mapping[str, Any], attributes: Mapping[str, Any], key: str) -> Parsed[ArrayModel]:
    """The array a ``.zarray`` document describes, with every problem found."""
    report = Report(key)
    if not require(doc, ARRAY_MEMBERS, report, "ZARR2-META-001"):
        return Parsed(None, report.problems)
    if doc["zarr_format"] != 2:
        report.error("zarr_format", f"must be 2 (got {doc['zarr_format']!r})", "ZARR2-META-001")
    # A member beyond the table: its writer broke ZARR2-META-008, and the reader ignores it (ZARR2-META-012).
    for extra in sorted(set(doc) - {*ARRAY_MEMBERS, "dimension_separator"}):
        report.warning(extra, "is not a Zarr v2 array member and is ignored", "ZARR2-META-008")
    shape = int_list(doc, "shape", report, "ZARR2-META-002", minimum=0)
    chunks = int_list(doc, "chunks", report, "ZARR2-META-003", minimum=0)
    if shape is not None and chunks is not None:
        chunks = _check_chunks(shape, chunks, report)
    if doc["order"] not in ("C", "F"):
        report.error("order", f"must be 'C' or 'F' (got {doc['order']!r})", "ZARR2-META-005")
    separator = doc.get("dimension_separator", ".")
    if separator not in (".", "/"):
        report.error("dimension_separator", f"must be '.' or '/' (got {separator!r})", "ZARR2-META-007")
    dtype_and_endian: tuple[DataType, Endian | None] | None
    if doc["dtype"] == OBJECT_DTYPE:
        object_type = object_dtype(doc, report)
        dtype_and_endian = None if object_type is None else (object_type, None)
    else:
        dtype_and_endian = parse_dtype(doc["dtype"], report)
    if dtype_and_endian is None or shape is None or chunks is None or not report.ok():
        return Parsed(None, report.problems)
    dtype, endian = dtype_and_endian
    fill = None if doc["fill_value"] is None else decode_fill(doc["fill_value"], dtype, ZARR2_FILL, report)
    fill = None if fill is None else record_bytes(fill, dtype, endian, stored=False)
    codecs = _parse_chain(doc, dtype, endian, len(shape), report)
    if codecs is None or not report.ok():
        return Parsed(None, report.problems)
    _check_chain(doc, codecs, chunks, dtype, fill, report)
    if not report.ok():
        return Parsed(None, report.problems)
    model = ArrayModel(
        shape=shape,
        data_type=dtype,
        chunk_grid=RegularGrid(chunks),
        chunk_key_encoding=ChunkKeyEncoding("v2", separator),
        fill_value=fill,
        codecs=codecs,
        attributes=dict(attributes),
    )
    return Parsed(model, report.problems)


def _check_chain(
    doc: Mapping[str, Any],
    codecs: tuple[Codec, ...],
    chunks: tuple[int, ...],
    dtype: DataType,
    fill: bytes | None,
    report: Report,
) -> None:
    """Each codec's fit to the chunks it serves, as its chapter says (a ``delta`` of another dtype,
    CODEC-DELTA-002); each problem is placed at the ``.zarray`` member its codec came from."""
    locations = ["order"] if doc.get("order") == "F" and len(chunks) > 1 else []
    filters = doc.get("filters") or []
    array_filters = sum(isinstance(codec, ArrayArrayCodec) for codec in codecs) - len(locations)
    locations += [f"filters[{index}]" for index in range(array_filters)]
    if not dtype.is_variable:
        locations.append("dtype")
    locations += [f"filters[{index}]" for index in range(array_filters, len(filters))]
    locations.append("compressor")
    spec = ChunkSpec(
        chunks, dtype.numpy_dtype, dtype.zeros_bytes() if fill is None else fill, chunks, report.key
    )
    for index, message, requirement in CodecPipeline.of(codecs).problems(spec):
        report.error(locations[index] if index < len(locations) else "filters", message, requirement)


def _check_chunks(shape: tuple[int, ...], chunks: tuple[int, ...], report: Report) -> tuple[int, ...] | None:
    """Chunk lengths: one per axis, positive; a legacy 0 on an empty axis reads as 1 (CORE-GRID-001)."""
    if len(chunks) != len(shape):
        report.error("chunks", f"has {len(chunks)} entries, shape has {len(shape)}", "ZARR2-META-003")
        return None
    fixed = []
    for axis, (length, chunk) in enumerate(zip(shape, chunks, strict=True)):
        if chunk == 0 and length == 0:
            report.deviation(
                f"chunks[{axis}]",
                "a chunk length of 0 on an empty axis reads as 1",
                "CORE-GRID-001",
                ZeroChunkLengthWarning,
            )
            chunk = 1
        elif chunk == 0:
            report.error(f"chunks[{axis}]", "must be positive", "CORE-GRID-001")
            return None
        fixed.append(chunk)
    if math.prod(shape) > MAX_ELEMENTS:
        report.error("shape", f"declares {math.prod(shape)} elements, more than 2**62", "CORE-GRID-005")
        return None
    return tuple(fixed)


def parse_group(doc: Mapping[str, Any], attributes: Mapping[str, Any], key: str) -> Parsed[GroupModel]:
    """The group a ``.zgroup`` document describes (ZARR2-META-009)."""
    report = Report(key)
    if doc.get("zarr_format") != 2:
        report.error("zarr_format", f"must be 2 (got {doc.get('zarr_format')!r})", "ZARR2-META-009")
    for extra in sorted(set(doc) - {"zarr_format"}):
        report.error(extra, "is not allowed in .zgroup", "ZARR2-META-009")
    return Parsed(GroupModel(dict(attributes)) if report.ok() else None, report.problems)


def encode_array(model: ArrayModel) -> dict[str, dict[str, Any]]:
    """The documents of an array: ``.zarray`` and, when it has attributes, ``.zattrs``."""
    order, codecs = _split_layout(model)
    pipeline = CodecPipeline.of(codecs)
    serialiser = pipeline.array_bytes
    if not isinstance(serialiser, (BytesCodec, *OBJECT_CODECS)):
        raise UnsupportedError.at(
            ARRAY_KEY, f"Zarr v2 cannot store the {serialiser.name} codec", "ZARR2-CODEC-004"
        )
    if model.data_type.is_ragged and model.fill_value not in (None, b""):
        raise UnsupportedError.at(
            ARRAY_KEY,
            "a ragged array's fill value can only be the empty element",
            "ZARR2-FILL-011",
            "fill_value",
        )
    endian = serialiser.endian if isinstance(serialiser, BytesCodec) else None
    object_codecs = [] if isinstance(serialiser, BytesCodec) else [serialiser]
    array_filters, byte_codecs = [*pipeline.array_array, *object_codecs], list(pipeline.bytes_bytes)
    for codec in (*array_filters, *byte_codecs):
        if not codec.v2_ids:
            raise UnsupportedError.at(
                ARRAY_KEY, f"Zarr v2 has no codec id for {codec.name}", "ZARR2-CODEC-002"
            )
    compressor = byte_codecs[-1] if byte_codecs else None
    filters = [*array_filters, *byte_codecs[:-1]]
    zarray = {
        "zarr_format": 2,
        "shape": list(model.shape),
        "chunks": list(model.chunk_grid.chunk_shape),
        "dtype": format_dtype(model.data_type, _dtype_byte_order(list(pipeline.array_array), endian)),
        "compressor": None if compressor is None else codec_to_v2(compressor),
        "fill_value": None
        if model.fill_value is None
        else encode_fill(
            record_bytes(model.fill_value, model.data_type, endian, stored=True), model.data_type, ZARR2_FILL
        ),
        "order": order,
        "filters": [codec_to_v2(codec) for codec in filters] or None,
        "dimension_separator": model.chunk_key_encoding.separator,
    }
    documents: dict[str, dict[str, Any]] = {ARRAY_KEY: zarray}
    if model.attributes:
        documents[ATTRIBUTES_KEY] = dict(model.attributes)
    return documents


def _dtype_byte_order(filters: list[ArrayArrayCodec], endian: Endian | None) -> Endian | None:
    """The byte order of ``dtype``: the first filter's declared input order, else the ``bytes`` codec's.

    A chain whose bytes are not in its last declared output order has no Zarr v2 form (ZARR2-CODEC-005).
    """
    declared = [codec.declared_types() for codec in filters if isinstance(codec, NumcodecsFilter)]
    outputs = [BYTE_ORDERS[encoded[0]] for _, encoded in declared if encoded is not None]
    if outputs and outputs[-1] not in (None, endian):
        raise UnsupportedError.at(
            ARRAY_KEY,
            f"Zarr v2 stores the filters' output {outputs[-1]} endian, not {endian}",
            "ZARR2-CODEC-005",
        )
    inputs = [BYTE_ORDERS[decoded[0]] for decoded, _ in declared if decoded is not None]
    return inputs[0] if inputs and inputs[0] is not None else endian


def _split_layout(model: ArrayModel) -> tuple[str, tuple[Codec, ...]]:
    """``"F"`` and the rest of the chain when it starts with the reversing transpose; else ``"C"``."""
    if model.chunk_key_encoding.name != "v2":
        raise UnsupportedError.at(ARRAY_KEY, "Zarr v2 chunk keys use the v2 encoding", "ZARR2-KEY-001")
    codecs = tuple(model.codecs)
    if codecs and isinstance(codecs[0], Transpose):
        if codecs[0] != Transpose.reversing(model.ndim):
            raise UnsupportedError.at(
                ARRAY_KEY, "Zarr v2 can only reverse the axes (order 'F')", "ZARR2-META-005"
            )
        return "F", codecs[1:]
    return "C", codecs


def encode_group(model: GroupModel) -> dict[str, dict[str, Any]]:
    """The documents of a group: ``.zgroup`` and, when it has attributes, ``.zattrs``."""
    documents: dict[str, dict[str, Any]] = {GROUP_KEY: {"zarr_format": 2}}
    if model.attributes:
        documents[ATTRIBUTES_KEY] = dict(model.attributes)
    return documents


def parse_node(
    documents: Mapping[str, dict[str, Any] | None], prefix: str
) -> Parsed[ArrayModel | GroupModel] | None:
    """The node whose documents were read at ``prefix``; None without ``.zarray`` or ``.zgroup``."""
    zarray, zgroup = documents.get(ARRAY_KEY), documents.get(GROUP_KEY)
    attributes = documents.get(ATTRIBUTES_KEY) or {}
    if zarray is not None and zgroup is not None:
        report = Report(prefix + GROUP_KEY)
        report.error("", "a node cannot be both an array and a group", "ZARR2-META-010")
        return Parsed(None, report.problems)
    if zarray is not None:
        array = parse_array(zarray, attributes, prefix + ARRAY_KEY)
        return Parsed(array.value, array.problems)
    if zgroup is not None:
        group = parse_group(zgroup, attributes, prefix + GROUP_KEY)
        return Parsed(group.value, group.problems)
    return None


def encode_node(model: ArrayModel | GroupModel, *, root: bool) -> dict[str, dict[str, Any]]:
    """The documents of a node."""
    return encode_array(model) if isinstance(model, ArrayModel) else encode_group(model)


def _empty_axis(document: Mapping[str, Any], location: str, value: Any) -> bool:
    """Whether ``chunks[i]`` is 0 on an axis whose length is 0."""
    index = int(location[len("chunks[") : -1])
    shape = document.get("shape")
    return value == 0 and isinstance(shape, list) and index < len(shape) and shape[index] == 0


_CODEC_LOCATION = r"(?:compressor|filters\[[0-9]+\])"


class Zarr2Dialect(Dialect):
    """Zarr v2: ``.zarray``, ``.zgroup``, ``.zattrs``, and consolidated ``.zmetadata``."""

    name = FORMAT
    document_keys = DOCUMENT_KEYS
    attribute_keys = frozenset({ATTRIBUTES_KEY})
    group_document = GROUP_KEY
    missing_group_requirement = "ZARR2-NODE-001"
    default_key_encoding = "v2"
    """The ``v2`` encoding, separator ``"."`` unless ``dimension_separator`` says otherwise
    (ZARR2-META-013)."""
    consolidated = Consolidated(CONSOLIDATED_KEY, "zarr2/zmetadata", "ZARR2-CONSOLIDATED-001")
    """SHOULD: ``.zmetadata`` follows zarr-python's layout, each entry equals the document it copies, and
    it lists every document below its group (ZARR2-CONSOLIDATED-001)."""
    schema_deviations = (
        SchemaDeviation(
            "additionalProperties",
            re.compile(rf"^{_CODEC_LOCATION}\.[^.\[]+$"),
            "ZARR2-CODEC-003",
            "unknown extra members in a numcodecs configuration",
            UnknownCodecMemberWarning,
        ),
        SchemaDeviation(
            "enum",
            re.compile(rf"^{_CODEC_LOCATION}\.shuffle$"),
            "CODEC-BLOSC-002",
            "blosc shuffle spelled as GDAL 3.6.2 spells it",
            BloscShuffleWordWarning,
            lambda document, location, value: value in GDAL_SHUFFLE_WORDS,
        ),
        SchemaDeviation(
            "minimum",
            re.compile(r"^chunks\[[0-9]+\]$"),
            "CORE-GRID-001",
            "a chunk length of 0 on an empty axis (older zarr-python)",
            ZeroChunkLengthWarning,
            _empty_axis,
        ),
    )

    parse_node = staticmethod(parse_node)
    encode_node = staticmethod(encode_node)

    def is_array(self, documents: Documents) -> bool:
        return documents.get(ARRAY_KEY) is not None

    def schema_name(self, document_name: str, path: str, document: Mapping[str, Any]) -> str:
        return "zarr2/" + document_name.lstrip(".")

    def complete_codecs(self, codecs: tuple[Codec, ...], data_type: DataType, ndim: int) -> tuple[Codec, ...]:
        """Each blosc's type size written out, as numcodecs hands it (CODEC-BLOSC-006)."""
        return with_blosc_typesizes(codecs, data_type, ndim)


ZARR2: Final = Zarr2Dialect()

"""Zarr v3: ``zarr.json`` to the core model and back (spec/formats/zarr3.md).

The core model is shaped like Zarr v3, so this mapping is nearly one to one. Extension points
(data type, chunk grid, chunk key encoding, codecs, storage transformers, and unknown members) are
honoured: what the reference does not know is refused unless it says ``"must_understand": false``
where that is allowed (ZARR3-EXT-001).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Final

import numcodecs

from zn5.reference.codecs import registry
from zn5.reference.codecs.base import ChunkSpec, Codec
from zn5.reference.codecs.pipeline import CodecPipeline
from zn5.reference.errors import StoreError, UnsupportedError
from zn5.reference.formats.base import Dialect, Documents
from zn5.reference.formats.deviations import InertCodecMemberWarning, NullConsolidatedMetadataWarning
from zn5.reference.formats.documents import Parsed, Report, int_list, is_int, require, type_name
from zn5.reference.formats.fill_values import ZARR3_FILL, decode_fill, encode_fill
from zn5.reference.formats.numcodecs_objects import codec_from_v2
from zn5.reference.model.dtype import DATETIME_UNITS, DataType
from zn5.reference.model.grid import RegularGrid
from zn5.reference.model.keys import ChunkKeyEncoding
from zn5.reference.model.node import MAX_ELEMENTS, ArrayModel, GroupModel

FORMAT = "zarr3"
NODE_KEY = "zarr.json"
DOCUMENT_KEYS = (NODE_KEY,)
ARRAY_MEMBERS = (
    "zarr_format",
    "node_type",
    "shape",
    "data_type",
    "chunk_grid",
    "chunk_key_encoding",
    "fill_value",
    "codecs",
)
OPTIONAL_ARRAY_MEMBERS = ("attributes", "storage_transformers", "dimension_names")
GROUP_MEMBERS = ("zarr_format", "node_type", "attributes", "consolidated_metadata")
CORE_TYPES = (
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
)
RAW_TYPE = re.compile(r"^r([1-9][0-9]*)$")
LENGTH_TYPES = {"fixed_length_utf32": "U", "null_terminated_bytes": "S", "raw_bytes": "V"}
TIME_TYPES = {"numpy.datetime64": "M8", "numpy.timedelta64": "m8"}
VARIABLE_TYPES = {"string": "T", "bytes": "O", "variable_length_bytes": "O"}
"""The variable-length data types; ``variable_length_bytes`` is zarr-python 3's name for ``bytes``
(ZARR3-VLEN-001)."""


def check_new_name(name: str, path: str) -> None:
    """Refuse a name a Zarr v3 writer cannot give a node, beyond CORE-NODE-002 (ZARR3-NODE-001)."""
    problem = None
    if name and set(name) == {"."}:
        problem = f"the node name {name!r} consists only of periods"
    elif name.startswith("__"):
        problem = f"the node name {name!r} starts with '__', a prefix Zarr reserves"
    elif name == NODE_KEY:
        problem = f"the node name {name!r} is the name of the metadata document"
    if problem is not None:
        raise StoreError.at(path, problem, "ZARR3-NODE-001")


def extension(
    value: Any, location: str, report: Report, requirement: str
) -> tuple[str, dict[str, Any]] | None:
    """``(name, configuration)`` of an extension object or its string shorthand (ZARR3-EXT-002)."""
    if isinstance(value, str):
        return value, {}
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        report.error(
            location, f"must be a name or an object with a string 'name' (got {value!r})", requirement
        )
        return None
    configuration = value.get("configuration", {})
    if not isinstance(configuration, dict):
        report.error(
            f"{location}.configuration", f"must be an object, not {type_name(configuration)}", requirement
        )
        return None
    return value["name"], configuration


def parse_data_type(value: Any, key: str, report: Report) -> DataType | None:
    """The data type named by ``data_type`` (ZARR3-DTYPE-001, ZARR3-DTYPE-002)."""
    named = extension(value, "data_type", report, "ZARR3-DTYPE-001")
    if named is None:
        return None
    name, configuration = named
    raw = RAW_TYPE.match(name)
    if name in CORE_TYPES and not configuration:
        return DataType.of(name)
    if name in VARIABLE_TYPES and not configuration:
        return DataType.of(VARIABLE_TYPES[name])
    if raw is not None and int(raw[1]) % 8 == 0:
        return DataType.of(f"V{int(raw[1]) // 8}")
    if name in LENGTH_TYPES:
        length = configuration.get("length_bytes")
        unit = 4 if name == "fixed_length_utf32" else 1
        if is_int(length) and length > 0 and length % unit == 0:
            return DataType.of(f"{LENGTH_TYPES[name]}{length // unit}")
        report.error(
            "data_type.configuration.length_bytes",
            f"must be a positive multiple of {unit}",
            "ZARR3-DTYPE-001",
        )
        return None
    if name in TIME_TYPES:
        time_unit, scale = configuration.get("unit"), configuration.get("scale_factor", 1)
        if time_unit in DATETIME_UNITS and is_int(scale) and scale > 0:
            return DataType.of(f"{TIME_TYPES[name]}[{scale}{time_unit}]")
        report.error(
            "data_type.configuration",
            f"needs a unit from {DATETIME_UNITS} and a positive scale_factor",
            "ZARR3-DTYPE-001",
        )
        return None
    raise UnsupportedError.at(key, f"unknown data type {name!r}", "ZARR3-DTYPE-002", "data_type")


def format_data_type(dtype: DataType) -> Any:
    """The ``data_type`` member for a data type."""
    kind, size = dtype.kind, dtype.itemsize
    if kind in "biufcVTO":
        return dtype.name
    if kind in "mM":
        unit, scale = __import__("numpy").datetime_data(dtype.numpy_dtype)
        family = "numpy.datetime64" if kind == "M" else "numpy.timedelta64"
        return {"name": family, "configuration": {"unit": unit, "scale_factor": scale}}
    name = "null_terminated_bytes" if kind == "S" else "fixed_length_utf32"
    return {"name": name, "configuration": {"length_bytes": size}}


def parse_codec(value: Any, location: str, key: str, report: Report) -> Codec | None:
    """One codec of ``codecs`` (ZARR3-CODEC-001); unknown codecs are unsupported (CORE-CODEC-003)."""
    named = extension(value, location, report, "ZARR3-CODEC-001")
    if named is None:
        return None
    name, configuration = named
    registry.refuse_code_running(name, key=key, location=location)
    if name in NUMCODECS_COMPRESSORS:
        return _numcodecs_compressor(name, configuration, location, key, report)
    codec = registry.BY_NAME.get(name)
    if codec is None or not codec.in_zarr3:
        raise UnsupportedError.at(key, f"unknown codec {name!r}", "CORE-CODEC-003", location)
    try:
        return codec.from_configuration(_without_inert_members(name, configuration, location, report))
    except ValueError as error:
        report.error(location, f"{name}: {error}", "CORE-CODEC-006")
        return None


NUMCODECS_COMPRESSORS: Final = ("numcodecs.blosc", "numcodecs.bz2", "numcodecs.gzip", "numcodecs.zstd")
"""numcodecs' compressors as zarr-python 3 names them in Zarr v3 when its caller hands it a numcodecs
object: the configuration holds the members the caller set, the others take numcodecs' defaults, and
the codec is numcodecs' own, as in Zarr v2 (ZARR3-CODEC-002)."""


def _numcodecs_compressor(
    name: str, configuration: Mapping[str, Any], location: str, key: str, report: Report
) -> Codec | None:
    """``numcodecs.<id>``: numcodecs' codec ``<id>`` with its defaults filled in by numcodecs itself,
    mapped as the Zarr v2 dialect maps ``{"id": <id>, ...}``; it receives bytes, so blosc's automatic
    shuffle and type size follow an item size of 1 (ZARR3-CODEC-002, CODEC-BLOSC-006)."""
    numcodecs_id = name.removeprefix("numcodecs.")
    try:
        full = numcodecs.get_codec({**configuration, "id": numcodecs_id}).get_config()
    except (TypeError, ValueError) as error:
        report.error(f"{location}.configuration", f"{name}: {error}", "ZARR3-CODEC-002")
        return None
    return codec_from_v2(full, location, 1, Report(key, report.problems))


INERT_MEMBERS: Final[Mapping[str, Mapping[str, tuple[Any, ...]]]] = {
    "blosc": {"nthreads": ()},
    "gzip": {"useZlib": (False,)},
}
"""Codec members that n5-zarr writes into Zarr v3 and that do not change the bytes, with the values
that keep them inert (``()``: any value): blosc's thread count, and gzip's ``useZlib`` when false
(``true`` would mean a zlib stream, which a gzip codec is not). CORE-DEVIATION-012."""


def _without_inert_members(
    name: str, configuration: Mapping[str, Any], location: str, report: Report
) -> Mapping[str, Any]:
    """The configuration without the inert members of INERT_MEMBERS, each recorded as a deviation."""
    inert = INERT_MEMBERS.get(name, {})
    kept = dict(configuration)
    for member, values in inert.items():
        if member in kept and (not values or kept[member] in values):
            report.deviation(
                f"{location}.configuration.{member}",
                f"{member}={kept.pop(member)!r} is not a member of {name}; it does not change the bytes",
                "CORE-CODEC-006",
                InertCodecMemberWarning,
            )
    return kept


def _parse_grid(
    doc: Mapping[str, Any], shape: tuple[int, ...], key: str, report: Report
) -> RegularGrid | None:
    named = extension(doc["chunk_grid"], "chunk_grid", report, "ZARR3-GRID-001")
    if named is None:
        return None
    name, configuration = named
    if name != "regular":
        raise UnsupportedError.at(key, f"unknown chunk grid {name!r}", "ZARR3-GRID-002", "chunk_grid")
    chunks = int_list(configuration, "chunk_shape", report, "ZARR3-GRID-001", minimum=1)
    if chunks is not None and len(chunks) != len(shape):
        report.error(
            "chunk_grid.configuration.chunk_shape",
            f"has {len(chunks)} entries, shape has {len(shape)}",
            "ZARR3-GRID-001",
        )
        return None
    return None if chunks is None else RegularGrid(chunks)


def _parse_key_encoding(value: Any, key: str, report: Report) -> ChunkKeyEncoding | None:
    named = extension(value, "chunk_key_encoding", report, "ZARR3-KEY-001")
    if named is None:
        return None
    name, configuration = named
    if name not in ("default", "v2"):
        raise UnsupportedError.at(
            key, f"unknown chunk key encoding {name!r}", "ZARR3-KEY-002", "chunk_key_encoding"
        )
    separator = configuration.get("separator", "/" if name == "default" else ".")
    if separator not in ("/", "."):
        report.error(
            "chunk_key_encoding.configuration.separator",
            f"must be '/' or '.' (got {separator!r})",
            "ZARR3-KEY-001",
        )
        return None
    return ChunkKeyEncoding("default" if name == "default" else "v2", separator)


def _check_unknown_members(doc: Mapping[str, Any], known: tuple[str, ...], key: str) -> None:
    """Refuse members the reference does not know unless they say must_understand false (ZARR3-EXT-001)."""
    for member in sorted(set(doc) - set(known)):
        value = doc[member]
        if not (isinstance(value, dict) and value.get("must_understand") is False):
            raise UnsupportedError.at(
                key, f"unknown member {member!r} must be understood", "ZARR3-EXT-001", member
            )


def parse_array(doc: Mapping[str, Any], key: str) -> Parsed[ArrayModel]:
    """The array a ``zarr.json`` document describes, with every problem found."""
    report = Report(key)
    if not require(doc, ARRAY_MEMBERS, report, "ZARR3-META-002"):
        return Parsed(None, report.problems)
    _check_unknown_members(doc, ARRAY_MEMBERS + OPTIONAL_ARRAY_MEMBERS, key)
    shape = int_list(doc, "shape", report, "ZARR3-META-003", minimum=0)
    if shape is not None and math.prod(shape) > MAX_ELEMENTS:
        report.error("shape", f"declares {math.prod(shape)} elements, more than 2**62", "CORE-GRID-005")
    dtype = parse_data_type(doc["data_type"], key, report)
    grid = None if shape is None else _parse_grid(doc, shape, key, report)
    keys = _parse_key_encoding(doc["chunk_key_encoding"], key, report)
    fill = None if dtype is None else _parse_fill(doc["fill_value"], dtype, report)
    codecs = _parse_codecs(doc["codecs"], key, report)
    _check_storage_transformers(doc.get("storage_transformers", []), key, report)
    names = _parse_dimension_names(doc.get("dimension_names"), shape, report)
    attributes = _parse_attributes(doc, report)
    if shape is None or dtype is None or grid is None or keys is None or fill is None or codecs is None:
        return Parsed(None, report.problems)
    if not report.ok():
        return Parsed(None, report.problems)
    _check_chain(codecs, grid, dtype, fill, key, report)
    if not report.ok():
        return Parsed(None, report.problems)
    model = ArrayModel(shape, dtype, grid, keys, fill, codecs, names, attributes)
    return Parsed(model, report.problems)


def _parse_fill(value: Any, dtype: DataType, report: Report) -> bytes | None:
    """The fill value; ``null`` is refused, every Zarr v3 array has one (ZARR3-FILL-001)."""
    if value is None:
        report.error("fill_value", "must not be null: every Zarr v3 array has a fill value", "ZARR3-FILL-001")
        return None
    return decode_fill(value, dtype, ZARR3_FILL, report)


def _parse_codecs(value: Any, key: str, report: Report) -> tuple[Codec, ...] | None:
    if not isinstance(value, list) or not value:
        report.error("codecs", f"must be a non-empty array of codecs (got {value!r})", "ZARR3-CODEC-001")
        return None
    codecs = [parse_codec(item, f"codecs[{i}]", key, report) for i, item in enumerate(value)]
    if any(codec is None for codec in codecs):
        return None
    return tuple(codec for codec in codecs if codec is not None)


def _check_chain(
    codecs: tuple[Codec, ...], grid: RegularGrid, dtype: DataType, fill: bytes, key: str, report: Report
) -> None:
    """The chain's order (CORE-CODEC-001) and each codec's fit to the chunks (the codec chapters)."""
    try:
        pipeline = CodecPipeline.of(codecs)
    except ValueError as error:
        report.error("codecs", str(error), "CORE-CODEC-001")
        return
    spec = ChunkSpec(grid.chunk_shape, dtype.numpy_dtype, fill, grid.chunk_shape, key)
    for index, message, requirement in pipeline.problems(spec):
        report.error(f"codecs[{index}]", message, requirement)


def _check_storage_transformers(value: Any, key: str, report: Report) -> None:
    if not isinstance(value, list):
        report.error("storage_transformers", "must be an array", "ZARR3-META-007")
        return
    for index, item in enumerate(value):
        if not (isinstance(item, dict) and item.get("must_understand") is False):
            raise UnsupportedError.at(
                key,
                f"storage transformer {item!r} is not supported",
                "ZARR3-EXT-001",
                f"storage_transformers[{index}]",
            )


def _parse_dimension_names(
    value: Any, shape: tuple[int, ...] | None, report: Report
) -> tuple[str | None, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(name is None or isinstance(name, str) for name in value):
        report.error("dimension_names", "must be an array of strings or nulls", "ZARR3-META-006")
        return None
    if shape is not None and len(value) != len(shape):
        report.error("dimension_names", f"has {len(value)} entries, shape has {len(shape)}", "ZARR3-META-006")
        return None
    return tuple(value)


def _parse_attributes(doc: Mapping[str, Any], report: Report) -> dict[str, Any]:
    attributes = doc.get("attributes", {})
    if not isinstance(attributes, dict):
        report.error("attributes", f"must be an object, not {type_name(attributes)}", "ZARR3-META-005")
        return {}
    return attributes


def parse_group(doc: Mapping[str, Any], key: str) -> Parsed[GroupModel]:
    """The group a ``zarr.json`` document describes (ZARR3-META-004)."""
    report = Report(key)
    _check_unknown_members(doc, GROUP_MEMBERS, key)
    consolidated = doc.get("consolidated_metadata", {})
    if consolidated is None:
        report.deviation(
            "consolidated_metadata",
            "null is no consolidated metadata; leave the member out",
            "ZARR3-META-008",
            NullConsolidatedMetadataWarning,
        )
    elif not isinstance(consolidated, dict):
        report.error(
            "consolidated_metadata", f"must be an object, not {type_name(consolidated)}", "ZARR3-META-008"
        )
    elif "consolidated_metadata" in doc:
        report.warning(
            "consolidated_metadata", "is not part of the core specification and is ignored", "ZARR3-META-008"
        )
    attributes = _parse_attributes(doc, report)
    return Parsed(GroupModel(attributes) if report.ok() else None, report.problems)


def parse_node(
    documents: Mapping[str, dict[str, Any] | None], prefix: str
) -> Parsed[ArrayModel | GroupModel] | None:
    """The node whose ``zarr.json`` was read at ``prefix``; None when there is none."""
    doc = documents.get(NODE_KEY)
    if doc is None:
        return None
    key = prefix + NODE_KEY
    report = Report(key)
    if doc.get("zarr_format") != 3:
        report.error("zarr_format", f"must be 3 (got {doc.get('zarr_format')!r})", "ZARR3-META-001")
    node_type = doc.get("node_type")
    if node_type not in ("array", "group"):
        report.error("node_type", f"must be 'array' or 'group' (got {node_type!r})", "ZARR3-META-001")
    if not report.ok():
        return Parsed(None, report.problems)
    parsed: Parsed[Any] = parse_array(doc, key) if node_type == "array" else parse_group(doc, key)
    return Parsed(parsed.value, report.problems + parsed.problems)


def encode_node(model: ArrayModel | GroupModel, *, root: bool) -> dict[str, dict[str, Any]]:
    """The ``zarr.json`` of a node."""
    if isinstance(model, GroupModel):
        group: dict[str, Any] = {"zarr_format": 3, "node_type": "group", "attributes": dict(model.attributes)}
        return {NODE_KEY: group}
    if model.data_type.is_structured:
        message = "the reference writes no Zarr v3 structured data_type yet (RFC 0014 designs one)"
        raise UnsupportedError.at(NODE_KEY, message, "ZARR3-DTYPE-002", "data_type")
    if model.data_type.zarr2_only:
        raise UnsupportedError.at(
            NODE_KEY, f"Zarr v3 has no form for {model.data_type.name} arrays", "CORE-VLEN-009", "data_type"
        )
    if model.fill_value is None:
        raise UnsupportedError.at(
            NODE_KEY, "Zarr v3 needs a fill value; give one", "ZARR3-FILL-001", "fill_value"
        )
    for codec in model.codecs:
        if not codec.in_zarr3:
            raise UnsupportedError.at(
                NODE_KEY, f"Zarr v3 has no codec {codec.name}", "CORE-CODEC-003", "codecs"
            )
    encoding = model.chunk_key_encoding
    array: dict[str, Any] = {
        "zarr_format": 3,
        "node_type": "array",
        "shape": list(model.shape),
        "data_type": format_data_type(model.data_type),
        "chunk_grid": {
            "name": "regular",
            "configuration": {"chunk_shape": list(model.chunk_grid.chunk_shape)},
        },
        "chunk_key_encoding": {"name": encoding.name, "configuration": {"separator": encoding.separator}},
        "fill_value": encode_fill(model.fill_value, model.data_type, ZARR3_FILL),
        "codecs": [{"name": codec.name, "configuration": codec.configuration()} for codec in model.codecs],
        "attributes": dict(model.attributes),
    }
    if model.dimension_names is not None:
        array["dimension_names"] = list(model.dimension_names)
    return {NODE_KEY: array}


class Zarr3Dialect(Dialect):
    """Zarr v3: one ``zarr.json`` per node."""

    name = FORMAT
    document_keys = DOCUMENT_KEYS
    group_document = NODE_KEY
    missing_group_requirement = "CORE-NODE-007"

    parse_node = staticmethod(parse_node)
    encode_node = staticmethod(encode_node)

    def is_array(self, documents: Documents) -> bool:
        document = documents.get(NODE_KEY)
        return document is not None and document.get("node_type") == "array"

    def schema_name(self, document_name: str, path: str, document: Mapping[str, Any]) -> str:
        return "zarr3/array" if document.get("node_type") == "array" else "zarr3/group"

    def check_new_name(self, name: str, path: str) -> None:
        check_new_name(name, path)


ZARR3: Final = Zarr3Dialect()

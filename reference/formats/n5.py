"""N5: ``attributes.json`` to the core model and back (spec/formats/n5.md).

The dialect's differences from the core model, each converted here and nowhere else: the array's
shape is ``dimensions`` exactly as declared and chunk positions keep that order (N5-AXIS-001);
blocks are written by the ``n5.block`` codec (header, big-endian elements, first axis fastest);
block keys are the positions joined by ``/`` (N5-KEY-001); there is no fill value, missing blocks
read as zero (N5-FILL-001); and user attributes share the document with the reserved keys.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Final

from zn5.reference.codecs.base import BytesBytesCodec, Codec
from zn5.reference.codecs.blosc import SHUFFLES, Blosc
from zn5.reference.codecs.bz2 import Bz2
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.lz4 import Lz4
from zn5.reference.codecs.lzma import Lzma
from zn5.reference.codecs.n5_block import N5Block
from zn5.reference.codecs.n5_lz4 import N5Lz4
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.codecs.zstd import Zstd
from zn5.reference.errors import Problem, UnsupportedError
from zn5.reference.formats.base import Dialect, Documents, SchemaDeviation
from zn5.reference.formats.chain import ChainOptions
from zn5.reference.formats.deviations import (
    LegacyCompressionTypeWarning,
    NumcodecsLz4InN5Warning,
    UnknownCodecMemberWarning,
)
from zn5.reference.formats.documents import Parsed, Report, int_list, is_int, type_name
from zn5.reference.model.dtype import DataType
from zn5.reference.model.grid import RegularGrid
from zn5.reference.model.keys import ChunkKeyEncoding, KeyEncodingName, Separator
from zn5.reference.model.node import MAX_ELEMENTS, ArrayModel, GroupModel

FORMAT = "n5"
NODE_KEY = "attributes.json"
DOCUMENT_KEYS = (NODE_KEY,)
VERSION = "4.0.0"
MAX_BLOCK_BYTES = 2**31 - 1
"""The largest block N5 can hold: N5 Java keeps a block's bytes in one Java array (N5-META-007)."""
DATASET_KEYS = ("dimensions", "blockSize", "dataType", "compression")
RESERVED_KEYS = (*DATASET_KEYS, "compressionType", "n5")
DATA_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float32", "float64")
KEY_ENCODING = ChunkKeyEncoding("v2", "/")

Builder = Callable[[Mapping[str, Any]], BytesBytesCodec | None]


def _gzip(config: Mapping[str, Any]) -> BytesBytesCodec:
    level = config.get("level", -1)
    level = 6 if level == -1 else level
    codec = Zlib if config.get("useZlib", False) is True else Gzip
    return codec.from_configuration({"level": level})


def _blosc(config: Mapping[str, Any]) -> BytesBytesCodec:
    shuffle = config.get("shuffle", 0)
    if not is_int(shuffle) or not 0 <= shuffle < len(SHUFFLES):
        raise ValueError(f"shuffle must be 0, 1 or 2 (got {shuffle!r})")
    codec = Blosc.from_configuration(
        {
            "cname": config.get("cname", "blosclz"),
            "clevel": config.get("clevel", 6),
            "shuffle": SHUFFLES[shuffle],
            "typesize": config.get("typesize", 1),
            "blocksize": config.get("blocksize", 0),
        }
    )
    return replace(codec, typesize_in_metadata="typesize" in config)


COMPRESSIONS: Mapping[str, tuple[tuple[str, ...], Builder]] = {
    "raw": ((), lambda config: None),
    "gzip": (("level", "useZlib"), _gzip),
    "bzip2": (("blockSize",), lambda config: Bz2.from_configuration({"level": config.get("blockSize", 9)})),
    "xz": (("preset",), lambda config: Lzma.from_configuration({"preset": config.get("preset", 6)})),
    "blosc": (("cname", "clevel", "shuffle", "blocksize", "nthreads", "typesize"), _blosc),
    "zstd": (("level",), lambda config: Zstd.from_configuration({"level": config.get("level", 3)})),
    "lz4": (
        ("blockSize",),
        lambda config: N5Lz4.from_configuration({"blockSize": config.get("blockSize", 65536)}),
    ),
}


def _numcodecs_lz4(compression: Mapping[str, Any], report: Report) -> tuple[BytesBytesCodec, ...] | None:
    """zarr-python 2's N5Store writes a numcodecs lz4 compressor as ``{"type": "lz4", "id": "lz4",
    "acceleration": 1}`` and its chunks in numcodecs' framing (a 4-byte little-endian size, then one LZ4
    block), not in lz4-java's block stream (CODEC-N5LZ4-001); the ``id`` member tells them apart, and the
    payload is read as numcodecs lz4 with a deviation (CORE-DEVIATION-014)."""
    report.deviation(
        "compression.id",
        "numcodecs' lz4 framing under N5's lz4 name (zarr-python 2); N5 readers expect lz4-java's stream",
        "CODEC-N5LZ4-001",
        NumcodecsLz4InN5Warning,
    )
    try:
        return (Lz4.from_configuration({"acceleration": compression.get("acceleration", 1)}),)
    except ValueError as error:
        report.error("compression.acceleration", f"lz4: {error}", "N5-CODEC-003")
        return None


def parse_compression(doc: Mapping[str, Any], key: str, report: Report) -> tuple[BytesBytesCodec, ...] | None:
    """The codec of ``compression`` (N5-CODEC-001); legacy ``compressionType`` is read with a deviation."""
    compression = doc.get("compression")
    if compression is None and isinstance(doc.get("compressionType"), str):
        report.deviation(
            "compressionType",
            "legacy key; write a compression object",
            "N5-CODEC-001",
            LegacyCompressionTypeWarning,
        )
        compression = {"type": doc["compressionType"]}
    if not isinstance(compression, dict) or not isinstance(compression.get("type"), str):
        report.error(
            "compression", f"must be an object with a string 'type' (got {compression!r})", "N5-CODEC-001"
        )
        return None
    kind = compression["type"]
    if kind == "lz4" and compression.get("id") == "lz4":
        return _numcodecs_lz4(compression, report)
    if kind not in COMPRESSIONS:
        raise UnsupportedError.at(
            key, f"unknown compression type {kind!r}", "N5-CODEC-002", "compression.type"
        )
    members, build = COMPRESSIONS[kind]
    config = {name: value for name, value in compression.items() if name != "type"}
    for extra in sorted(set(config) - set(members)):
        report.deviation(
            f"compression.{extra}",
            f"unknown member of {kind} is ignored",
            "N5-CODEC-003",
            UnknownCodecMemberWarning,
        )
    try:
        codec = build(config)
    except ValueError as error:
        report.error("compression", f"{kind}: {error}", "N5-CODEC-003")
        return None
    return () if codec is None else (codec,)


def format_compression(codecs: tuple[BytesBytesCodec, ...]) -> dict[str, Any]:
    """The ``compression`` object of a block codec's compression."""
    if not codecs:
        return {"type": "raw"}
    codec = codecs[0]
    if isinstance(codec, Gzip | Zlib):
        return {"type": "gzip", "level": codec.level, "useZlib": isinstance(codec, Zlib)}
    if isinstance(codec, Bz2):
        return {"type": "bzip2", "blockSize": codec.level}
    if isinstance(codec, Lzma):
        return {"type": "xz", "preset": codec.preset}
    if isinstance(codec, Blosc):
        return {  # n5-blosc always compresses with type size 1 and has no member for it (CODEC-BLOSC-005)
            "type": "blosc",
            "cname": codec.cname,
            "clevel": codec.clevel,
            "shuffle": SHUFFLES.index(codec.shuffle),
            "blocksize": codec.blocksize,
            "nthreads": 1,
        }
    if isinstance(codec, Zstd) and codec.checksum:
        raise UnsupportedError.at(
            NODE_KEY, "N5 zstd (n5-zstandard) has no checksum member", "N5-CODEC-002", "compression"
        )
    if isinstance(codec, Zstd):
        return {"type": "zstd", "level": codec.level}
    if isinstance(codec, N5Lz4):
        return {"type": "lz4", "blockSize": codec.block_size}
    raise UnsupportedError.at(
        NODE_KEY, f"N5 has no compression for {codec.name}", "N5-CODEC-002", "compression"
    )


def is_dataset(doc: Mapping[str, Any]) -> bool:
    """Whether attributes describe a dataset: any dataset key makes it one (N5-META-002)."""
    return any(name in doc for name in ("dimensions", "dataType", "blockSize"))


def parse_dataset(doc: Mapping[str, Any], key: str) -> Parsed[ArrayModel]:
    """The array an N5 dataset's attributes describe, with every problem found."""
    report = Report(key)
    for name in ("dimensions", "blockSize", "dataType"):
        if name not in doc:
            report.error(name, "is required in a dataset's attributes", "N5-META-002")
    if not report.ok():
        return Parsed(None, report.problems)
    shape = int_list(doc, "dimensions", report, "N5-META-003", minimum=0)
    blocks = int_list(doc, "blockSize", report, "N5-META-004", minimum=1)
    if shape is not None and blocks is not None and len(blocks) != len(shape):
        report.error("blockSize", f"has {len(blocks)} entries, dimensions has {len(shape)}", "N5-META-004")
    if shape == ():
        raise UnsupportedError.at(key, "N5 has no zero-dimensional datasets", "N5-META-003", "dimensions")
    if shape is not None and math.prod(shape) > MAX_ELEMENTS:
        report.error("dimensions", f"declares {math.prod(shape)} elements, more than 2**62", "CORE-GRID-005")
    data_type = doc["dataType"]
    if data_type in ("object", "string"):
        raise UnsupportedError.at(
            key, f"dataType {data_type!r} is outside the core model", "N5-DTYPE-002", "dataType"
        )
    if data_type not in DATA_TYPES:
        report.error("dataType", f"must be one of {list(DATA_TYPES)} (got {data_type!r})", "N5-DTYPE-001")
    compression = parse_compression(doc, key, report)
    if not report.ok() or shape is None or blocks is None or compression is None:
        return Parsed(None, report.problems)
    dtype = DataType.of(data_type)
    if math.prod(blocks) * dtype.itemsize > MAX_BLOCK_BYTES:
        report.error(
            "blockSize",
            f"describes blocks of {math.prod(blocks) * dtype.itemsize} bytes, more than 2**31 - 1",
            "N5-META-007",
        )
        return Parsed(None, report.problems)
    model = ArrayModel(
        shape=shape,
        data_type=dtype,
        chunk_grid=RegularGrid(blocks),
        chunk_key_encoding=KEY_ENCODING,
        fill_value=dtype.zeros_bytes(),
        codecs=(N5Block(compression),),
        attributes=user_attributes(doc),
    )
    return Parsed(model, report.problems)


def user_attributes(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes that are not reserved keys (N5-META-005)."""
    return {name: value for name, value in doc.items() if name not in RESERVED_KEYS}


def parse_node(
    documents: Mapping[str, dict[str, Any] | None], prefix: str
) -> Parsed[ArrayModel | GroupModel] | None:
    """The node whose ``attributes.json`` was read at ``prefix``; None without one (an implicit group)."""
    doc = documents.get(NODE_KEY)
    if doc is None:
        return None
    key = prefix + NODE_KEY
    if is_dataset(doc):
        dataset = parse_dataset(doc, key)
        return Parsed(dataset.value, dataset.problems)
    report = Report(key)
    version = doc.get("n5")
    if version is not None and not (isinstance(version, str) and version.split(".")[0].isdigit()):
        report.warning(
            "n5", f"should be a version such as '4.0.0' (got {type_name(version)} {version!r})", "N5-META-001"
        )
    return Parsed(GroupModel(user_attributes(doc)), report.problems)


def check_root(documents: Mapping[str, dict[str, Any] | None]) -> None:
    """Refuse a container whose root declares an N5 major version above 4 (N5-ROOT-002).

    An absent root document or ``"n5"`` member is accepted (N5-ROOT-001).
    """
    root = documents.get(NODE_KEY)
    version = None if root is None else root.get("n5")
    major = version.split(".")[0] if isinstance(version, str) else ""
    if major.isdigit() and int(major) > int(VERSION.split(".")[0]):
        raise UnsupportedError.at(
            NODE_KEY, f"N5 version {version} is newer than this reader's {VERSION}", "N5-ROOT-002", "n5"
        )


def encode_node(model: ArrayModel | GroupModel, *, root: bool) -> dict[str, dict[str, Any]]:
    """The ``attributes.json`` of a node; the root group records the N5 version (N5-META-001)."""
    reserved_in_use = sorted(set(model.attributes) & set(RESERVED_KEYS))
    if reserved_in_use:
        raise UnsupportedError.at(
            NODE_KEY, f"attribute {reserved_in_use[0]!r} is reserved in N5", "N5-META-005"
        )
    if isinstance(model, GroupModel):
        return {NODE_KEY: {**({"n5": VERSION} if root else {}), **model.attributes}}
    block = model.codecs[0] if len(model.codecs) == 1 else None
    if not isinstance(block, N5Block) or model.chunk_key_encoding != KEY_ENCODING:
        raise UnsupportedError.at(
            NODE_KEY, "N5 stores blocks only with its own block layout and keys", "N5-BLOCK-001"
        )
    if model.data_type.zarr2_only:
        raise UnsupportedError.at(
            NODE_KEY, f"N5 has no form for {model.data_type.name} arrays", "CORE-VLEN-009", "data_type"
        )
    if model.data_type.name not in DATA_TYPES:
        raise UnsupportedError.at(NODE_KEY, f"N5 has no data type {model.data_type.name}", "N5-DTYPE-001")
    if model.fill_value not in (None, model.data_type.zeros_bytes()):
        raise UnsupportedError.at(NODE_KEY, "N5 has no fill value other than zero", "N5-FILL-001")
    dataset = {
        "dimensions": list(model.shape),
        "blockSize": list(model.chunk_grid.chunk_shape),
        "dataType": model.data_type.name,
        "compression": format_compression(block.compression),
        **model.attributes,
    }
    return {NODE_KEY: dataset}


def _no_version(key: str, location: str, message: str) -> Problem:
    """A container whose root records no N5 version: a deviation readers must read (N5-ROOT-001)."""
    return Problem(key, location, message, "N5-META-001", "deviation", "N5-ROOT-001")


class N5Dialect(Dialect):
    """N5: one ``attributes.json`` per node; a prefix that holds keys is a group."""

    name = FORMAT
    document_keys = DOCUMENT_KEYS
    implicit_groups = True
    schema_deviations = (
        SchemaDeviation(
            "additionalProperties",
            re.compile(r"^compression\.[^.\[]+$"),
            "N5-CODEC-003",
            "unknown extra members in a compression object (zarr-python 2's N5 zstd)",
            UnknownCodecMemberWarning,
        ),
        SchemaDeviation(
            "required",
            re.compile(r"^compression$"),
            "N5-CODEC-001",
            "the legacy compressionType key instead of compression (N5 before 1.0)",
            LegacyCompressionTypeWarning,
            lambda document, location, value: isinstance(document.get("compressionType"), str),
        ),
    )

    parse_node = staticmethod(parse_node)
    encode_node = staticmethod(encode_node)

    def is_array(self, documents: Documents) -> bool:
        document = documents.get(NODE_KEY)
        return document is not None and is_dataset(document)

    def schema_name(self, document_name: str, path: str, document: Mapping[str, Any]) -> str:
        if path == "":
            return "n5/root"
        return "n5/dataset" if is_dataset(document) else "n5/group"

    def key_encoding(self, name: KeyEncodingName | None, separator: Separator | None) -> ChunkKeyEncoding:
        """Block keys are the positions joined by ``/`` whatever is asked (N5-KEY-001)."""
        return KEY_ENCODING

    def new_codecs(self, options: ChainOptions) -> tuple[Codec, ...]:
        """The ``n5.block`` codec with the compressor alone; order, filters and endian do not apply."""
        compressor = options.compressor
        return (N5Block((compressor,) if isinstance(compressor, BytesBytesCodec) else ()),)

    def check_root(self, root_documents: Callable[[], Documents]) -> None:
        check_root(root_documents())

    def root_problems(self, documents: Documents) -> list[Problem]:
        document = documents.get(NODE_KEY)
        if document is None or "n5" in document:
            return []
        return [_no_version(NODE_KEY, "n5", "the root does not record the N5 version (tensorstore)")]

    def rootless_problems(self) -> list[Problem]:
        message = "the root has no attributes.json recording the N5 version (tensorstore)"
        return [_no_version(NODE_KEY, "", message)]


N5: Final = N5Dialect()

"""The codec table: canonical names, Zarr v2 ids and N5 compression types, each mapped to one class.

Adding a codec means writing its module and listing its class here; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zn5.reference.codecs.adler32 import Adler32
from zn5.reference.codecs.astype import AsType
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.bitround import BitRound
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.bz2 import Bz2
from zn5.reference.codecs.categorize import Categorize
from zn5.reference.codecs.crc32 import Crc32
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.delta import Delta
from zn5.reference.codecs.fixedscaleoffset import FixedScaleOffset
from zn5.reference.codecs.fletcher32 import Fletcher32
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.jenkins_lookup3 import JenkinsLookup3
from zn5.reference.codecs.json_values import Json2, MsgPack2
from zn5.reference.codecs.lz4 import Lz4
from zn5.reference.codecs.lzma import Lzma
from zn5.reference.codecs.n5_block import N5Block
from zn5.reference.codecs.n5_lz4 import N5Lz4
from zn5.reference.codecs.packbits import PackBits
from zn5.reference.codecs.quantize import Quantize
from zn5.reference.codecs.sharding import Sharding
from zn5.reference.codecs.shuffle import Shuffle
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.codecs.vlen import VlenBytes, VlenUtf8
from zn5.reference.codecs.vlen_array import VlenArray
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.codecs.zstd import Zstd
from zn5.reference.errors import MetadataError, UnsupportedError

CODECS: tuple[type[Codec], ...] = (
    BytesCodec,
    Transpose,
    Gzip,
    Zlib,
    Bz2,
    Lzma,
    Zstd,
    Blosc,
    Lz4,
    Crc32c,
    Crc32,
    Delta,
    Sharding,
    N5Block,
    N5Lz4,
    # numcodecs filters and checksums (spec/codecs/filters.md)
    FixedScaleOffset,
    Quantize,
    BitRound,
    AsType,
    PackBits,
    Shuffle,
    Fletcher32,
    Adler32,
    JenkinsLookup3,
    # variable-length data (spec/codecs/vlen.md)
    VlenUtf8,
    VlenBytes,
    Categorize,
    # ragged arrays and JSON values (spec/codecs/vlen-array.md, json2.md, msgpack2.md)
    VlenArray,
    Json2,
    MsgPack2,
)
BY_NAME: Mapping[str, type[Codec]] = {codec.name: codec for codec in CODECS}
BY_V2_ID: Mapping[str, type[Codec]] = {alias: codec for codec in CODECS for alias in codec.v2_ids}
BY_N5_TYPE: Mapping[str, type[Codec]] = {alias: codec for codec in CODECS for alias in codec.n5_types}
CODE_RUNNING = frozenset({"pickle", "numcodecs.pickle"})
"""Codec names whose decoding runs code chosen by whoever wrote the data: never decoded (CORE-VLEN-005)."""


def refuse_code_running(name: str, *, key: str, location: str) -> None:
    """Refuse, before anything is decoded, a codec whose decoding would run code (CORE-VLEN-005)."""
    if name in CODE_RUNNING:
        raise UnsupportedError.at(
            key,
            f"the {name!r} codec is refused: unpickling runs code chosen by whoever wrote the data",
            "CORE-VLEN-005",
            location,
        )


def build(codec: type[Codec], configuration: Mapping[str, Any], *, key: str, location: str) -> Codec:
    """Build ``codec`` from its canonical configuration; a bad member is a MetadataError (CORE-CODEC-006)."""
    try:
        return codec.from_configuration(configuration)
    except ValueError as error:
        raise MetadataError.at(key, f"{codec.name}: {error}", "CORE-CODEC-006", location) from None


def from_name(name: str, configuration: Mapping[str, Any], *, key: str, location: str) -> Codec:
    """The codec with canonical ``name``; an unknown name is unsupported (CORE-CODEC-003)."""
    codec = BY_NAME.get(name)
    if codec is None:
        raise UnsupportedError.at(key, f"unknown codec {name!r}", "CORE-CODEC-003", location)
    return build(codec, configuration, key=key, location=location)

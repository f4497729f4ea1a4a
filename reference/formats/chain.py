"""The codec chain of a new array built from ``create_array``'s options; this one is Zarr's (v2 and v3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from zn5.reference.codecs.base import ArrayArrayCodec, BytesBytesCodec, Codec
from zn5.reference.codecs.bytes import BytesCodec, Endian
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.codecs.vlen import VlenBytes, VlenUtf8
from zn5.reference.model.dtype import DataType


@dataclass(frozen=True)
class ChainOptions:
    """What ``create_array`` was given to build a codec chain from, when it was given no chain."""

    ndim: int
    dtype: DataType
    order: str
    filters: Sequence[Codec]
    compressor: Codec | None
    endian: Endian


def standard_chain(options: ChainOptions) -> tuple[Codec, ...]:
    """The Zarr chain: [transpose for order F], array filters, bytes, byte filters, compressor."""
    dtype, filters, compressor = options.dtype, options.filters, options.compressor
    layout: list[Codec] = (
        [Transpose.reversing(options.ndim)] if options.order == "F" and options.ndim > 1 else []
    )
    array_filters = [codec for codec in filters if isinstance(codec, ArrayArrayCodec)]
    byte_filters = [codec for codec in filters if isinstance(codec, BytesBytesCodec)]
    serialiser: Codec = BytesCodec(options.endian if dtype.has_byte_order else None)
    if dtype.is_variable:
        serialiser = VlenUtf8() if dtype.kind == "T" else VlenBytes()
    return (*layout, *array_filters, serialiser, *byte_filters, *([compressor] if compressor else []))

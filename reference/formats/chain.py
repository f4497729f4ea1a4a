"""The codec chain of a new array built from ``create_array``'s options; this one is Zarr's (v2 and v3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from zn5.reference.codecs.base import ArrayArrayCodec, BytesBytesCodec, Codec
from zn5.reference.codecs.bytes import BytesCodec, Endian, with_endian
from zn5.reference.codecs.json_values import Json2
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.codecs.vlen import VlenBytes, VlenUtf8
from zn5.reference.codecs.vlen_array import VlenArray
from zn5.reference.model.dtype import DataType, ragged_items


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
    serialiser = (
        variable_serialiser(dtype, options.endian)
        if dtype.is_variable
        else BytesCodec(options.endian if dtype.has_byte_order else None)
    )
    return (*layout, *array_filters, serialiser, *byte_filters, *([compressor] if compressor else []))


def variable_serialiser(dtype: DataType, endian: Endian) -> Codec:
    """The array→bytes codec of a variable-length type: ``vlen-utf8``, ``vlen-bytes``, ``vlen-array``
    with its items in ``endian`` byte order, or ``json2`` (CORE-VLEN-002, ZARR2-VLEN-007)."""
    if dtype.kind == "T":
        return VlenUtf8()
    if dtype.name == "json":
        return Json2()
    if dtype.is_ragged:
        items = ragged_items(dtype.numpy_dtype)
        return VlenArray(with_endian(items, endian).str)
    return VlenBytes()

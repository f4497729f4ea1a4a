"""Decompression that stops at a size bound, so a hostile chunk cannot exhaust memory (CORE-CODEC-004)."""

from __future__ import annotations

import bz2
import lzma
import zlib

from zn5.reference.errors import ChunkError


def too_large(key: str, codec: str, max_size: int) -> ChunkError:
    """The error for a chunk that decodes to more than its representation allows."""
    return ChunkError.at(  # type: ignore[return-value]
        key, f"{codec} data decodes to more than the {max_size} bytes the chunk can hold", "CORE-CODEC-004"
    )


def corrupt(key: str, codec: str, reason: object, requirement: str = "CORE-CODEC-005") -> ChunkError:
    """The error for encoded bytes a codec cannot decode."""
    return ChunkError.at(key, f"{codec} data cannot be decoded: {reason}", requirement)  # type: ignore[return-value]


def inflate(data: bytes, *, wbits: int, max_size: int, key: str, codec: str, members: bool) -> bytes:
    """Inflate a zlib (``wbits=15``) or gzip (``wbits=31``) stream; ``members``: allow several."""
    return inflate_counted(data, wbits=wbits, max_size=max_size, key=key, codec=codec, members=members)[0]


def inflate_counted(
    data: bytes, *, wbits: int, max_size: int, key: str, codec: str, members: bool
) -> tuple[bytes, int]:
    """:func:`inflate`, and how many streams (gzip members) the value held. The streams' outputs are
    joined once at the end, so the usual single stream's output is returned without a copy."""
    parts: list[bytes] = []
    size, remaining = 0, data
    try:
        while True:
            stream = zlib.decompressobj(wbits)
            parts.append(stream.decompress(remaining, max_size + 1 - size))
            size += len(parts[-1])
            if size > max_size or stream.unconsumed_tail:
                raise too_large(key, codec, max_size)
            if not stream.eof:
                raise corrupt(key, codec, "the stream ends early")
            remaining = stream.unused_data
            if not remaining or not members:
                break
    except zlib.error as error:
        raise corrupt(key, codec, error) from None
    if remaining:
        raise corrupt(key, codec, f"{len(remaining)} bytes follow the end of the stream")
    return b"".join(parts), len(parts)


def decompress_stdlib(data: bytes, *, module: str, max_size: int, key: str) -> bytes:
    """Decompress a bzip2 (``module="bz2"``) or xz/lzma (``module="lzma"``) stream of one or more parts."""
    out = bytearray()
    remaining = data
    errors = (OSError, EOFError, ValueError, lzma.LZMAError)
    try:
        while remaining:
            stream: bz2.BZ2Decompressor | lzma.LZMADecompressor = (
                bz2.BZ2Decompressor() if module == "bz2" else lzma.LZMADecompressor()
            )
            out += stream.decompress(remaining, max_size + 1 - len(out))
            if len(out) > max_size or (not stream.eof and not stream.needs_input):
                raise too_large(key, module, max_size)
            if not stream.eof:
                raise corrupt(key, module, "the stream ends early")
            remaining = stream.unused_data
    except ChunkError:
        raise
    except errors as error:
        raise corrupt(key, module, error) from None
    return bytes(out)

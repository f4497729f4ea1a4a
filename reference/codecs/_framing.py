"""How many DEFLATE streams a stored value holds, walked without keeping what they decompress to.

The stored-bytes checks of ``gzip`` and ``zlib`` (CODEC-GZIP-001, CODEC-ZLIB-001) count members and
trailing bytes; decoding, which keeps the output, is bounded separately (CORE-CODEC-004).
"""

from __future__ import annotations

import zlib
from typing import NamedTuple

STEP = 1 << 16
"""Bytes of output inflated at a time and then dropped."""


class Streams(NamedTuple):
    """What a walk over concatenated streams found: complete streams, and bytes after the last one."""

    streams: int
    trailing: int


def _walk_one(data: bytes, wbits: int) -> bytes | None:
    """Inflate one stream at the start of ``data``, dropping its output; the bytes after it, or None
    when the stream is damaged or ends early."""
    stream = zlib.decompressobj(wbits)
    pending = data
    try:
        while pending and not stream.eof:
            stream.decompress(pending, STEP)
            pending = stream.unconsumed_tail
        while not stream.eof and stream.decompress(b"", STEP):
            pass
    except zlib.error:
        return None
    return stream.unused_data if stream.eof else None


def count_streams(data: bytes, wbits: int, magic: bytes = b"") -> Streams | None:
    """The streams of ``data`` one after another (``wbits`` 31 for gzip members, 15 for zlib), while
    what follows starts with ``magic`` (every stream when empty); None when the first is damaged."""
    count, remaining = 0, data
    while True:
        rest = _walk_one(remaining, wbits)
        if rest is None:
            return None if count == 0 else Streams(count, len(remaining))
        count, remaining = count + 1, rest
        if not remaining or (magic and not remaining.startswith(magic)) or not magic:
            return Streams(count, len(remaining))

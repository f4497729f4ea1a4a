"""The ``gzip`` codec: an RFC 1952 gzip member (spec/codecs/gzip.md).

Readers accept concatenated members (N5 Java writes them). Writers set MTIME to zero, so that equal
input gives equal bytes (CODEC-GZIP-003).
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zn5.reference.codecs._bounded import corrupt, inflate, inflate_counted
from zn5.reference.codecs._config import check_members, integer
from zn5.reference.codecs._framing import count_streams
from zn5.reference.codecs.base import BytesBytesCodec, ChunkSpec, StoredProblem
from zn5.reference.codecs.zlib import is_zlib_header as is_zlib_start

MAGIC = b"\x1f\x8b"
DEFLATE = 8
"""The header's compression method byte (CM); RFC 1952 defines no other."""
FNAME = 0x08
"""The flag bit (FLG) of a member whose header carries a file name."""


@dataclass(frozen=True)
class Gzip(BytesBytesCodec):
    """gzip compression at ``level`` 0 to 9 (CODEC-GZIP-001)."""

    name = "gzip"
    v2_ids = ("gzip",)
    n5_types = ("gzip",)
    level: int = 5

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Gzip:
        check_members(configuration, {"level"})
        return cls(level=integer(configuration, "level", low=0, high=9))

    def configuration(self) -> dict[str, Any]:
        return {"level": self.level}

    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        return gzip.compress(data, compresslevel=self.level, mtime=0)

    def stored_problems(self, data: bytes, spec: ChunkSpec) -> list[StoredProblem]:
        """The value must be one gzip member (CODEC-GZIP-001), not a zlib or raw DEFLATE stream and not
        several members; a member with a modification time or a file name breaks CODEC-GZIP-003."""
        if len(data) < 10 or not data.startswith(MAGIC) or data[2] != DEFLATE:
            found = (
                "a zlib stream"
                if is_zlib_start(data)
                else f"bytes starting {data[:3].hex(' ') or 'with nothing'}"
            )
            message = f"the value is {found}, not a gzip member (1f 8b 08)"
            return [StoredProblem(message, "CODEC-GZIP-001")]
        streams = count_streams(data, 31, MAGIC)
        return _member_problems(data, 1 if streams is None else streams.streams)

    def checked_decode(
        self, data: bytes, spec: ChunkSpec, max_size: int
    ) -> tuple[bytes, list[StoredProblem]]:
        """:meth:`decode`, counting the members as it inflates them, and the problems of a value that
        decodes: several members (CODEC-GZIP-001), a header with a time or a name (CODEC-GZIP-003)."""
        self._check_magic(data, spec)
        decoded, members = inflate_counted(
            data, wbits=31, max_size=max_size, key=spec.key, codec="gzip", members=True
        )
        return decoded, _member_problems(data, members)

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        self._check_magic(data, spec)
        return inflate(data, wbits=31, max_size=max_size, key=spec.key, codec="gzip", members=True)

    @staticmethod
    def _check_magic(data: bytes, spec: ChunkSpec) -> None:
        if not data.startswith(MAGIC):  # a zlib stream (78 ..) is the usual mistake (CODEC-GZIP-001)
            reason = f"the bytes start with {data[:2].hex(' ') or 'nothing'}, not a gzip member's 1f 8b"
            raise corrupt(spec.key, "gzip", reason, "CODEC-GZIP-001")


def _member_problems(data: bytes, members: int) -> list[StoredProblem]:
    """What a gzip value of ``members`` members, whose first header starts ``data``, breaks: one member
    (CODEC-GZIP-001), no modification time or file name in the header (CODEC-GZIP-003)."""
    problems = []
    if members > 1:
        message = f"the value holds {members} gzip members; a writer writes one"
        problems.append(StoredProblem(message, "CODEC-GZIP-001"))
    mtime = int.from_bytes(data[4:8], "little")
    if mtime or data[3] & FNAME:
        what = f"modification time {mtime}" if mtime else "a file name"
        message = f"the gzip header records {what}, so equal input gives different bytes"
        problems.append(StoredProblem(message, "CODEC-GZIP-003", "warning"))
    return problems

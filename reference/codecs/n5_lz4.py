"""N5's ``lz4`` compression: the lz4-java block stream (spec/codecs/n5-lz4.md).

This is what N5 Java writes through lz4-java's ``LZ4BlockOutputStream``; it is not the numcodecs
``lz4`` format. The stream is a sequence of blocks, each with a 21-byte little-endian header::

    offset 0   8 bytes  magic "LZ4Block"
    offset 8   1 byte   token: method (0x10 raw, 0x20 lz4) | level (log2(block size) - 10)
    offset 9   4 bytes  compressed length
    offset 13  4 bytes  decompressed length
    offset 17  4 bytes  XXH32 (seed 0x9747B28C) of the decompressed bytes, masked to 28 bits

and ends with an empty raw block whose lengths and checksum are zero (CODEC-N5LZ4-001).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import lz4.block
import xxhash

from zn5.reference.codecs._bounded import corrupt, too_large
from zn5.reference.codecs._config import check_members, integer
from zn5.reference.codecs.base import BytesBytesCodec, ChunkSpec

MAGIC = b"LZ4Block"
HEADER = struct.Struct("<8sBiii")
METHOD_RAW = 0x10
METHOD_LZ4 = 0x20
SEED = 0x9747B28C
CHECKSUM_MASK = 0x0FFFFFFF
REJECT = "CODEC-N5LZ4-003"
"""The requirement a stream that cannot be decoded breaks."""


def _checksum(data: bytes) -> int:
    return xxhash.xxh32_intdigest(data, seed=SEED) & CHECKSUM_MASK


def _level(block_size: int) -> int:
    return max(0, (block_size - 1).bit_length() - 10)


@dataclass(frozen=True)
class N5Lz4(BytesBytesCodec):
    """lz4-java block stream with blocks of at most ``blockSize`` bytes (CODEC-N5LZ4-001)."""

    name = "n5.lz4"
    n5_types = ("lz4",)
    in_zarr3 = False
    block_size: int = 65536

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> N5Lz4:
        check_members(configuration, {"blockSize"})
        return cls(block_size=integer(configuration, "blockSize", low=64, high=2**25, default=65536))

    def configuration(self) -> dict[str, Any]:
        return {"blockSize": self.block_size}

    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        level = _level(self.block_size)
        out = bytearray()
        for start in range(0, len(data), self.block_size):
            block = data[start : start + self.block_size]
            packed = lz4.block.compress(block, mode="fast", store_size=False)
            method, payload = (METHOD_LZ4, packed) if len(packed) < len(block) else (METHOD_RAW, block)
            out += HEADER.pack(MAGIC, method | level, len(payload), len(block), _checksum(block))
            out += payload
        out += HEADER.pack(MAGIC, METHOD_RAW | level, 0, 0, 0)
        return bytes(out)

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        out = bytearray()
        offset = 0
        while True:
            if len(data) - offset < HEADER.size:
                raise corrupt(spec.key, "n5 lz4", f"a block header at byte {offset} is cut short", REJECT)
            magic, token, compressed, original, checksum = HEADER.unpack_from(data, offset)
            offset += HEADER.size
            if magic != MAGIC:
                raise corrupt(
                    spec.key, "n5 lz4", f"bad magic {magic!r} at byte {offset - HEADER.size}", REJECT
                )
            if original == 0 and compressed == 0:
                break
            if original < 0 or compressed < 0 or offset + compressed > len(data):
                raise corrupt(
                    spec.key, "n5 lz4", f"block lengths {compressed}/{original} do not fit the data", REJECT
                )
            if len(out) + original > max_size:
                raise too_large(spec.key, "n5 lz4", max_size)
            out += self._decode_block(data[offset : offset + compressed], token & 0xF0, original, spec.key)
            if _checksum(bytes(out[-original:])) != checksum:
                raise corrupt(
                    spec.key,
                    "n5 lz4",
                    f"checksum mismatch in the block at byte {offset - HEADER.size}",
                    REJECT,
                )
            offset += compressed
        if offset != len(data):
            raise corrupt(spec.key, "n5 lz4", f"{len(data) - offset} bytes follow the end block")
        return bytes(out)

    @staticmethod
    def _decode_block(payload: bytes, method: int, original: int, key: str) -> bytes:
        if method == METHOD_RAW:
            if len(payload) != original:
                raise corrupt(key, "n5 lz4", "a raw block's lengths differ", REJECT)
            return payload
        if method != METHOD_LZ4:
            raise corrupt(key, "n5 lz4", f"unknown compression method 0x{method:02x}", REJECT)
        try:
            block = lz4.block.decompress(payload, uncompressed_size=original)
        except lz4.block.LZ4BlockError as error:
            raise corrupt(key, "n5 lz4", error, REJECT) from None
        if len(block) != original:
            raise corrupt(key, "n5 lz4", "a block decodes to a size other than declared", REJECT)
        return bytes(block)

"""N5 ``lz4`` against bytes that lz4-java 1.8.0 really wrote (CODEC-N5LZ4-001).

The golden files in ``golden/n5-lz4/`` come from ``new LZ4BlockOutputStream(out, blockSize)``, written and
closed, which is exactly what N5 Java's ``Lz4Compression.encode`` does (default blockSize ``1 << 16``).
``golden/lz4-java/`` holds the generator and says how to run it again; ``cases.json`` names each case's block
size. lz4-java picks its JNI compressor (bundled liblz4 1.9.3) there; where its pure-Java port picks other
matches, that stream is kept too as ``<name>.java-port.lz4``: both are real N5 Java output.

Decoding must give the input back from every stream. Encoding must reproduce lz4-java's layout (block split,
tokens, decompressed lengths, checksums, raw blocks, end block); the compressed payload of an lz4 block is the
encoder's choice (CODEC-N5LZ4-001): lz4-java's own JNI and Java-port compressors already differ there, and
the reference (python-lz4) picks other matches than liblz4's one-shot ``LZ4_compress_default`` on some
inputs, so payloads are compared after decompression.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lz4.block
import numpy as np
import pytest

from zn5.reference.codecs.base import ChunkSpec
from zn5.reference.codecs.n5_lz4 import N5Lz4

GOLDEN = Path(__file__).parent / "golden" / "n5-lz4"
MANIFEST: dict[str, Any] = json.loads((GOLDEN / "cases.json").read_text(encoding="utf-8"))
CASES: dict[str, dict[str, Any]] = {case["name"]: case for case in MANIFEST["cases"]}
HEADER = struct.Struct("<8sBiii")  # magic, token, compressed length, decompressed length, checksum

# Where the reference's lz4 payloads differ from lz4-java's (found by this module). The reference compresses
# with python-lz4's ``lz4.block.compress``, which always goes through ``LZ4_compress_fast_continue`` on a
# fresh ``LZ4_stream_t``; lz4-java's JNI compressor calls the one-shot ``LZ4_compress_default``, which for
# inputs under 64 KiB + 11 bytes hashes into a table of 16-bit positions and so finds other matches. Both
# are valid LZ4 and decode to the same bytes; only the chosen matches, and so the compressed lengths, differ.


@dataclass(frozen=True)
class Block:
    """One block of an lz4-java block stream: its 21-byte header's fields and its payload."""

    magic: bytes
    token: int
    compressed_length: int
    decompressed_length: int
    checksum: int
    payload: bytes


def _blocks(stream: bytes) -> list[Block]:
    blocks = []
    offset = 0
    while offset < len(stream):
        magic, token, compressed, decompressed, checksum = HEADER.unpack_from(stream, offset)
        offset += HEADER.size
        blocks.append(
            Block(magic, token, compressed, decompressed, checksum, stream[offset : offset + compressed])
        )
        offset += compressed
    return blocks


def _golden(name: str, suffix: str) -> bytes:
    return (GOLDEN / f"{name}{suffix}").read_bytes()


def _spec(name: str, size: int) -> ChunkSpec:
    """A uint8 chunk as long as the input."""
    return ChunkSpec(
        shape=(size,), dtype=np.dtype("uint8"), fill_value=b"\x00", valid_shape=(size,), key=name
    )


def _codec(name: str) -> N5Lz4:
    return N5Lz4.from_configuration({"blockSize": CASES[name]["blockSize"]})


def _golden_streams() -> list[tuple[str, str]]:
    streams = [(name, ".lz4") for name in CASES]
    streams += [(name, ".java-port.lz4") for name, case in CASES.items() if case["javaPortStream"]]
    return streams


def test_manifest_names_every_golden_file() -> None:
    assert MANIFEST["writer"] == "org.lz4:lz4-java:1.8.0"
    assert MANIFEST["fastestInstance"] == "LZ4Factory:JNI"
    expected = {"cases.json"}
    for name, case in CASES.items():
        expected |= {f"{name}.input", f"{name}.lz4"}
        if case["javaPortStream"]:
            expected.add(case["javaPortStream"])
        assert len(_golden(name, ".input")) == case["inputLength"]
        assert len(_golden(name, ".lz4")) == case["streamLength"]
    assert {path.name for path in GOLDEN.iterdir() if not path.name.startswith(".")} == expected


@pytest.mark.parametrize(("name", "suffix"), _golden_streams())
def test_reference_decodes_lz4_java_stream(name: str, suffix: str) -> None:
    data = _golden(name, ".input")
    assert _codec(name).decode(_golden(name, suffix), _spec(name, len(data)), len(data)) == data


@pytest.mark.req("CODEC-N5LZ4-002")
@pytest.mark.parametrize("name", CASES)
def test_reference_encoding_has_lz4_java_layout(name: str) -> None:
    """Everything but the lz4 payloads: block split, tokens, lengths, checksums, raw blocks, end block."""
    data = _golden(name, ".input")
    ours = _blocks(_codec(name).encode(data, _spec(name, len(data))))
    theirs = _blocks(_golden(name, ".lz4"))
    assert [(b.magic, b.token, b.decompressed_length, b.checksum) for b in ours] == [
        (b.magic, b.token, b.decompressed_length, b.checksum) for b in theirs
    ]
    for mine, golden in zip(ours, theirs, strict=True):
        if golden.token & 0xF0 == 0x10:  # raw blocks (and the end block) carry the input itself
            assert mine == golden
        else:
            original = golden.decompressed_length
            assert lz4.block.decompress(mine.payload, uncompressed_size=original) == lz4.block.decompress(
                golden.payload, uncompressed_size=original
            )


def test_pattern_100_stream_field_by_field() -> None:
    """The whole of pattern-100.lz4: "0123456789" repeated to 100 bytes, blockSize 65536."""
    assert _golden("pattern-100", ".lz4") == bytes.fromhex(
        # first block header, 21 bytes
        "4c5a34426c6f636b"  # magic "LZ4Block"
        "26"  # token: method 0x20 (lz4) | level 6 (log2(65536) - 10)
        "14000000"  # compressed length 20, int32 little endian
        "64000000"  # decompressed length 100
        "11355e0b"  # checksum 0x0b5e3511: XXH32(input, seed 0x9747b28c) = 0x6b5e3511, low 28 bits kept
        # its payload, 20 bytes of one LZ4 block (two sequences)
        "af"  # sequence token: 10 literals (high nibble), match length 15 + more (low nibble)
        "30313233343536373839"  # the 10 literals "0123456789"
        "0a00"  # match offset 10, uint16 little endian
        "42"  # match length extension 66: 4 + 15 + 66 = 85 bytes copied, 95 so far
        "50"  # last sequence token: 5 literals, no match (LZ4 ends every block with literals)
        "3536373839"  # "56789": 100 bytes
        # end block: an empty raw block
        "4c5a34426c6f636b"  # magic
        "16"  # token: method 0x10 (raw) | level 6
        "00000000"  # compressed length 0
        "00000000"  # decompressed length 0
        "00000000"  # checksum 0
    )
    assert _golden("pattern-100", ".input") == b"0123456789" * 10


def test_block_tokens_carry_the_level_of_the_block_size() -> None:
    """Level is ceil(log2(blockSize)) - 10, at least 0; random bytes are stored raw (method 0x10)."""
    tokens = {name: [block.token for block in _blocks(_golden(name, ".lz4"))] for name in CASES}
    assert tokens == {
        "empty": [0x16],
        "pattern-100": [0x26, 0x16],
        "random-1000": [0x16, 0x16],
        "text-200000": [0x26, 0x26, 0x26, 0x26, 0x16],
        "mixed-1024": [0x20, 0x10, 0x20, 0x10],  # blockSize 1024: level 0
        "text-blocksize-5000": [0x23, 0x23, 0x23, 0x13],  # blockSize 5000 rounds up to 8192: level 3
    }
    assert [len(block.payload) for block in _blocks(_golden("random-1000", ".lz4"))] == [1000, 0]


def test_java_port_differs_from_jni_only_in_lz4_payloads() -> None:
    """lz4-java's pure-Java compressor picks other matches than its JNI one for mixed-1024's first block."""
    jni = _blocks(_golden("mixed-1024", ".lz4"))
    port = _blocks(_golden("mixed-1024", ".java-port.lz4"))
    assert [(b.token, b.decompressed_length, b.checksum) for b in jni] == [
        (b.token, b.decompressed_length, b.checksum) for b in port
    ]
    assert [b.compressed_length for b in jni] == [555, 1024, 520, 0]
    assert [b.compressed_length for b in port] == [560, 1024, 520, 0]

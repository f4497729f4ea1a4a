"""The ``blosc`` codec: a c-blosc 1 container with a 16-byte header (spec/codecs/blosc.md).

Decoding never depends on the configuration: the container's header records shuffle and type size.
The header's declared size is checked before anything is decompressed (CORE-CODEC-004).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from numcodecs import blosc

from zn5.reference.codecs._bounded import corrupt, too_large
from zn5.reference.codecs._config import check_members, choice, integer
from zn5.reference.codecs.base import BytesBytesCodec, ChunkSpec, StoredProblem

CNAMES = ("blosclz", "lz4", "lz4hc", "zlib", "zstd", "snappy")
Shuffle = Literal["noshuffle", "shuffle", "bitshuffle"]
SHUFFLES: tuple[Shuffle, ...] = ("noshuffle", "shuffle", "bitshuffle")
HEADER = struct.Struct("<BBBBIII")
SHUFFLE_FLAGS: Mapping[Shuffle, int] = {"noshuffle": 0x0, "shuffle": 0x1, "bitshuffle": 0x4}
"""The bits of the header's flags byte that record the shuffle (c-blosc 1: byte shuffle, bit shuffle)."""
SHUFFLE_MASK = 0x5


def recorded_shuffle(flags: int) -> str:
    """The shuffle a c-blosc 1 header's flags byte records."""
    bits = flags & SHUFFLE_MASK
    return next((name for name, value in SHUFFLE_FLAGS.items() if value == bits), "byte and bit shuffle")


@dataclass(frozen=True)
class Blosc(BytesBytesCodec):
    """Blosc compression (CODEC-BLOSC-001); ``typesize`` None means the element size of the chunk.

    ``typesize_in_metadata`` is False for N5, whose metadata records no type size: there a header with
    another type size than 1 breaks a SHOULD, not a MUST (CODEC-BLOSC-005).
    """

    name = "blosc"
    v2_ids = ("blosc",)
    n5_types = ("blosc",)
    cname: str = "lz4"
    clevel: int = 5
    shuffle: Shuffle = "shuffle"
    typesize: int | None = None
    blocksize: int = 0
    typesize_in_metadata: bool = field(default=True, compare=False)

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Blosc:
        check_members(configuration, {"cname", "clevel", "shuffle", "typesize", "blocksize"})
        shuffle = choice(configuration, "shuffle", SHUFFLES)
        typesize = configuration.get("typesize")
        if typesize is not None or shuffle != "noshuffle":
            typesize = integer(configuration, "typesize", low=1, high=255)
        return cls(
            cname=choice(configuration, "cname", CNAMES),
            clevel=integer(configuration, "clevel", low=0, high=9),
            shuffle=shuffle,
            typesize=typesize,
            blocksize=integer(configuration, "blocksize", low=0, high=2**31 - 1, default=0),
        )

    def configuration(self) -> dict[str, Any]:
        config: dict[str, Any] = {"cname": self.cname, "clevel": self.clevel, "shuffle": self.shuffle}
        if self.typesize is not None:
            config["typesize"] = self.typesize
        config["blocksize"] = self.blocksize
        return config

    def completed(self, spec: ChunkSpec) -> Blosc:
        """Record the element size as ``typesize`` when it was left to the array (CODEC-BLOSC-001)."""
        return self if self.typesize is not None else replace(self, typesize=spec.dtype.itemsize)

    def encode(self, data: bytes, spec: ChunkSpec) -> bytes:
        typesize = self.typesize or spec.dtype.itemsize
        shuffle = SHUFFLES.index(self.shuffle)
        return bytes(
            blosc.compress(data, self.cname.encode(), self.clevel, shuffle, self.blocksize, typesize)
        )

    def stored_problems(self, data: bytes, spec: ChunkSpec) -> list[StoredProblem]:
        """The header's shuffle and, unless nothing is shuffled, its type size must be the
        configuration's (CODEC-BLOSC-004; in N5, CODEC-BLOSC-005)."""
        if len(data) < HEADER.size:
            return []
        _version, _lz_version, flags, typesize, *_sizes = HEADER.unpack_from(data)
        stored = recorded_shuffle(flags)
        found = []
        if stored != self.shuffle:
            message = f"the blosc header records {stored}, the configuration says {self.shuffle}"
            found.append(StoredProblem(message, "CODEC-BLOSC-004"))
        expected = self.completed(spec).typesize
        if self.shuffle != "noshuffle" and typesize != expected:
            found.append(self._typesize_problem(typesize, expected))
        return found

    def _typesize_problem(self, stored: int, expected: int | None) -> StoredProblem:
        if self.typesize_in_metadata:
            message = f"the blosc header records type size {stored}, the configuration means {expected}"
            return StoredProblem(message, "CODEC-BLOSC-004")
        message = (
            f"the blosc header records type size {stored}; n5-blosc compresses with type size {expected}"
        )
        return StoredProblem(message, "CODEC-BLOSC-005", "warning")

    def decode(self, data: bytes, spec: ChunkSpec, max_size: int) -> bytes:
        if len(data) < HEADER.size:
            raise corrupt(spec.key, "blosc", f"{len(data)} bytes are too few for a blosc header")
        _version, _lz_version, _flags, _typesize, nbytes, _blocksize, cbytes = HEADER.unpack_from(data)
        if cbytes != len(data):
            raise corrupt(spec.key, "blosc", f"the header declares {cbytes} bytes but {len(data)} are stored")
        if nbytes > max_size:
            raise too_large(spec.key, "blosc", max_size)
        try:
            return bytes(blosc.decompress(data))
        except RuntimeError as error:
            raise corrupt(spec.key, "blosc", error) from None

"""The samples the codec contract runs on (test_codec_registry.py, test_codec_contract.py,
test_codec_configuration.py): per codec of the reference's registry the configurations it is tried with,
the element types each serves, and a member of the wrong JSON type. A codec added to ``registry.CODECS``
fails the contract until ``SAMPLES`` and ``WRONG_TYPE`` give it an entry; nothing is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from zn5.reference.codecs import registry
from zn5.reference.codecs.base import Codec

BYTES_LITTLE = {"name": "bytes", "configuration": {"endian": "little"}}
INDEX_CODECS = [BYTES_LITTLE, {"name": "crc32c", "configuration": {}}]
WIDE = (-(2.0**100), 2.0**100)
"""Finite values of every magnitude a float32 holds, exactly representable as bounds."""
NUMERIC = ("uint8", "int32", "float64")
"""The element types a bytes→bytes codec is tried on: one, four and eight bytes wide."""


@dataclass(frozen=True)
class Sample:
    """A configuration of a codec in its canonical (Zarr v3) form, the element types it serves, the
    chunk shape it is tried on, and the range of the values drawn (None: any value of the type)."""

    configuration: dict[str, Any]
    dtypes: tuple[str, ...]
    shape: tuple[int, ...] = (3, 5)
    bounds: tuple[float, float] | None = None
    elements: tuple[Any, ...] | None = None
    """The values drawn, when only some values of the type survive the codec (None: any)."""


ZARR_PYTHON_2_JSON2 = {
    "allow_nan": True,
    "check_circular": True,
    "encoding": "utf-8",
    "ensure_ascii": True,
    "indent": None,
    "separators": [",", ":"],
    "skipkeys": False,
    "sort_keys": True,
    "strict": True,
}
"""The ``json2`` configuration zarr-python 2.18.7 writes (every member of numcodecs 0.16.6)."""
LABELS = ["", "zn5", "äβ€😀", "a\x00b"]
"""Labels of the categorize samples: the empty string, non-ASCII text and a NUL among them."""
SAMPLES: dict[str, tuple[Sample, ...]] = {
    "bytes": (
        Sample(
            {"endian": "little"},
            ("bool", "int8", "uint16", "int32", "uint64", "float16", "float64", "complex128", "S3", "U2"),
        ),
        Sample({"endian": "big"}, ("int16", "float32", "complex64", "M8[s]", "m8[ms]", "U3")),
        Sample({}, ("bool", "uint8", "int8", "S4")),
    ),
    "transpose": (
        Sample({"order": [1, 0]}, ("int16", "float64", "U2")),
        Sample({"order": [2, 0, 1]}, ("uint8", "complex64"), shape=(2, 3, 4)),
    ),
    "gzip": (Sample({"level": 5}, NUMERIC), Sample({"level": 0}, ("int16",))),
    "numcodecs.zlib": (Sample({"level": 1}, NUMERIC),),
    "numcodecs.bz2": (Sample({"level": 9}, NUMERIC),),
    "numcodecs.lzma": (Sample({"format": 1, "check": -1, "preset": 6, "filters": None}, NUMERIC),),
    "zstd": (
        Sample({"level": 0, "checksum": False}, NUMERIC),
        Sample({"level": -3, "checksum": True}, NUMERIC),
    ),
    "blosc": (
        Sample({"cname": "lz4", "clevel": 5, "shuffle": "shuffle", "typesize": 4, "blocksize": 0}, NUMERIC),
        Sample({"cname": "zstd", "clevel": 1, "shuffle": "noshuffle", "blocksize": 0}, NUMERIC),
        Sample(
            {"cname": "zlib", "clevel": 9, "shuffle": "bitshuffle", "typesize": 8, "blocksize": 0}, NUMERIC
        ),
    ),
    "numcodecs.lz4": (Sample({"acceleration": 1}, NUMERIC),),
    "crc32c": (Sample({}, NUMERIC),),
    "numcodecs.crc32": (Sample({}, NUMERIC), Sample({"location": "end"}, NUMERIC)),
    "numcodecs.delta": (
        Sample({"dtype": "<i4", "astype": "<i4"}, ("int32",)),
        Sample({"dtype": "|u1", "astype": "|u1"}, ("uint8",)),
    ),
    "sharding_indexed": (
        Sample(
            {
                "chunk_shape": [2, 3],
                "codecs": [BYTES_LITTLE, {"name": "gzip", "configuration": {"level": 1}}],
                "index_codecs": INDEX_CODECS,
                "index_location": "end",
            },
            ("int32", "float32"),
            shape=(4, 6),
        ),
        Sample(
            {"chunk_shape": [2], "codecs": [{"name": "vlen-utf8", "configuration": {}}]}
            | {"index_codecs": INDEX_CODECS, "index_location": "start"},
            ("T",),
            shape=(6,),
        ),
    ),
    "n5.block": (
        Sample({"compression": []}, ("uint8", "int64", "float32")),
        Sample({"compression": [{"name": "gzip", "configuration": {"level": 6}}]}, ("uint16", "float64")),
    ),
    "n5.lz4": (Sample({"blockSize": 65536}, NUMERIC), Sample({"blockSize": 64}, NUMERIC)),
    "numcodecs.fixedscaleoffset": (
        Sample(
            {"offset": 100, "scale": 10, "dtype": "<f8", "astype": "<i4"}, ("float64",), bounds=(-1e3, 1e3)
        ),
    ),
    "numcodecs.quantize": (
        Sample({"digits": 3, "dtype": "<f4", "astype": "<f4"}, ("float32",), bounds=(-1e3, 1e3)),
        Sample({"digits": 1, "dtype": "<f8", "astype": "<f8"}, ("float64",), bounds=(-1e6, 1e6)),
    ),
    "numcodecs.bitround": (Sample({"keepbits": 7}, ("float32", "float64"), bounds=WIDE),),
    "numcodecs.astype": (
        Sample({"encode_dtype": "<f4", "decode_dtype": "<f8"}, ("float64",), bounds=WIDE),
        Sample({"encode_dtype": "<i8", "decode_dtype": "<i2"}, ("int16",)),
    ),
    "numcodecs.packbits": (Sample({}, ("bool",)), Sample({}, ("bool",), shape=(1, 9))),
    "numcodecs.shuffle": (Sample({"elementsize": 4}, ("int32", "float64")),),
    "numcodecs.fletcher32": (Sample({}, NUMERIC),),
    "numcodecs.adler32": (Sample({}, NUMERIC), Sample({"location": "end"}, NUMERIC)),
    "numcodecs.jenkins_lookup3": (Sample({}, NUMERIC), Sample({"initval": 5}, NUMERIC)),
    "vlen-utf8": (Sample({}, ("T",)),),
    "vlen-bytes": (Sample({}, ("O",)),),
    "numcodecs.vlen-array": (
        Sample({"dtype": "<i4"}, ("ragged[int32]",)),
        Sample({"dtype": ">f8"}, ("ragged[float64]",)),
        Sample({"dtype": "|b1"}, ("ragged[bool]",), shape=(4,)),
    ),
    "numcodecs.json2": (
        Sample(ZARR_PYTHON_2_JSON2, ("json",)),
        Sample(
            ZARR_PYTHON_2_JSON2 | {"indent": 2, "sort_keys": False, "separators": [", ", ": "]}, ("json",)
        ),
    ),
    "numcodecs.msgpack2": (
        Sample({"raw": False, "use_single_float": False, "use_bin_type": True}, ("json",)),
    ),
    "numcodecs.categorize": (
        Sample({"labels": LABELS, "dtype": "|O", "astype": "|u1"}, ("T",), elements=tuple(LABELS)),
        Sample({"labels": LABELS[1:], "dtype": "<U4", "astype": "<u2"}, ("U4",), elements=tuple(LABELS)),
    ),
}


WRONG_TYPE: dict[str, tuple[str, Any] | None] = {
    "bytes": ("endian", 1),
    "transpose": ("order", "10"),
    "gzip": ("level", "5"),
    "numcodecs.zlib": ("level", 1.5),
    "numcodecs.bz2": ("level", True),
    "numcodecs.lzma": ("preset", "6"),
    "zstd": ("checksum", 1),
    "blosc": ("shuffle", 1),
    "numcodecs.lz4": ("acceleration", "1"),
    "crc32c": None,
    "numcodecs.crc32": ("location", 0),
    "numcodecs.delta": ("dtype", 4),
    "sharding_indexed": ("chunk_shape", [2.0, 3]),
    "n5.block": ("compression", {"name": "gzip"}),
    "n5.lz4": ("blockSize", "65536"),
    "numcodecs.fixedscaleoffset": ("scale", "10"),
    "numcodecs.quantize": ("digits", 2.5),
    "numcodecs.bitround": ("keepbits", None),
    "numcodecs.astype": ("encode_dtype", ["<f4"]),
    "numcodecs.packbits": None,
    "numcodecs.shuffle": ("elementsize", 4.0),
    "numcodecs.fletcher32": None,
    "numcodecs.adler32": ("location", False),
    "numcodecs.jenkins_lookup3": ("initval", "0"),
    "vlen-utf8": None,
    "vlen-bytes": None,
    "numcodecs.vlen-array": ("dtype", 4),
    "numcodecs.json2": ("sort_keys", "yes"),
    "numcodecs.msgpack2": ("use_bin_type", 1),
    "numcodecs.categorize": ("labels", "zn5"),
}
"""For each codec a member and a value of the wrong JSON type for it; None for a codec that has no
configuration members, so that only an unknown member can be wrong."""

REGISTERED = list(registry.CODECS)


def cases() -> list[Any]:
    """One case per codec, sample and data type; a codec without samples is one case that fails."""
    found = []
    for codec in REGISTERED:
        samples = SAMPLES.get(codec.name, (None,))
        for index, sample in enumerate(samples):
            dtypes = sample.dtypes if sample is not None else ("none",)
            found += [
                pytest.param(codec, sample, dtype, id=f"{codec.name}-{index}-{dtype}") for dtype in dtypes
            ]
    return found


def sample_cases() -> list[Any]:
    """One case per codec and sample."""
    return [
        pytest.param(codec, sample, id=f"{codec.name}-{index}")
        for codec in REGISTERED
        for index, sample in enumerate(SAMPLES.get(codec.name, (None,)))
    ]


def require(sample: Sample | None, codec: type[Codec]) -> Sample:
    """The sample of a case; a registered codec without one fails here, never passes unseen."""
    assert sample is not None, f"{codec.name} is registered but has no entry in SAMPLES: add one"
    return sample

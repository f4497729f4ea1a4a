"""The contract every codec of the reference's registry keeps, run over the whole registry.

In the manner of zarr-python's shared codec tests: each codec class in ``registry.CODECS`` is taken from
the registry itself, so a codec added there is covered here at once (and fails until ``SAMPLES`` gives it
a configuration). Per codec the suite checks:

* encode then decode gives the chunk back, for every data type its samples serve (CORE-CODEC-002); the
  lossy filters give it back within the bound their chapter states (``LOSSY``);
* an encoded chunk stays within the size the codec declares, and a decoding step refuses to produce more
  than its bound (CORE-CODEC-004); bytes that are not an encoding are a chunk error, nothing else
  (CORE-CODEC-005);
* a configuration read into the codec and written out again is the same configuration, directly and
  through the metadata of every format that names the codec (CORE-CODEC-006, CORE-CODEC-007);
* a configuration with an unknown member or a member of the wrong type is rejected with CORE-CODEC-006;
* the codecs whose decoding runs code (pickle) are refused by every format (CORE-VLEN-005).

A configuration that a format has no form for is refused by that format's writer (``NO_FORM_IN``);
nothing is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import zn5.reference as zn5
from zn5.conformance.suite.canonical import object_array
from zn5.reference.codecs import registry
from zn5.reference.codecs.base import (
    ArrayArrayCodec,
    ArrayBytesCodec,
    BytesBytesCodec,
    ChunkSpec,
    Codec,
)
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.n5_block import N5Block
from zn5.reference.model.dtype import DataType, object_element, ragged_items, same_element
from zn5.reference.store.memory import MemoryStore

Array = np.ndarray[Any, Any]
KEY = "x/zarr.json"
LOCATION = "codecs[0]"

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


def _quantize_bound(codec: Any, values: Array) -> Array:
    """``around(x × s) / s`` with ``s = 2^ceil(log2(10^digits))``: half a step (CODEC-QUANTIZE-001)."""
    step = 2.0 ** -float(np.ceil(np.log2(10.0**codec.digits)))
    return np.full(values.shape, step / 2)


def _bitround_bound(codec: Any, values: Array) -> Array:
    """Mantissas rounded to ``keepbits`` bits: half a unit of the kept last bit (CODEC-BITROUND-001)."""
    magnitude = np.maximum(np.abs(values.astype("f8")), np.finfo(values.dtype).tiny)
    bound: Array = magnitude * 2.0 ** -(int(codec.keepbits) + 1)
    return bound


def _fixedscaleoffset_bound(codec: Any, values: Array) -> Array:
    """``round((x − offset) × scale)``: half a step of ``1 / scale`` (CODEC-FIXEDSCALEOFFSET-001)."""
    return np.full(values.shape, 0.5 / codec.scale) + np.abs(values) * np.finfo("f8").eps


def _astype_bound(codec: Any, values: Array) -> Array:
    """Exact when ``encode_dtype`` holds every ``decode_dtype`` value, else one unit in the last place of
    ``encode_dtype`` (CODEC-ASTYPE-001)."""
    if np.can_cast(codec.decode_dtype, codec.encode_dtype, "safe"):
        return np.zeros(values.shape)
    narrow = np.finfo(codec.encode_dtype)
    bound: Array = np.maximum(np.abs(values) * narrow.eps, narrow.smallest_subnormal)
    return bound


LOSSY: dict[str, Callable[[Any, Array], Array]] = {
    "numcodecs.quantize": _quantize_bound,
    "numcodecs.bitround": _bitround_bound,
    "numcodecs.fixedscaleoffset": _fixedscaleoffset_bound,
    "numcodecs.astype": _astype_bound,
}
"""The codecs that give values back only within a bound: the largest error allowed per element."""

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

ZARR3_REQUIREMENTS: dict[str, tuple[str, str]] = {"numcodecs.bz2": ("ZARR3-CODEC-002", "ZARR2-CODEC-003")}
"""Codecs whose Zarr v3 name a reader maps through numcodecs' codec of that id (ZARR3-CODEC-002), not
through the core codec: numcodecs refuses an unknown member (ZARR3-CODEC-002), and the members mean
what they mean in Zarr v2 (ZARR2-CODEC-003). The requirements for (unknown member, wrong type)."""


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


def numpy_type(name: str) -> np.dtype[Any]:
    """The core model's NumPy type for a sample's type name (``T``: ``string``, ``O``: ``bytes``)."""
    return DataType.of("string" if name == "T" else "bytes" if name == "O" else name).numpy_dtype


def spec_of(dtype: np.dtype[Any], shape: tuple[int, ...]) -> ChunkSpec:
    """A whole chunk of ``shape`` at key ``x/c/0`` whose fill is the zero element."""
    return ChunkSpec(shape, dtype, DataType(dtype).zeros_bytes(), shape, "x/c/0")


def build(codec: type[Codec], configuration: dict[str, Any]) -> Codec:
    """The codec through the registry's own entry point, as the dialects build it."""
    built = registry.build(codec, configuration, key=KEY, location=LOCATION)
    assert type(built) is codec
    return built


def chunks(dtype: np.dtype[Any], shape: tuple[int, ...], sample: Sample) -> Any:
    """Chunks of ``dtype`` and ``shape``; values within the sample's bounds or among its elements."""
    count = int(np.prod(shape))
    bounds = sample.bounds
    if sample.elements is not None:
        return st.lists(st.sampled_from(sample.elements), min_size=count, max_size=count).map(
            lambda values: np.array(values, dtype=object).astype(dtype).reshape(shape)
        )
    if dtype.kind in "TO":
        return st.lists(variable_elements(dtype), min_size=count, max_size=count).map(
            lambda values: object_array(values, dtype).reshape(shape)
        )
    if bounds is None:
        return hnp.arrays(dtype, shape)
    low, high = bounds
    if dtype.kind in "iu":
        return hnp.arrays(dtype, shape, elements=st.integers(int(low), int(high)))
    width = 8 * dtype.itemsize
    return hnp.arrays(dtype, shape, elements=st.floats(low, high, width=width))  # type: ignore[arg-type]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)
"""``json`` elements: every kind of JSON value, ``NaN`` and the infinities among the numbers (CORE-VLEN-007);
integers within 64 bits, which MessagePack holds."""


def variable_elements(dtype: np.dtype[Any]) -> Any:
    """Elements of a variable-length type: text, bytes, ragged items (CORE-VLEN-006) or JSON values."""
    if dtype.kind == "T":
        return st.text(max_size=6)
    kind = object_element(dtype)
    if kind == "ragged":
        return hnp.arrays(ragged_items(dtype), st.integers(0, 4))
    return JSON_VALUES if kind == "json" else st.binary(max_size=6)


def encode(codec: Codec, chunk: Array, spec: ChunkSpec) -> tuple[Any, int]:
    """The encoded chunk and the largest size the codec promises for it (CORE-CODEC-004)."""
    if isinstance(codec, ArrayArrayCodec):
        return codec.encode(chunk, spec), 0
    if isinstance(codec, ArrayBytesCodec):
        return codec.encode(chunk, spec), codec.max_encoded_size(spec)
    assert isinstance(codec, BytesBytesCodec)
    return codec.encode(chunk.tobytes(), spec), codec.max_encoded_size(spec.nbytes)


def decode(codec: Codec, encoded: Any, spec: ChunkSpec) -> Array:
    """``encoded`` decoded into a chunk of ``spec``."""
    if isinstance(codec, ArrayArrayCodec | ArrayBytesCodec):
        return codec.decode(encoded, spec)
    assert isinstance(codec, BytesBytesCodec)
    data = codec.decode(encoded, spec, spec.nbytes)
    return np.frombuffer(data, dtype=spec.dtype).reshape(spec.shape)


def assert_given_back(codec: Codec, decoded: Array, chunk: Array) -> None:
    """The chunk exactly (bytes of fixed-size elements, values of variable-length ones), or within the
    bound of a lossy codec."""
    assert decoded.shape == chunk.shape
    assert decoded.dtype == chunk.dtype
    if codec.name in LOSSY:
        error = np.abs(decoded.astype("f8") - chunk.astype("f8"))
        assert np.all(error <= LOSSY[codec.name](codec, chunk))
    elif chunk.dtype.kind in "TO":
        assert all(
            same_element(chunk.dtype, got, given)
            for got, given in zip(decoded.reshape(-1), chunk.reshape(-1), strict=True)
        )
    else:
        assert decoded.tobytes() == chunk.tobytes()


def test_the_registry_is_not_empty_and_every_codec_has_samples() -> None:
    assert len(REGISTERED) > 0
    assert sorted(SAMPLES) == sorted(codec.name for codec in REGISTERED)
    assert sorted(WRONG_TYPE) == sorted(SAMPLES)


def test_the_registry_keeps_codecs_apart() -> None:
    """One class per core name, Zarr v2 id and N5 type (CORE-CODEC-007); a codec's kind is its class's."""
    names = [codec.name for codec in REGISTERED]
    v2_ids = [alias for codec in REGISTERED for alias in codec.v2_ids]
    n5_types = [alias for codec in REGISTERED for alias in codec.n5_types]
    assert len(set(names)) == len(names) == len(registry.BY_NAME)
    assert len(set(v2_ids)) == len(v2_ids) == len(registry.BY_V2_ID)
    assert len(set(n5_types)) == len(n5_types) == len(registry.BY_N5_TYPE)
    bases = {"array_to_array": ArrayArrayCodec, "array_to_bytes": ArrayBytesCodec}
    for codec in REGISTERED:
        assert issubclass(codec, bases.get(codec.kind, BytesBytesCodec)), codec.name
        assert codec.in_zarr3 == (home_format(codec) == "zarr3"), codec.name


def test_an_unknown_name_is_unsupported() -> None:
    with pytest.raises(zn5.UnsupportedError) as caught:
        registry.from_name("zn5.no-such-codec", {}, key=KEY, location=LOCATION)
    assert caught.value.requirement == "CORE-CODEC-003"


@pytest.mark.parametrize(("codec", "sample", "dtype"), cases())
@settings(max_examples=25)
@given(data=st.data())
def test_encode_then_decode_gives_the_chunk_back(
    codec: type[Codec], sample: Sample | None, dtype: str, data: st.DataObject
) -> None:
    """CORE-CODEC-002; an array→array codec's output has the representation it resolves to, and an
    encoding stays within the size the codec declares (CORE-CODEC-004)."""
    sample = require(sample, codec)
    instance = build(codec, sample.configuration)
    spec = spec_of(numpy_type(dtype), sample.shape)
    assert instance.problems(spec) == []
    chunk = data.draw(chunks(spec.dtype, spec.shape, sample))
    encoded, most = encode(instance, chunk, spec)
    if isinstance(instance, ArrayArrayCodec):
        target = instance.resolve(spec)
        assert (encoded.shape, encoded.dtype) == (target.shape, target.dtype)
    else:
        assert len(encoded) <= most
    assert_given_back(instance, decode(instance, encoded, spec), chunk)


def byte_decoding_cases() -> list[Any]:
    """The codecs that decode bytes: array→bytes and bytes→bytes (array→array codecs decode arrays)."""
    return [case for case in sample_cases() if not issubclass(case.values[0], ArrayArrayCodec)]


@pytest.mark.parametrize(("codec", "sample"), byte_decoding_cases())
def test_a_codec_finds_no_fault_in_what_it_encoded(codec: type[Codec], sample: Sample | None) -> None:
    """The header checks of stored bytes (a blosc header, an N5 block mode) pass on the codec's own
    output: those faults are another writer's, never the reference's (CORE-DEVIATION-013)."""
    sample = require(sample, codec)
    spec = spec_of(numpy_type(sample.dtypes[0]), sample.shape)
    instance = build(codec, sample.configuration).completed(spec)
    encoded, _ = encode(instance, np.ascontiguousarray(spec.fill_array()), spec)
    assert instance.stored_problems(encoded, spec) == []


def bytes_codecs() -> list[Any]:
    return [case for case in sample_cases() if issubclass(case.values[0], BytesBytesCodec)]


@pytest.mark.parametrize(("codec", "sample"), bytes_codecs())
def test_decoding_stops_at_its_bound(codec: type[Codec], sample: Sample | None) -> None:
    """A bytes→bytes step told that one byte less than the real output is the most it may produce
    refuses with a chunk error (CORE-CODEC-004)."""
    sample = require(sample, codec)
    spec = spec_of(numpy_type(sample.dtypes[0]), sample.shape)
    instance = build(codec, sample.configuration)
    assert isinstance(instance, BytesBytesCodec)
    data = np.arange(spec.nbytes, dtype="u1").tobytes()
    with pytest.raises(zn5.ChunkError) as caught:
        instance.decode(instance.encode(data, spec), spec, len(data) - 1)
    assert caught.value.requirement == "CORE-CODEC-004"
    assert caught.value.key == spec.key


@pytest.mark.parametrize(("codec", "sample"), byte_decoding_cases())
@settings(max_examples=40)
@given(garbage=st.binary(max_size=96), cut=st.integers(0, 200))
def test_bytes_that_are_no_encoding_are_a_chunk_error(
    codec: type[Codec], sample: Sample | None, garbage: bytes, cut: int
) -> None:
    """Random bytes, and a real encoding cut short or with bytes after it, decode to what the step may
    produce (a chunk of the spec; bytes within the bound) or raise the reference's own error naming the
    chunk, nothing else (CORE-CODEC-005). A shard names the chunk with the part of it at fault."""
    sample = require(sample, codec)
    spec = spec_of(numpy_type(sample.dtypes[0]), sample.shape)
    instance = build(codec, sample.configuration)
    real, _ = encode(instance, spec.fill_array(), spec)
    for stored in (garbage, real[:cut], real + garbage[:1]):
        try:
            decoded = (
                instance.decode(stored, spec, spec.nbytes)
                if isinstance(instance, BytesBytesCodec)
                else decode(instance, stored, spec)
            )
        except zn5.ZN5Error as error:
            assert error.key.startswith(spec.key)
        else:
            assert len(decoded) <= spec.nbytes if isinstance(decoded, bytes) else decoded.shape == spec.shape


@pytest.mark.parametrize(("codec", "sample"), sample_cases())
def test_a_configuration_survives_the_codec(codec: type[Codec], sample: Sample | None) -> None:
    """Configuration → codec → configuration is the identity, and the configuration is JSON
    (CORE-CODEC-006); the registry finds the class by its name (CORE-CODEC-007)."""
    sample = require(sample, codec)
    instance = registry.from_name(codec.name, sample.configuration, key=KEY, location=LOCATION)
    assert type(instance) is codec
    assert instance.configuration() == sample.configuration
    assert json.loads(json.dumps(instance.configuration())) == sample.configuration
    assert codec.from_configuration(instance.configuration()) == instance


def chain(codec: Codec, format_name: str, spec: ChunkSpec) -> list[Codec]:
    """The shortest chain of ``format_name`` that holds ``codec`` for chunks of ``spec``
    (CORE-CODEC-001); its ``bytes`` codec has a byte order only where the type has one (CORE-DTYPE-002)."""
    if isinstance(codec, ArrayBytesCodec):
        return [codec]
    if isinstance(codec, ArrayArrayCodec):
        spec = codec.resolve(spec)
    serialiser = BytesCodec("little" if DataType(spec.dtype).has_byte_order else None)
    if isinstance(codec, ArrayArrayCodec):
        return [codec, serialiser]
    assert isinstance(codec, BytesBytesCodec)
    return [N5Block((codec,))] if format_name == "n5" else [serialiser, codec]


ZARR2_ONLY = ("numcodecs.vlen-array", "numcodecs.json2", "numcodecs.msgpack2")
"""The object codecs of ``ragged[T]`` and ``json``, which only Zarr v2 holds (CORE-VLEN-009)."""


def home_format(codec: type[Codec]) -> str:
    """The format whose metadata names ``codec`` by its canonical name: Zarr v3, N5 for the ``n5.``
    codecs, Zarr v2 for the object codecs only it holds (CORE-VLEN-009)."""
    if codec.name.startswith("n5."):
        return "n5"
    return "zarr2" if codec.name in ZARR2_ONLY else "zarr3"


def stored_array(
    codec: Codec, sample: Sample, format_name: str, store: MemoryStore | None = None
) -> tuple[MemoryStore, zn5.Array]:
    store = MemoryStore() if store is None else store
    dtype = {"T": "string", "O": "bytes"}.get(sample.dtypes[0], sample.dtypes[0])
    created = zn5.create_array(
        store,
        format=format_name,
        path="x",
        shape=sample.shape,
        dtype=dtype,
        chunks=sample.shape,
        codecs=chain(codec, format_name, spec_of(numpy_type(sample.dtypes[0]), sample.shape)),
    )
    return store, created


@pytest.mark.parametrize(("codec", "sample"), sample_cases())
def test_a_configuration_survives_the_metadata_document(codec: type[Codec], sample: Sample | None) -> None:
    """A codec written into its format's metadata (Zarr v3; N5 for the ``n5.`` codecs) and read back is
    the same codec, settings that depend on the array filled in; in ``zarr.json`` its entry is its name
    and its configuration (ZARR3-CODEC-001)."""
    sample = require(sample, codec)
    format_name = home_format(codec)
    store, created = stored_array(build(codec, sample.configuration), sample, format_name)
    reopened = zn5.open_array(store, path="x")
    assert reopened.model.codecs == created.model.codecs
    if format_name == "zarr3":
        entries = json.loads(store.values[KEY])["codecs"]
        written = [{"name": c.name, "configuration": c.configuration()} for c in created.model.codecs]
        assert entries == written


NO_FORM_IN: dict[str, str] = {
    "blosc-0-zarr2": "CORE-CODEC-003",  # typesize 4 for uint8: numcodecs compresses with the item size
    "blosc-2-zarr2": "CORE-CODEC-003",  # typesize 8, likewise (CODEC-BLOSC-006)
    "zstd-1-n5": "N5-CODEC-002",  # a checksum: n5-zstandard has no such member
}
"""Codec samples a format has no form for, by the requirement its writer refuses them with."""


def dialect_cases() -> list[Any]:
    """Each codec and sample in each other format that has a name for the codec: Zarr v2 by its ``id``,
    N5 by its compression ``type`` (CORE-CODEC-007)."""
    return [
        pytest.param(*case.values, format_name, id=f"{case.id}-{format_name}")
        for case in sample_cases()
        for format_name, names in (("zarr2", case.values[0].v2_ids), ("n5", case.values[0].n5_types))
        if names
    ]


@pytest.mark.parametrize(("codec", "sample", "format_name"), dialect_cases())
def test_a_codec_survives_each_format_that_names_it(
    codec: type[Codec], sample: Sample | None, format_name: str, request: pytest.FixtureRequest
) -> None:
    """Written as Zarr v2 or N5 metadata and read back, the chain is the one written (CORE-CODEC-007);
    a configuration the format has no form for is refused as unsupported before anything is stored, never
    written as another one (CORE-CODEC-003)."""
    sample = require(sample, codec)
    refusal = NO_FORM_IN.get(request.node.callspec.id)
    if refusal is not None:
        store = MemoryStore()
        with pytest.raises(zn5.UnsupportedError) as caught:
            stored_array(build(codec, sample.configuration), sample, format_name, store)
        assert caught.value.requirement == refusal
        assert store.values == {}
        return
    store, created = stored_array(build(codec, sample.configuration), sample, format_name)
    assert zn5.open_array(store, path="x").model.codecs == created.model.codecs


NOT_IN_ZARR3 = [case for case in sample_cases() if not case.values[0].in_zarr3]


@pytest.mark.parametrize(("codec", "sample"), NOT_IN_ZARR3)
def test_a_codec_without_a_zarr3_form_is_refused_there(codec: type[Codec], sample: Sample | None) -> None:
    """The ``n5.`` codecs exist only inside N5 datasets, and the object codecs of ``ragged[T]`` and
    ``json`` only in Zarr v2: a Zarr v3 writer refuses them (CORE-CODEC-003; for the type, CORE-VLEN-009),
    and so does a reader that finds one named in ``zarr.json`` (CORE-CODEC-003)."""
    sample = require(sample, codec)
    instance = build(codec, sample.configuration)
    with pytest.raises(zn5.UnsupportedError) as refused:
        stored_array(instance, sample, "zarr3")
    zarr2_only = DataType.of(sample.dtypes[0]).zarr2_only
    assert refused.value.requirement == ("CORE-VLEN-009" if zarr2_only else "CORE-CODEC-003")
    store, _ = stored_array(BytesCodec("little"), Sample({}, ("uint8",), sample.shape), "zarr3")
    document = json.loads(store.values[KEY])
    document["codecs"] = [{"name": codec.name, "configuration": sample.configuration}]
    store.values[KEY] = json.dumps(document).encode()
    with pytest.raises(zn5.UnsupportedError) as unread:
        zn5.open_array(store, path="x")
    assert unread.value.requirement == "CORE-CODEC-003"


def bad_configurations(codec: type[Codec], sample: Sample) -> list[dict[str, Any]]:
    """The sample with an unknown member, and with a member of the wrong type (when it has members)."""
    bad = [{**sample.configuration, "zn5_unknown_member": 1}]
    wrong = WRONG_TYPE[codec.name]
    if wrong is not None:
        member, value = wrong
        bad.append({**sample.configuration, member: value})
    return bad


@pytest.mark.parametrize(("codec", "sample"), sample_cases())
def test_a_bad_configuration_is_rejected(codec: type[Codec], sample: Sample | None) -> None:
    """An unknown member or a member of the wrong type is a metadata error (CORE-CODEC-006)."""
    sample = require(sample, codec)
    if WRONG_TYPE[codec.name] is None:  # nothing but an unknown member can be wrong: it has no member
        assert codec.from_configuration({}).configuration() == sample.configuration == {}
    for configuration in bad_configurations(codec, sample):
        with pytest.raises(zn5.MetadataError) as caught:
            registry.build(codec, configuration, key=KEY, location=LOCATION)
        assert caught.value.requirement == "CORE-CODEC-006"
        assert (caught.value.key, caught.value.problems[0].location) == (KEY, LOCATION)


ZARR3_CASES = [case for case in sample_cases() if case.values[0].in_zarr3]


@pytest.mark.parametrize(("codec", "sample"), ZARR3_CASES)
def test_a_zarr3_reader_rejects_a_bad_configuration(codec: type[Codec], sample: Sample | None) -> None:
    """In ``zarr.json`` a codec whose configuration has an unknown member or a member of the wrong type
    makes the array a metadata error naming the codec's place (CORE-CODEC-006; ZARR3_REQUIREMENTS)."""
    sample = require(sample, codec)
    requirements = ZARR3_REQUIREMENTS.get(codec.name, ("CORE-CODEC-006", "CORE-CODEC-006"))
    for configuration, requirement in zip(bad_configurations(codec, sample), requirements, strict=False):
        store, created = stored_array(build(codec, sample.configuration), sample, "zarr3")
        document = json.loads(store.values[KEY])
        position = [type(c) for c in created.model.codecs].index(codec)
        document["codecs"][position]["configuration"] = configuration
        store.values[KEY] = json.dumps(document).encode()
        with pytest.raises(zn5.MetadataError) as caught:
            zn5.open_array(store, path="x")
        found = {(problem.requirement, problem.location.split(".")[0]) for problem in caught.value.problems}
        assert (requirement, f"codecs[{position}]") in found


@pytest.mark.parametrize("name", sorted(registry.CODE_RUNNING))
@pytest.mark.parametrize("format_name", ["zarr2", "zarr3"])
def test_a_codec_that_runs_code_is_refused(name: str, format_name: str) -> None:
    """pickle is in no table of the registry, and each format refuses it by name before anything is
    decoded (CORE-VLEN-005)."""
    assert name not in registry.BY_NAME and name not in registry.BY_V2_ID
    store, _ = stored_array(BytesCodec("little"), Sample({}, ("int32",), (2,)), format_name)
    key = "x/.zarray" if format_name == "zarr2" else KEY
    document = json.loads(store.values[key])
    if format_name == "zarr2":
        document["filters"] = [{"id": name, "protocol": 5}]
    else:
        document["codecs"] = [{"name": name, "configuration": {"protocol": 5}}, BYTES_LITTLE]
    store.values[key] = json.dumps(document).encode()
    with pytest.raises(zn5.UnsupportedError) as caught:
        zn5.open_array(store, path="x")
    assert caught.value.requirement == "CORE-VLEN-005"
    assert caught.value.key == key

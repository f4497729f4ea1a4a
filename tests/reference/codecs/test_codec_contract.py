"""The codec contract on values, run over the whole registry (its configurations: test_codec_configuration.py;
its registry: test_codec_registry.py). Per codec:

* encode then decode gives the chunk back, for every data type its samples serve (CORE-CODEC-002); the
  lossy filters give it back within the bound their chapter states (``LOSSY``);
* an encoded chunk stays within the size the codec declares, and a decoding step refuses to produce more
  than its bound (CORE-CODEC-004); bytes that are not an encoding are a chunk error, nothing else
  (CORE-CODEC-005).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zn5.reference as zn5
from zn5.reference.codecs.base import ArrayArrayCodec, ArrayBytesCodec, BytesBytesCodec, ChunkSpec, Codec
from zn5.reference.model.dtype import same_element

from .codec_building import Array, build, chunks, numpy_type, spec_of
from .codec_samples import Sample, cases, require, sample_cases


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

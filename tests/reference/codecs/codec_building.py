"""What the codec contract builds from a sample: the codec through the registry's entry point, the spec of
a chunk, chunks of values drawn by hypothesis, and the format whose metadata names a codec."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from zn5.conformance.suite.canonical import object_array
from zn5.reference.codecs import registry
from zn5.reference.codecs.base import ChunkSpec, Codec
from zn5.reference.model.dtype import DataType, object_element, ragged_items

from .codec_samples import Sample

Array = np.ndarray[Any, Any]
KEY = "x/zarr.json"
LOCATION = "codecs[0]"


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
    if bounds is None and dtype.kind == "f" and dtype.itemsize == 2:
        # hypothesis's float16 elements reject most of what they draw (its filter_too_much health check
        # fails for about one seed in eight); the bits of every float16, NaN payloads and all, instead
        return hnp.arrays(np.dtype("u2"), shape).map(lambda bits: bits.view(dtype))
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


ZARR2_ONLY = ("numcodecs.vlen-array", "numcodecs.json2", "numcodecs.msgpack2")
"""The object codecs of ``ragged[T]`` and ``json``, which only Zarr v2 holds (CORE-VLEN-009)."""


def home_format(codec: type[Codec]) -> str:
    """The format whose metadata names ``codec`` by its canonical name: Zarr v3, N5 for the ``n5.``
    codecs, Zarr v2 for the object codecs only it holds (CORE-VLEN-009)."""
    if codec.name.startswith("n5."):
        return "n5"
    return "zarr2" if codec.name in ZARR2_ONLY else "zarr3"

"""The registry the codec contract runs over, in the manner of zarr-python's shared codec tests: each codec
class in ``registry.CODECS`` is taken from the registry itself, so a codec added there is covered at once
(and fails until ``SAMPLES`` gives it a configuration). One class per name, Zarr v2 id and N5 type
(CORE-CODEC-007); an unknown name is unsupported (CORE-CODEC-003)."""

from __future__ import annotations

import pytest

import zn5.reference as zn5
from zn5.reference.codecs import registry
from zn5.reference.codecs.base import ArrayArrayCodec, ArrayBytesCodec, BytesBytesCodec

from .codec_building import KEY, LOCATION, home_format
from .codec_samples import REGISTERED, SAMPLES, WRONG_TYPE


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

"""The codec contract on configurations, run over the whole registry. Per codec:

* a configuration read into the codec and written out again is the same configuration, directly and
  through the metadata of every format that names the codec (CORE-CODEC-006, CORE-CODEC-007);
* a configuration with an unknown member or a member of the wrong type is rejected with CORE-CODEC-006;
* the codecs whose decoding runs code (pickle) are refused by every format (CORE-VLEN-005).

A configuration that a format has no form for is refused by that format's writer (``NO_FORM_IN``);
nothing is skipped.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import zn5.reference as zn5
from zn5.reference.codecs import registry
from zn5.reference.codecs.base import ArrayArrayCodec, ArrayBytesCodec, BytesBytesCodec, ChunkSpec, Codec
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.n5_block import N5Block
from zn5.reference.model.dtype import DataType
from zn5.reference.store.memory import MemoryStore

from .codec_building import KEY, LOCATION, build, home_format, numpy_type, spec_of
from .codec_samples import BYTES_LITTLE, WRONG_TYPE, Sample, require, sample_cases

ZARR3_REQUIREMENTS: dict[str, tuple[str, str]] = {"numcodecs.bz2": ("ZARR3-CODEC-002", "ZARR2-CODEC-003")}
"""Codecs whose Zarr v3 name a reader maps through numcodecs' codec of that id (ZARR3-CODEC-002), not
through the core codec: numcodecs refuses an unknown member (ZARR3-CODEC-002), and the members mean
what they mean in Zarr v2 (ZARR2-CODEC-003). The requirements for (unknown member, wrong type)."""


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

"""The three dialects as mappings onto the core model, through the public entry points only.

A document is read with ``zn5.open`` and written again from the model it gave (a node rewrites its
metadata when its attributes are saved). Two properties, for every example document of the spec:

* document → model → document is the identity, once the document is completed with the defaults its
  format states for the members it leaves out (``complete``: each rule names its requirement);
* the written document is a fixed point: reading and writing it again gives the same bytes, in the
  canonical form (CORE-META-002).

``DEFAULTS`` then checks, member by member, the value a reader gives a member that is absent.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import zn5.reference as zn5
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.blosc import Blosc
from zn5.reference.codecs.bytes import BytesCodec
from zn5.reference.codecs.bz2 import Bz2
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.lzma import Lzma
from zn5.reference.codecs.n5_block import N5Block
from zn5.reference.codecs.n5_lz4 import N5Lz4
from zn5.reference.codecs.shuffle import Shuffle
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.codecs.zlib import Zlib
from zn5.reference.codecs.zstd import Zstd
from zn5.reference.store.memory import MemoryStore

EXAMPLES = Path(__file__).resolve().parents[3] / "spec" / "examples"
FORMAT_OF = {"zarray": "zarr2", "zgroup": "zarr2", "zattrs": "zarr2", "zarr": "zarr3", "attributes": "n5"}
"""The format of an example by the word before ``.json`` in its name (spec/conventions.md, "Examples")."""
N5_VERSION = "4.0.0"
"""The version a writer of this specification records at the root (N5-META-001)."""
Document = dict[str, Any]


def examples() -> list[Path]:
    """Every format document among the spec's examples (not the core descriptions beside them)."""
    return sorted(path for path in EXAMPLES.rglob("*.json") if path.name.split(".")[-2] in FORMAT_OF)


def kind(path: Path) -> tuple[str, str]:
    """The format and the document key of an example, from its name: ``a.zarray.json`` is ``.zarray``,
    ``a.zarr.json`` is ``zarr.json``, ``a.attributes.json`` is ``attributes.json``."""
    word = path.name.split(".")[-2]
    return FORMAT_OF[word], f".{word}" if FORMAT_OF[word] == "zarr2" else f"{word}.json"


def extension(value: Any) -> Document:
    """An extension object in full: a name alone is short for an empty configuration (ZARR3-EXT-002)."""
    full: Document = {"name": value} if isinstance(value, str) else copy.deepcopy(value)
    full.setdefault("configuration", {})
    return full


CODEC_DEFAULTS: dict[str, Document] = {
    "zstd": {"checksum": False},  # spec/codecs/zstd.md, configuration table
    "sharding_indexed": {"index_location": "end"},  # CODEC-SHARDING-001
}
KEY_SEPARATORS = {"default": "/", "v2": "."}
"""The separator of each chunk key encoding when its configuration names none (ZARR3-KEY-001)."""


def complete_codec(value: Any) -> Document:
    codec = extension(value)
    codec["configuration"] = {**CODEC_DEFAULTS.get(codec["name"], {}), **codec["configuration"]}
    for chain in ("codecs", "index_codecs"):
        if codec["name"] == "sharding_indexed" and chain in codec["configuration"]:
            codec["configuration"][chain] = [complete_codec(inner) for inner in codec["configuration"][chain]]
    return codec


def complete_zarr3(document: Document) -> Document:
    document.setdefault("attributes", {})  # absent: no attributes (ZARR3-META-005)
    if document["node_type"] == "array":
        encoding = extension(document["chunk_key_encoding"])
        encoding["configuration"].setdefault("separator", KEY_SEPARATORS[encoding["name"]])
        document["chunk_key_encoding"] = encoding
        document["codecs"] = [complete_codec(codec) for codec in document["codecs"]]
    return document


def complete_n5(document: Document) -> Document:
    compression = document.get("compression")
    if compression is not None and compression["type"] == "gzip" and compression.get("level", -1) == -1:
        compression["level"] = 6  # -1 is the zlib default, which is 6 (N5-CODEC-003)
    if "dimensions" not in document:
        document.setdefault("n5", N5_VERSION)  # the root group records the version (N5-META-001)
    return document


def complete(format_name: str, key: str, document: Document) -> Document:
    """``document`` with the members its format gives a default filled in with that default."""
    document = copy.deepcopy(document)
    if key == ".zarray":
        document.setdefault("dimension_separator", ".")  # written always, default "." (ZARR2-META-004)
    if format_name == "zarr3":
        return complete_zarr3(document)
    if format_name == "n5":
        return complete_n5(document)
    return document


def store_of(path: Path) -> MemoryStore:
    """A store holding the example at the root (with the group document a bare ``.zattrs`` needs)."""
    _, key = kind(path)
    store = MemoryStore({key: path.read_bytes()})
    if key == ".zattrs":
        store.set(".zgroup", b'{"zarr_format": 2}')
    return store


def rewritten(store: MemoryStore, path: str = "") -> dict[str, bytes]:
    """The documents a node's model writes: the node is opened, the store emptied, the node saved."""
    node = zn5.open(store, path=path)
    store.values.clear()
    node.attrs.update_all({})
    return dict(store.values)


def canonical(document: Document) -> bytes:
    """Members sorted, two-space indents, UTF-8 unescaped, a final newline (CORE-META-002)."""
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def example_id(path: Path) -> str:
    return path.relative_to(EXAMPLES).as_posix()


def test_there_are_examples_of_every_format() -> None:
    assert {kind(path)[0] for path in examples()} == {"zarr2", "zarr3", "n5"}


@pytest.mark.parametrize("path", examples(), ids=example_id)
def test_a_document_survives_the_core_model(path: Path) -> None:
    format_name, key = kind(path)
    written = rewritten(store_of(path))
    original = json.loads(path.read_bytes())
    assert json.loads(written[key]) == complete(format_name, key, original)


@pytest.mark.parametrize("path", examples(), ids=example_id)
def test_a_written_document_is_a_fixed_point(path: Path) -> None:
    once = rewritten(store_of(path))
    twice = rewritten(MemoryStore(once))
    assert twice == once
    assert all(raw == canonical(json.loads(raw)) for raw in once.values())


@dataclass(frozen=True)
class Default:
    """A document that leaves a member out, what a reader makes of it, and the rule."""

    name: str
    key: str
    document: Document
    read: Callable[[zn5.Array], Any]
    expected: Any
    requirement: str


ZARRAY: Document = {
    "zarr_format": 2,
    "shape": [6, 5],
    "chunks": [4, 4],
    "dtype": "<u2",
    "compressor": None,
    "fill_value": 0,
    "order": "C",
    "filters": None,
}
ZARR_JSON: Document = {
    "zarr_format": 3,
    "node_type": "array",
    "shape": [6, 5],
    "data_type": "uint16",
    "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [4, 4]}},
    "chunk_key_encoding": {"name": "default"},
    "fill_value": 0,
    "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
}
DATASET: Document = {"dimensions": [6, 5], "blockSize": [4, 4], "dataType": "uint16"}


def compressor(array: zn5.Array) -> Any:
    return array.model.codecs[-1]


def block_compression(array: zn5.Array) -> tuple[Codec, ...]:
    """The compression inside an N5 dataset's block codec."""
    (block,) = array.model.codecs
    assert isinstance(block, N5Block)
    return block.compression


def chunk_key(array: zn5.Array) -> str:
    """The key of the chunk at grid position (1, 0), the array at ``x``."""
    return array.chunk_key((1, 0))


DEFAULTS = [
    Default("zarr2-separator", ".zarray", ZARRAY, chunk_key, "x/1.0", "ZARR2-META-004"),
    Default(
        "zarr2-order-c",
        ".zarray",
        ZARRAY,
        lambda a: a.model.codecs,
        (BytesCodec("little"),),
        "ZARR2-CODEC-004",
    ),
    Default(
        "zarr2-order-f",
        ".zarray",
        ZARRAY | {"order": "F"},
        lambda a: a.model.codecs[0],
        Transpose((1, 0)),
        "ZARR2-META-005",
    ),
    Default(
        "zarr2-fill-null", ".zarray", ZARRAY | {"fill_value": None}, lambda a: a[0, 0], 0, "CORE-FILL-004"
    ),
    Default(
        "zarr2-shuffle-elementsize",
        ".zarray",
        ZARRAY | {"compressor": {"id": "shuffle"}},
        compressor,
        Shuffle(4),
        "CODEC-SHUFFLE-001",
    ),
    Default(
        "zarr2-blosc-typesize",
        ".zarray",
        ZARRAY | {"compressor": {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": -1}},
        compressor,
        Blosc("lz4", 5, "shuffle", 2),
        "CODEC-BLOSC-006",
    ),
    Default("zarr3-default-separator", "zarr.json", ZARR_JSON, chunk_key, "x/c/1/0", "ZARR3-KEY-001"),
    Default(
        "zarr3-v2-separator",
        "zarr.json",
        ZARR_JSON | {"chunk_key_encoding": "v2"},
        chunk_key,
        "x/1.0",
        "ZARR3-KEY-001",
    ),
    Default("zarr3-no-attributes", "zarr.json", ZARR_JSON, lambda a: dict(a.attrs), {}, "ZARR3-META-005"),
    Default(
        "zarr3-no-names", "zarr.json", ZARR_JSON, lambda a: a.model.dimension_names, None, "ZARR3-META-006"
    ),
    Default(
        "zarr3-zstd-checksum",
        "zarr.json",
        ZARR_JSON | {"codecs": [*ZARR_JSON["codecs"], {"name": "zstd", "configuration": {"level": 1}}]},
        compressor,
        Zstd(1, False),
        "CODEC-ZSTD-001",
    ),
    Default(
        "zarr3-numcodecs-bz2-level",
        "zarr.json",
        ZARR_JSON | {"codecs": [*ZARR_JSON["codecs"], {"name": "numcodecs.bz2", "configuration": {}}]},
        compressor,
        Bz2(1),
        "ZARR3-CODEC-002",
    ),
    Default(
        "n5-keys",
        "attributes.json",
        DATASET | {"compression": {"type": "raw"}},
        chunk_key,
        "x/1/0",
        "N5-KEY-001",
    ),
    Default(
        "n5-fill",
        "attributes.json",
        DATASET | {"compression": {"type": "raw"}},
        lambda a: a[5, 4],
        0,
        "N5-FILL-001",
    ),
    Default(
        "n5-axes",
        "attributes.json",
        DATASET | {"dimensions": [2, 7, 3], "blockSize": [1, 4, 2], "compression": {"type": "raw"}},
        lambda a: (a.shape, a.chunks),
        ((2, 7, 3), (1, 4, 2)),
        "N5-AXIS-001",
    ),
]
N5_COMPRESSION_DEFAULTS = [
    ("raw", {}, ()),
    ("gzip", {}, (Gzip(6),)),
    ("gzip", {"level": -1, "useZlib": True}, (Zlib(6),)),
    ("bzip2", {}, (Bz2(9),)),
    ("xz", {}, (Lzma(6),)),
    ("blosc", {}, (Blosc("blosclz", 6, "noshuffle", 1, 0),)),
    ("zstd", {}, (Zstd(3),)),
    ("lz4", {}, (N5Lz4(65536),)),
]
"""Each N5 compression type with members left out, and the codec the table's defaults give (N5-CODEC-003)."""
DEFAULTS += [
    Default(
        f"n5-{type_name}-{index}",
        "attributes.json",
        DATASET | {"compression": {"type": type_name, **members}},
        block_compression,
        expected,
        "N5-CODEC-003",
    )
    for index, (type_name, members, expected) in enumerate(N5_COMPRESSION_DEFAULTS)
]


@pytest.mark.parametrize("default", DEFAULTS, ids=[default.name for default in DEFAULTS])
def test_an_absent_member_takes_its_default(default: Default) -> None:
    store = MemoryStore({f"x/{default.key}": json.dumps(default.document).encode()})
    array = zn5.open_array(store, path="x")
    assert default.read(array) == default.expected, default.requirement

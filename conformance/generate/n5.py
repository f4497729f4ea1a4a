"""N5-only read cases: axis order, truncated and padded edge blocks, varlength blocks, and the metadata
forms real writers produce (spec/formats/n5.md)."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from typing import Any

import numpy as np

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import (
    FORMAT_READ_REQUIREMENTS,
    build_array,
    id_seed,
    read_tokens,
    sample_values,
)
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.n5_block import N5Block
from zn5.reference.store.memory import MemoryStore

GENERATOR = "zn5.conformance.generate.n5"
SHAPE = (5, 3, 2)
BLOCK = (4, 2, 2)


def _tokens(*extra: str, compressed: bool = False) -> list[str]:
    codecs = (N5Block((Gzip(1),)),) if compressed else (N5Block(),)
    return read_tokens("n5", np.dtype("uint16"), codecs, *extra)


def _values() -> np.ndarray[Any, Any]:
    x, y, z = np.indices(SHAPE)
    values: np.ndarray[Any, Any] = (z * 15 + y * 5 + x).astype("uint16")
    return values


def _block_bytes(values: np.ndarray[Any, Any], sizes: tuple[int, ...], mode: int = 0) -> bytes:
    header = struct.pack(f">HH{len(sizes)}I", mode, len(sizes), *sizes)
    if mode == 1:
        header += struct.pack(">I", values.size)
    return header + np.asarray(values, dtype=">u2").tobytes(order="F")


def _case(
    slug: str,
    description: str,
    requirements: list[str],
    store: MemoryStore,
    expected: Any,
    tokens: list[str],
    node: str = "array",
    area: str | None = None,
    seed: int | None = None,
) -> CaseDraft:
    """A read case; ``seed`` is recorded when the values are random (drawn with the hash of the case id)."""
    return CaseDraft(
        id=_case_id(slug, requirements, area),
        kind="read",
        requirements=[*FORMAT_READ_REQUIREMENTS["n5"], *requirements],
        description=description,
        requires=tokens,
        tags=["n5"],
        store=store,
        node=node,
        expected_array=expected,
        origin={"generator": GENERATOR, **({} if seed is None else {"seed": seed})},
    )


def _case_id(slug: str, requirements: list[str], area: str | None = None) -> str:
    if area is None:
        area = "block" if "block" in requirements[0] or slug.startswith("edge") else "dataset"
    return f"n5/{area}/{slug}"


# (slug, description, requirement IDs, the keys of the edge blocks stored padded to the full block size)
PADDED: list[tuple[str, str, list[str], tuple[str, ...]]] = [
    (
        "edge-blocks-padded",
        "edge blocks padded to the full block size read like truncated ones",
        ["N5-BLOCK-004", "N5-AXIS-001", "N5-EDGE-001"],
        ("array/1/0/0", "array/1/1/0", "array/0/1/0"),
    ),
    (
        "edge-blocks-mixed",
        "one padded and several truncated edge blocks in one dataset read exactly",
        ["N5-BLOCK-004", "N5-EDGE-001"],
        ("array/1/1/0",),
    ),
]


def _padded_edge_blocks(
    slug: str, description: str, requirements: list[str], keys: tuple[str, ...]
) -> CaseDraft:
    """The edge blocks at ``keys`` hold their region's elements padded with zeros to ``BLOCK``
    (N5-BLOCK-004); the other edge blocks are truncated, as the reference writes them."""
    values = _values()
    store = build_array("n5", values, BLOCK)
    for key in keys:
        position = [int(part) for part in key.split("/")[1:]]
        region = tuple(slice(i * b, i * b + b) for i, b in zip(position, BLOCK, strict=True))
        part = values[region]
        block = np.zeros(BLOCK, dtype="uint16")
        block[tuple(slice(0, n) for n in part.shape)] = part
        store.values[key] = _block_bytes(block, BLOCK)
    return _case(slug, description, requirements, store, values, _tokens())


def _small_interior_block() -> CaseDraft:
    values = _values()
    store = build_array("n5", values, BLOCK)
    store.values["array/0/0/0"] = _block_bytes(values[:2, :1, :2], (2, 1, 2))
    expected = values.copy()
    expected[:4, :2, :2] = 0
    expected[:2, :1, :2] = values[:2, :1, :2]
    return _case(
        "block-smaller-than-region",
        "the elements of a block's region that a smaller stored block leaves out read as zero",
        ["N5-EDGE-001", "N5-BLOCK-004"],
        store,
        expected,
        _tokens(),
        area="block",
    )


def _varlength_block() -> CaseDraft:
    values = _values()
    store = build_array("n5", values, BLOCK)
    store.values["array/0/0/0"] = _block_bytes(values[:4, :2, :2], BLOCK, mode=1)
    return _case(
        "varlength-mode-block",
        "a varlength-mode block whose count equals its size reads as elements",
        ["N5-BLOCK-005"],
        store,
        values,
        _tokens("feature:n5-varlength-block"),
    )


def _axis_order() -> CaseDraft:
    requirements = ["N5-AXIS-001", "N5-BLOCK-002", "N5-KEY-001"]
    seed = id_seed(_case_id("axis-order-declared", requirements))
    values = sample_values("uint16", (6, 4, 3), seed)
    store = build_array("n5", values, (4, 3, 2), compressor=Gzip(1))
    return _case(
        "axis-order-declared",
        "the dataset's shape is dimensions as declared, first axis fastest",
        requirements,
        store,
        values,
        _tokens(compressed=True),
        seed=seed,
    )


def _no_root_attributes() -> CaseDraft:
    values = _values()
    store = build_array("n5", values, BLOCK, path="group/array")
    del store.values["attributes.json"]
    return _case(
        "no-root-attributes",
        "a dataset in a container without root attributes opens by its path",
        ["CORE-NODE-004", "N5-META-001", "N5-ROOT-001"],
        store,
        values,
        _tokens("feature:implicit-group"),
        node="group/array",
    )


def _edit_attributes(
    store: MemoryStore, key: str, change: dict[str, Any], remove: tuple[str, ...] = ()
) -> None:
    document = json.loads(store.values[key])
    document.update(change)
    for name in remove:
        document.pop(name)
    store.values[key] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


def _root_versions() -> Iterator[CaseDraft]:
    for version in ("2.0.0", "1.0.0"):
        values = _values()
        store = build_array("n5", values, BLOCK)
        _edit_attributes(store, "attributes.json", {"n5": version})
        yield _case(
            f"root-version-{version.replace('.', '-')}",
            f"a root group declaring N5 version {version} opens",
            ["N5-META-001", "N5-ROOT-002"],
            store,
            values,
            _tokens(),
        )


def _gzip_defaults() -> CaseDraft:
    values = _values()
    store = build_array("n5", values, BLOCK, compressor=Gzip(6))
    _edit_attributes(store, "array/attributes.json", {"compression": {"type": "gzip"}})
    return _case(
        "gzip-defaults",
        "a gzip compression object without level or useZlib uses their defaults",
        ["N5-CODEC-001", "CODEC-GZIP-001", "N5-CODEC-003"],
        store,
        values,
        _tokens(compressed=True),
    )


def _user_attributes() -> CaseDraft:
    values = _values()
    store = build_array("n5", values, BLOCK, attributes={"resolution": [4, 4, 40], "units": "nm"})
    return _case(
        "user-attributes",
        "user attributes beside the reserved keys leave the data as declared",
        ["N5-META-005"],
        store,
        values,
        _tokens(),
    )


def cases() -> Iterator[CaseDraft]:
    """The N5 read cases."""
    for row in PADDED:
        yield _padded_edge_blocks(*row)
    yield _varlength_block()
    yield _axis_order()
    yield _no_root_attributes()
    yield from _root_versions()
    yield _gzip_defaults()
    yield _user_attributes()
    yield _small_interior_block()

"""Helpers the generator families share: deterministic values, stores built with the reference, tokens."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from zn5.conformance.generate.case import CaseDraft, Selection
from zn5.conformance.suite.canonical import describe_node, object_array
from zn5.conformance.suite.case import Level
from zn5.conformance.suite.tokens import dtype_name_token
from zn5.reference.api import create_array, open_array
from zn5.reference.codecs.base import Codec
from zn5.reference.model.dtype import DataType, ragged_items
from zn5.reference.store.memory import MemoryStore

FORMATS = ("zarr2", "zarr3", "n5")
N5_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float32", "float64")
ZARR_TYPES = (*N5_TYPES, "bool", "float16", "complex64", "complex128")
FORMAT_READ_REQUIREMENTS = {
    "zarr2": ["ZARR2-META-001", "ZARR2-DTYPE-001"],
    "zarr3": ["ZARR3-META-002", "ZARR3-DTYPE-001"],
    "n5": ["N5-META-002", "N5-BLOCK-002"],
}


def sample_values(dtype: Any, shape: tuple[int, ...], seed: int) -> np.ndarray[Any, Any]:
    """Varied, deterministic values of ``dtype``: extremes, and for floats NaN, infinities and -0.0;
    for the variable-length types empty, long, non-ASCII and NUL-holding elements."""
    if DataType.of(dtype).is_variable:
        return _variable_values(DataType.of(dtype), shape, seed)
    if DataType.of(dtype).is_structured:
        return _records(DataType.of(dtype), shape, seed)
    numpy_dtype = np.dtype(dtype).newbyteorder("=")
    rng = np.random.default_rng(seed)
    count = int(np.prod(shape, dtype=np.int64))
    kind = numpy_dtype.kind
    if kind == "b":
        flat = rng.integers(0, 2, count).astype(bool)
    elif kind in "iu":
        info = np.iinfo(numpy_dtype)
        flat = rng.integers(info.min, info.max, count, dtype=numpy_dtype, endpoint=True)
        flat[:2] = [info.min, info.max][: min(2, count)]
    elif kind in "fc":
        flat = (rng.standard_normal(count) * 1000).astype(numpy_dtype)
        if kind == "c":
            flat = flat + 1j * (rng.standard_normal(count) * 10).astype(numpy_dtype)
        specials = np.array([np.nan, np.inf, -np.inf, -0.0], dtype=numpy_dtype)
        flat[: min(4, count)] = specials[: min(4, count)]
    elif kind == "S":
        flat = np.array(
            [bytes([65 + (i % 26)] * (i % (numpy_dtype.itemsize + 1))) for i in range(count)],
            dtype=numpy_dtype,
        )
    elif kind == "U":
        length = numpy_dtype.itemsize // 4
        flat = np.array(["äβ€😀xyz"[i % 7 :][:length] for i in range(count)], dtype=numpy_dtype)
    elif kind == "V":
        flat = np.frombuffer(rng.bytes(count * numpy_dtype.itemsize), dtype=numpy_dtype).copy()
    else:
        flat = rng.integers(-(10**9), 10**9, count).astype(numpy_dtype)
    return flat.reshape(shape).astype(numpy_dtype.newbyteorder("="))


TEXTS = ("", "a", "zn5", "äβ€😀", "a\x00b", "line\nbreak", "x" * 40)


JSON_VALUES: tuple[Any, ...] = (
    None,
    True,
    0,
    -1.5,
    2**53 + 1,
    "äβ€😀",
    "",
    [],
    {},
    [1, "x", None],
    {"a": [1, None], "b": {"c": False}},
    "line\nbreak",
)
"""``json`` elements of every kind (CORE-VLEN-007): null, a boolean, numbers (one beyond 2**53), text,
empty and nested arrays and objects."""


def _variable_values(dtype: DataType, shape: tuple[int, ...], seed: int) -> np.ndarray[Any, Any]:
    """Strings (or their UTF-8 bytes) of varied lengths in a seeded order (CORE-VLEN-001); for
    ``ragged[T]`` seeded items of ``T``, from none to six (CORE-VLEN-006); for ``json`` the values of
    :data:`JSON_VALUES` in a seeded order (CORE-VLEN-007)."""
    count = int(np.prod(shape, dtype=np.int64))
    rng = np.random.default_rng(seed)
    order = rng.permutation(count)
    values: list[Any]
    if dtype.is_ragged:
        items = ragged_items(dtype.numpy_dtype)
        values = [sample_values(items, (int(i) % 7,), int(rng.integers(2**32))) for i in order]
    elif dtype.name == "json":
        values = [JSON_VALUES[int(i) % len(JSON_VALUES)] for i in order]
    else:
        texts = [f"{TEXTS[i % len(TEXTS)]}{i // len(TEXTS) or ''}" for i in order]
        if dtype.kind == "T":
            return np.array(texts, dtype=dtype.numpy_dtype).reshape(shape)
        values = [text.encode("utf-8") for text in texts]
    return object_array(values, dtype.numpy_dtype).reshape(shape)


def _records(dtype: DataType, shape: tuple[int, ...], seed: int) -> np.ndarray[Any, Any]:
    """Records whose every field holds :func:`sample_values` of its own type (CORE-STRUCT-001)."""
    rng = np.random.default_rng(seed)
    records = np.zeros(shape, dtype=dtype.numpy_dtype)
    for name, field in dtype.fields:
        records[name] = sample_values(field.numpy_dtype, shape, int(rng.integers(2**32)))
    return records


def id_seed(case_id: str) -> int:
    """A seed from the case id alone, so that cases do not shift each other's bytes."""
    return int.from_bytes(hashlib.sha256(case_id.encode()).digest()[:4], "big")


def build_array(
    format_name: str,
    values: np.ndarray[Any, Any],
    chunks: Sequence[int],
    *,
    path: str = "array",
    store: MemoryStore | None = None,
    write: Any = ...,
    **options: Any,
) -> MemoryStore:
    """A store holding ``values`` (or the part ``write`` selects) written by the reference."""
    store = store if store is not None else MemoryStore()
    array = create_array(
        store,
        format=format_name,
        path=path,
        shape=values.shape,
        dtype=values.dtype,
        chunks=tuple(chunks),
        **options,
    )
    if write is not None:
        array[write] = values[write] if write is not ... else values
    return store


def attributes_case(
    case_id: str,
    layout: Mapping[str, Any],
    attributes: dict[str, Any],
    *,
    requirements: list[str],
    description: str,
    origin: dict[str, Any],
) -> CaseDraft:
    """A metadata case of an empty array at ``array`` (``layout``: ``create_array``'s ``shape``, ``dtype``
    and ``chunks``) whose user ``attributes`` a reader presents exactly as stored (CORE-ATTR-001); the
    format is the first part of ``case_id``."""
    format_name = case_id.split("/", 1)[0]
    store = MemoryStore()
    array = create_array(store, format=format_name, path="array", attributes=attributes, **layout)
    return CaseDraft(
        id=case_id,
        kind="metadata",
        requirements=requirements,
        description=description,
        requires=[f"format:{format_name}", "op:metadata"],
        tags=["metadata", "attributes"],
        store=store,
        node="array",
        expected_node=describe_node(array.model) | {"attributes": json.loads(json.dumps(attributes))},
        origin=origin,
    )


def dtype_token(dtype: Any) -> str:
    """The capability token of a data type."""
    return dtype_name_token(DataType.of(dtype).name)


def codec_tokens(codecs: Sequence[Codec]) -> list[str]:
    """Capability tokens for the codecs of a chain (nested sharding codecs included)."""
    tokens = []
    for codec in codecs:
        tokens.append(f"codec:{codec.name}")
        for attribute in ("codecs", "compression", "index_codecs"):
            inner = getattr(codec, attribute, ())
            tokens.extend(codec_tokens(inner))
    return tokens


def read_tokens(format_name: str, dtype: Any, codecs: Sequence[Codec], *extra: str) -> list[str]:
    """The tokens of a read case."""
    return [f"format:{format_name}", "op:read", dtype_token(dtype), *codec_tokens(codecs), *extra]


def read_case(
    generator: str,
    case_id: str,
    store: MemoryStore,
    expected: np.ndarray[Any, Any],
    *,
    seed: int | None = None,
    requirements: list[str],
    description: str,
    tags: list[str],
    extra: Sequence[str] = (),
    node: str = "array",
    selection: Selection = None,
    codecs: Sequence[Codec] | None = None,
    level: Level = "MUST",
) -> CaseDraft:
    """A read case of the array at ``node`` of ``store``, which holds ``expected`` wherever ``selection``
    (by default the whole array) reads.

    Its values were drawn with ``seed``, by default the hash of the case id (:func:`id_seed`). It requires
    the format (the first part of ``case_id``), the data type of ``expected``, the codecs the reference
    opens at ``node`` (or ``codecs``) and the ``extra`` tokens."""
    if codecs is None:
        codecs = open_array(store, path=node.strip("/")).model.codecs
    return CaseDraft(
        id=case_id,
        kind="read",
        level=level,
        requirements=requirements,
        description=description,
        requires=read_tokens(case_id.split("/", 1)[0], expected.dtype, codecs, *extra),
        tags=tags,
        store=store,
        node=node,
        selection=selection,
        expected_array=expected[numpy_selection(selection)],
        origin={"generator": generator, "seed": id_seed(case_id) if seed is None else seed},
    )


EDGE_SHAPE, EDGE_CHUNKS = (5, 7), (2, 3)
"""An array whose chunk grid has edge chunks on both axes, and its chunks."""
FIRST_CHUNK_ROW = (slice(0, 2), slice(0, 7))
"""The first row of chunks of that grid: what is written of an array whose other chunks are missing."""


def seeded_zarr2(
    case_id: str, filled: np.ndarray[Any, Any], *, missing_chunks: bool = True, **options: Any
) -> tuple[MemoryStore, np.ndarray[Any, Any]]:
    """A Zarr v2 store of a seeded array (:func:`sample_values` with the case's seed) of the type and shape
    of ``filled``, in chunks of ``EDGE_CHUNKS``, written by the reference with the ``options``: all of it,
    or with ``missing_chunks`` only its first row of chunks. And what a reader reads from it: the written
    values, ``filled`` (the fill value) where nothing was written."""
    write = FIRST_CHUNK_ROW if missing_chunks else ...
    values = sample_values(filled.dtype, filled.shape, id_seed(case_id))
    store = build_array("zarr2", values, EDGE_CHUNKS, write=write, **options)
    expected = filled.copy()
    expected[write] = values[write]
    return store, expected


def format_read_case(
    generator: str,
    case_id: str,
    store: MemoryStore,
    expected: np.ndarray[Any, Any],
    requirements: Sequence[str],
    **options: Any,
) -> CaseDraft:
    """A :func:`read_case` that requires the read requirements of its format (the first part of
    ``case_id``: ZARR2-META-001, ZARR3-META-002 or N5-META-002 and the like) before ``requirements``."""
    format_name = case_id.split("/", 1)[0]
    required = [*FORMAT_READ_REQUIREMENTS[format_name], *requirements]
    return read_case(generator, case_id, store, expected, requirements=required, **options)


def sampled_read_case(
    generator: str,
    case_id: str,
    array: tuple[str, tuple[int, ...], tuple[int, ...]],
    build: Mapping[str, Any],
    requirements: Sequence[str],
    **options: Any,
) -> CaseDraft:
    """A :func:`format_read_case` of ``array`` (data type, shape, chunks): :func:`sample_values` drawn with
    the case's seed, written by the reference in the case's format with the ``build`` options."""
    dtype, shape, chunks = array
    values = sample_values(dtype, shape, id_seed(case_id))
    store = build_array(case_id.split("/", 1)[0], values, chunks, **build)
    return format_read_case(generator, case_id, store, values, requirements, **options)


def numpy_selection(selection: Selection) -> Any:
    """The NumPy index of a case's selection: ``[start, stop, step]`` per sliced axis, or an integer."""
    if selection is None:
        return ...
    return tuple(item if isinstance(item, int) else slice(*item) for item in selection)

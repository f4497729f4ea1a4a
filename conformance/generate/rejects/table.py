"""The reject table's row, :class:`Reject`, the rows every format shares, and how a row becomes a reject
case and its valid twin, a read case that differs only by the fault (DECISIONS.md section 6)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.common import (
    FORMAT_READ_REQUIREMENTS,
    build_array,
    id_seed,
    read_tokens,
    sample_values,
)
from zn5.conformance.generate.rejects.faults import Fault, set_member
from zn5.reference.api import open_array
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.store.memory import MemoryStore

GENERATOR = "zn5.conformance.generate.rejects"
GZIP: tuple[tuple[str, Any], ...] = (("compressor", Gzip(1)),)


@dataclass(frozen=True)
class Reject:
    """One fault: how to break a valid store and what a reader reports.

    ``also`` names further requirements the reject case tests (a reader that gets one of them wrong
    accepts the fault too). The valid store is an int32 array of shape (6, 5) in chunks of (4, 4)
    unless ``dtype``, ``shape`` or ``chunks`` say otherwise; ``prepare`` edits it before the fault,
    for twin and reject alike. ``node`` is the path the reject case opens (a path can be the fault).
    """

    format: str
    slug: str
    fault: Fault
    phase: str
    category: str
    requirement: str
    description: str
    options: tuple[tuple[str, Any], ...] = ()
    also: tuple[str, ...] = ()
    dtype: str = "int32"
    shape: tuple[int, ...] = (6, 5)
    chunks: tuple[int, ...] = (4, 4)
    prepare: Fault | None = None
    node: str = "array"


def parent_name_in_path(format: str) -> Reject:
    """The fault of every format's node paths: a path with a '..' name (CORE-NODE-002)."""
    return Reject(
        format,
        "path-parent-name",
        lambda store: None,
        "open",
        "store",
        "CORE-NODE-002",
        "a node path with a '..' name",
        node="array/../array",
    )


def float_in_shape(format: str) -> Reject:
    """The fault of the Zarr formats' integer lists: a shape entry written as a float (CORE-META-004)."""
    return Reject(
        format,
        "shape-float",
        set_member("shape", [6.0, 5]),
        "open",
        "metadata",
        "CORE-META-004",
        "a shape entry written as 6.0",
    )


def _base(reject: Reject, seed: int) -> tuple[MemoryStore, Any, tuple[Codec, ...]]:
    values = sample_values(reject.dtype, reject.shape, seed)
    store = build_array(reject.format, values, reject.chunks, **dict(reject.options))
    if reject.prepare is not None:
        reject.prepare(store)
    return store, values, open_array(store, path="array").model.codecs


def reject_cases(rejects: list[Reject]) -> Iterator[CaseDraft]:
    """A reject case and its valid twin for each of ``rejects``. Both hold the same values, drawn with
    the hash of the twin's id, so that no row shifts another's bytes."""
    for reject in rejects:
        twin_id = f"{reject.format}/twin/{reject.slug}"
        seed = id_seed(twin_id)
        store, values, codecs = _base(reject, seed)
        tokens = read_tokens(reject.format, values.dtype, codecs)
        yield CaseDraft(
            id=twin_id,
            kind="read",
            requirements=[*FORMAT_READ_REQUIREMENTS[reject.format], reject.requirement],
            description=f"the valid twin of the reject case {reject.slug} reads exactly",
            requires=tokens,
            tags=["twin"],
            store=store,
            node="array",
            expected_array=values,
            origin={"generator": GENERATOR, "seed": seed},
        )
        broken, _, _ = _base(reject, seed)
        reject.fault(broken)
        yield CaseDraft(
            id=f"{reject.format}/reject/{reject.slug}",
            kind="reject",
            requirements=[reject.requirement, *reject.also],
            description=f"{reject.description} is refused",
            requires=tokens,
            tags=["reject", reject.phase],
            store=broken,
            node=reject.node,
            error={
                "phase": reject.phase,
                "category": reject.category,
                "requirement": reject.requirement,
                "twin": twin_id,
            },
            origin={"generator": GENERATOR, "seed": seed},
        )

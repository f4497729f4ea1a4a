"""Reject cases: one fault each, named after the fault, citing the requirement it breaks; each with a valid
twin, a read case that differs only by the fault (DECISIONS.md section 6).

The table is split by what the fault breaks: each format's metadata (``zarr2_metadata``, ``zarr3_metadata``,
``n5_metadata``), stored chunks (``chunks``) and the strict twins of the known deviations (``strict``);
``table`` holds the row type and turns rows into cases, ``faults`` the edits that break a store.
"""

from __future__ import annotations

from collections.abc import Iterator

from zn5.conformance.generate.case import CaseDraft
from zn5.conformance.generate.rejects.chunks import CHUNKS
from zn5.conformance.generate.rejects.n5_metadata import N5_METADATA
from zn5.conformance.generate.rejects.strict import STRICT
from zn5.conformance.generate.rejects.table import Reject, reject_cases
from zn5.conformance.generate.rejects.zarr2_metadata import ZARR2_METADATA
from zn5.conformance.generate.rejects.zarr3_metadata import ZARR3_METADATA

REJECTS: list[Reject] = [*ZARR2_METADATA, *ZARR3_METADATA, *N5_METADATA, *CHUNKS, *STRICT]


def cases() -> Iterator[CaseDraft]:
    """A reject case and its valid twin for every fault."""
    yield from reject_cases(REJECTS)

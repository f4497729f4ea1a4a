"""The row of the write matrix: one write case as ``create_array`` options, values and requirements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from zn5.conformance.suite.gaps import Gap

GENERATOR = "zn5.conformance.generate.write_matrix"
Values = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Row:
    """One write case: the array to create, what it shows, and the requirements it tests.

    ``fill_chunk``: the first chunk holds nothing but the fill value, so that a writer may leave it out
    (CORE-ARRAY-005) and a reader must then give the fill value back (CORE-CHUNK-001).
    ``values``: ``"sample"`` (extremes, NaN, infinities) or ``"small"`` (integers 0 to 99, for chains
    whose filters are lossless only on such values).
    ``gaps``: the gaps of ``suite.gaps`` the case covers that its target description does not show.
    """

    format: str
    slug: str
    dtype: str
    shape: tuple[int, ...]
    chunks: tuple[int, ...]
    options: dict[str, Any]
    what: str
    requirements: list[str]
    fill_chunk: bool = False
    values: str = "sample"
    path: str = "array"
    gaps: tuple[Gap, ...] = ()

    @property
    def id(self) -> str:
        """The case id."""
        return f"{self.format}/write/{self.slug}"

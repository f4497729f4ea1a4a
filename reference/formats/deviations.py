"""Known deviations: what released writers put in their documents against a rule, read anyway.

``spec/core/metadata.md`` ("Known deviations") lists each one as a MAY of its own (CORE-DEVIATION-001 to
CORE-DEVIATION-012, CORE-DEVIATION-014, CORE-DEVIATION-015), naming the writer, its versions, the rule
it breaks and how it is read (DECISIONS.md section 4). A dialect that meets one records a problem of
level ``deviation`` that carries both IDs (the rule broken, and the entry that allows reading it); the
reader then warns with the entry's own warning class below, and ``zn5 validate`` reports the problem
as the violation it is. What is not in the list, and a deviation that would give wrong values, stays
an error. The reference never writes any of them (CORE-DEVIATION-013).
"""

from __future__ import annotations

from typing import ClassVar


class LenientReadWarning(UserWarning):
    """A known deviation of a real writer was read anyway; ``requirement`` is the entry's ID."""

    requirement: ClassVar[str] = ""


class BareNonFiniteNumberWarning(LenientReadWarning):
    """Bare ``NaN``/``Infinity``/``-Infinity`` in a document (zarrita, zarr-python 2 and 3)."""

    requirement = "CORE-DEVIATION-001"


class BloscShuffleWordWarning(LenientReadWarning):
    """A Zarr v2 blosc ``shuffle`` written as GDAL's word ``"NONE"`` or ``"BIT"``."""

    requirement = "CORE-DEVIATION-002"


class UnknownCodecMemberWarning(LenientReadWarning):
    """An unknown member of a Zarr v2 or N5 codec configuration (zarr-python 2's N5 zstd)."""

    requirement = "CORE-DEVIATION-003"


class LegacyCompressionTypeWarning(LenientReadWarning):
    """An N5 ``compressionType`` string instead of a ``compression`` object (N5 format version 0)."""

    requirement = "CORE-DEVIATION-004"


class MissingGroupDocumentWarning(LenientReadWarning):
    """A Zarr node whose root or ancestor has no group document (tensorstore, zarr.js, zarrita)."""

    requirement = "CORE-DEVIATION-005"


class IntegralFloatFillWarning(LenientReadWarning):
    """A Zarr v2 integer fill value written as a whole float such as ``3.0`` (z5py 3.0.2)."""

    requirement = "CORE-DEVIATION-006"


class ZeroChunkLengthWarning(LenientReadWarning):
    """A Zarr v2 chunk length 0 on an axis of length 0 (zarr-python 2 before PR #4328)."""

    requirement = "CORE-DEVIATION-007"


class NumberStringFillWarning(LenientReadWarning):
    """A Zarr v2 numeric fill value written as a JSON string holding a number, ``"0"`` (n5-zarr)."""

    requirement = "CORE-DEVIATION-008"


class IntegerBoolFillWarning(LenientReadWarning):
    """A bool fill value written as ``0`` or ``1`` (zarrita, zarr.js, zarr-java)."""

    requirement = "CORE-DEVIATION-009"


class NullConsolidatedMetadataWarning(LenientReadWarning):
    """``"consolidated_metadata": null`` in a Zarr v3 group (zarr-python 3.0.0 to 3.1.3)."""

    requirement = "CORE-DEVIATION-010"


class NotATimeStringFillWarning(LenientReadWarning):
    """A Zarr v2 datetime/timedelta fill value written as ``"NaT"`` (zarr-python 3.0)."""

    requirement = "CORE-DEVIATION-011"


class InertCodecMemberWarning(LenientReadWarning):
    """A Zarr v3 codec member that does not change the bytes: blosc ``nthreads``, gzip ``useZlib: false``
    (n5-zarr)."""

    requirement = "CORE-DEVIATION-012"


class NumcodecsLz4InN5Warning(LenientReadWarning):
    """An N5 ``lz4`` compression that carries ``"id": "lz4"``: zarr-python 2's N5Store wrote numcodecs'
    lz4 framing under N5's name."""

    requirement = "CORE-DEVIATION-014"


class ObjectZeroFillWarning(LenientReadWarning):
    """A Zarr v2 ``string`` or ``bytes`` object array whose fill value is ``0`` (zarr-python 2's default)."""

    requirement = "CORE-DEVIATION-015"


WARNINGS: dict[str, type[LenientReadWarning]] = {
    warning.requirement: warning for warning in LenientReadWarning.__subclasses__()
}
"""Each known deviation's warning class, by the entry's requirement ID."""

"""Reading codec configurations: each member checked, each problem named by its member."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any, Self

import numpy as np

_MISSING = object()


class UnknownMemberError(ValueError):
    """A configuration has a member its codec does not define."""

    def __init__(self, member: str, allowed: Collection[str]) -> None:
        self.member = member
        super().__init__(f"unknown configuration member {member!r}; expected only {sorted(allowed)}")


def check_members(configuration: Mapping[str, Any], allowed: Collection[str]) -> None:
    """Raise UnknownMemberError when the configuration has a member the codec does not define."""
    unknown = sorted(set(configuration) - set(allowed))
    if unknown:
        raise UnknownMemberError(unknown[0], allowed)


class Unconfigured:
    """A codec whose configuration has no members: it is built from ``{}`` and recorded as ``{}``; any
    member is refused as unknown. Listed before the codec's kind among its bases."""

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> Self:
        check_members(configuration, ())
        return cls()

    def configuration(self) -> dict[str, Any]:
        return {}


def integer(
    configuration: Mapping[str, Any],
    name: str,
    *,
    low: int,
    high: int,
    default: Any = _MISSING,
) -> int:
    """The integer member ``name``, between ``low`` and ``high`` inclusive."""
    value = configuration.get(name, default)
    if value is _MISSING:
        raise ValueError(f"configuration.{name} is required")
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"configuration.{name} must be an integer from {low} to {high} (got {value!r})")
    return value


def choice(
    configuration: Mapping[str, Any], name: str, options: Collection[Any], *, default: Any = _MISSING
) -> Any:
    """The member ``name``, one of ``options``; ``default`` when it is absent."""
    if name not in configuration:
        if default is _MISSING:
            raise ValueError(f"configuration.{name} is required")
        return default
    value = configuration[name]
    if isinstance(value, bool) and not any(isinstance(option, bool) for option in options):
        raise ValueError(f"configuration.{name} must be one of {sorted(map(repr, options))} (got {value!r})")
    if value not in options:
        raise ValueError(f"configuration.{name} must be one of {sorted(map(repr, options))} (got {value!r})")
    return value


def boolean(configuration: Mapping[str, Any], name: str, *, default: bool) -> bool:
    """The boolean member ``name``."""
    value = configuration.get(name, default)
    if not isinstance(value, bool):
        raise ValueError(f"configuration.{name} must be true or false (got {value!r})")
    return value


def dtype_string(configuration: Mapping[str, Any], name: str, kinds: str, *, default: Any = _MISSING) -> str:
    """The NumPy type string member ``name`` (``"<f8"``, ``"|u1"``), of one of the NumPy ``kinds``."""
    value = configuration.get(name, default)
    if value is _MISSING:
        raise ValueError(f"configuration.{name} is required")
    try:
        dtype = np.dtype(value) if isinstance(value, str) else None
    except (TypeError, ValueError):
        dtype = None
    if dtype is None or dtype.kind not in kinds:
        raise ValueError(
            f"configuration.{name} must be a NumPy type string of kind {kinds!r} (got {value!r})"
        )
    return dtype.str


def number(configuration: Mapping[str, Any], name: str) -> int | float:
    """The required finite JSON number member ``name``."""
    value = configuration.get(name, _MISSING)
    if value is _MISSING:
        raise ValueError(f"configuration.{name} is required")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"configuration.{name} must be a finite number (got {value!r})")
    return value

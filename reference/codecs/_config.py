"""Reading codec configurations: each member checked, each problem named by its member."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

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

"""The JSON Schema half of ``zn5 validate``: each metadata document against its schema in ``schemas/``.

A schema error becomes a problem naming the requirement the schema annotates (``x-zn5-requirement``)
and what is wrong in words; a violation that a dialect lists among its known schema deviations is
reported at level ``deviation`` with the entry that lets readers read it (DECISIONS.md section 4).
:func:`merge` keeps the reference's problems and adds only the schema's that none of them explains.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import Any, Final

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from zn5.conformance.suite.resources import SCHEMAS
from zn5.conformance.validation.report import Level
from zn5.reference.errors import Problem
from zn5.reference.formats.dialect import DIALECTS, dialect
from zn5.reference.formats.documents import type_name

SCHEMA_ROOT: Final = SCHEMAS
SCHEMA_BASE: Final = "https://zn5.dev/schemas/"
REQUIREMENT_ANNOTATION: Final = "x-zn5-requirement"


@cache
def schema_registry() -> Registry[Any]:
    """Every schema under each format's folder (``schemas/zarr2``, ``schemas/zarr3``, ``schemas/n5``),
    by ``$id``."""
    resources = []
    for folder in DIALECTS:
        for path in sorted((SCHEMA_ROOT / folder).rglob("*.schema.json")):
            contents = json.loads(path.read_text(encoding="utf-8"))
            resources.append(
                (contents["$id"], Resource.from_contents(contents, default_specification=DRAFT202012))
            )
    return Registry().with_resources(resources)


def schema_id(name: str) -> str:
    """The ``$id`` of a schema named by its path under ``schemas/`` without the suffix (``zarr3/array``)."""
    return f"{SCHEMA_BASE}{name}.schema.json"


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for the schema ``name`` (``zarr3/array``) that resolves references between schemas."""
    contents = schema_registry().contents(schema_id(name))
    return Draft202012Validator(contents, registry=schema_registry())


def schema_name(format_name: str, document_name: str, path: str, document: Mapping[str, Any]) -> str:
    """The schema a metadata document follows."""
    return dialect(format_name).schema_name(document_name, path, document)


ALIASES: Final[Mapping[str, tuple[str, ...]]] = {"compressionType": ("compression",)}
"""Reference problem locations that also explain schema errors at other locations."""


def render_location(path: Iterable[str | int]) -> str:
    """A JSON location such as ``codecs[0].configuration.level``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _annotations(name: str, schema_path: Sequence[str | int]) -> tuple[str, str | None]:
    """The nearest requirement ID and description along ``schema_path``, following ``$ref``."""
    resolved = schema_registry().resolver().lookup(schema_id(name))
    node: Any = resolved.contents
    resolver = resolved.resolver
    requirement: str = node.get(REQUIREMENT_ANNOTATION, "CORE-META-001")
    description: str | None = None
    for part in schema_path:
        while isinstance(node, dict) and part not in node and "$ref" in node:
            resolved = resolver.lookup(node["$ref"])
            node, resolver = resolved.contents, resolved.resolver
            requirement = node.get(REQUIREMENT_ANNOTATION, requirement)
            description = node.get("description", description)
        in_object = isinstance(node, dict) and part in node
        in_array = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if not (in_object or in_array):
            break
        node = node[part]
        if isinstance(node, dict) and part not in ("properties", "$defs", "patternProperties"):
            requirement = node.get(REQUIREMENT_ANNOTATION, requirement)
            description = node.get("description", description)
    return requirement, description


def _message(error: ValidationError, description: str | None) -> str:
    """What is wrong, in words; ``description`` is the nearest description of the failing schema."""
    keyword, value, instance = error.validator, error.validator_value, error.instance
    simple: dict[str, Callable[[], str]] = {
        "enum": lambda: f"must be one of {_short(value)} (got {_short(instance)})",
        "const": lambda: f"must be {_short(value)} (got {_short(instance)})",
        "minimum": lambda: f"must be at least {value} (got {_short(instance)})",
        "maximum": lambda: f"must be at most {value} (got {_short(instance)})",
        "multipleOf": lambda: f"must be a multiple of {value} (got {_short(instance)})",
        "minItems": lambda: f"must have at least {value} items (has {len(instance)})",
        "maxItems": lambda: f"must have at most {value} items (has {len(instance)})",
        "maxProperties": lambda: f"must have at most {value} members (has {len(instance)})",
        "uniqueItems": lambda: f"must not repeat an item (got {_short(instance)})",
    }
    if keyword in simple:
        return simple[keyword]()
    local = error.schema.get("description") if isinstance(error.schema, dict) else None
    if keyword == "type":
        expected = " or ".join(value) if isinstance(value, list) else value
        text = f"must be {'an' if expected[0] in 'aeiou' else 'a'} {expected}, not {type_name(instance)}"
        return f"{text} ({local[0].lower()}{local[1:].rstrip('.')})" if local else text
    if keyword == "pattern":
        text = f"{_short(instance)} is not of the required form"
        return f"{text}: {description}" if description else f"{text} ({value})"
    if description:
        return f"{_short(instance)} is not allowed here: {description}"
    text = str(error.message)
    return text if len(text) <= 200 else text[:197] + "..."


def schema_problems(key: str, name: str, document: Mapping[str, Any], format_name: str) -> list[Problem]:
    """Every way ``document`` breaks the schema ``name``, as problems of ``key``."""
    problems: list[Problem] = []
    for error in validator(name).iter_errors(document):
        requirement, description = _annotations(name, list(error.absolute_schema_path))
        base = list(error.absolute_path)
        if error.validator == "required":
            missing = [member for member in error.validator_value if member not in error.instance]
            items = [([*base, member], "is required", None) for member in missing]
        elif error.validator == "additionalProperties":
            known = set(error.schema.get("properties", {}))
            patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
            extra = [m for m in error.instance if m not in known and not any(p.search(m) for p in patterns)]
            items = [([*base, m], "is not allowed here", error.instance[m]) for m in extra]
        else:
            items = [(base, _message(error, description), error.instance)]
        for path, message, value in items:
            location = render_location(path)
            level: Level = "error"
            found_requirement, allowed_by = requirement, ""
            for deviation in dialect(format_name).schema_deviations:
                if (
                    deviation.keyword == error.validator
                    and deviation.location.match(location)
                    and deviation.applies(document, location, value)
                ):
                    level, found_requirement = "deviation", deviation.requirement
                    allowed_by = deviation.allowed_by.requirement
                    message = f"{message} ({deviation.writer})"
                    break
            problem = Problem(key, location, message, found_requirement, level, allowed_by)
            if problem not in problems:
                problems.append(problem)
    return problems


def _within(inner: str, outer: str) -> bool:
    if inner == outer:
        return True
    return outer != "" and inner.startswith((outer + ".", outer + "["))


def merge(reference: Sequence[Problem], schema: Sequence[Problem]) -> list[Problem]:
    """The reference's problems, then the schema's that no reference problem of the same key explains."""
    merged = list(reference)
    for problem in schema:
        explained = False
        for found in reference:
            if found.key != problem.key:
                continue
            locations = (found.location, *ALIASES.get(found.location, ()))
            if any(_within(problem.location, at) or _within(at, problem.location) for at in locations):
                explained = True
                break
        if not explained and problem not in merged:
            merged.append(problem)
    return merged

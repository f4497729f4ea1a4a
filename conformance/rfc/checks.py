"""The checks of ``zn5 rfc check``: each RFC on its own (schema, number, dates, Last Call, mentions,
decision records), the RFCs together (unique numbers, references, supersession), and the repository.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from zn5.conformance.rfc.documents import (
    BREAKING_DAYS,
    FILE_NAME_RE,
    LAST_CALL_DAYS,
    TEMPLATE_NAME,
    FrontMatter,
    Layout,
    Problem,
    Rfc,
    int_list,
    load_rfc,
    load_rfcs,
    load_validator,
    parse_date,
    rfc_files,
    string_list,
)
from zn5.conformance.rfc.evidence import (
    check_evidence,
    load_evidence,
    needs_evidence,
)
from zn5.conformance.rfc.history import (
    check_history,
)

# --------------------------------------------------------------------------------------------------------
# Checks on one RFC


def _json_path(parts: Iterable[str | int]) -> str:
    """A JSON path such as ``authors[0].name`` for a schema error location."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _schema_problem(file: str, error: ValidationError, front_matter: FrontMatter) -> Problem:
    """Turn one schema error into a problem that names the field and the rule."""
    if error.validator == "anyOf" and error.context:
        non_type = [cause for cause in error.context if cause.validator != "type"]
        error = (non_type or error.context)[0]
    parts: list[str | int] = list(error.absolute_path)
    message = error.message
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if error.validator == "pattern" and description:
        message = f"{error.instance!r} does not follow the rule: {description}"
    elif error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        parts.extend(missing[:1])
        message = "is required here but missing"
    elif error.validator in (None, "not"):
        message = "is not allowed here"
    schema_path = list(error.schema_path)
    if schema_path[:1] == ["allOf"] and any(step in ("then", "else") for step in schema_path):
        message += f" (status {front_matter.get('status')!r}, track {front_matter.get('track')!r})"
    return Problem(file, _json_path(parts) or "(front matter)", message)


def check_schema(rfc: Rfc, validator: Draft202012Validator, layout: Layout) -> list[Problem]:
    """Validate the front matter against the JSON Schema."""
    file = layout.display(rfc.path)
    errors = sorted(
        validator.iter_errors(rfc.front_matter), key=lambda error: [str(part) for part in error.absolute_path]
    )
    return [_schema_problem(file, error, rfc.front_matter) for error in errors]


def check_number(rfc: Rfc, layout: Layout) -> list[Problem]:
    """The number in the front matter equals the ``NNNN`` prefix of the file name."""
    match = FILE_NAME_RE.fullmatch(rfc.path.name)
    if match is None or rfc.number is None or int(match["number"]) == rfc.number:
        return []  # a malformed file name is reported by check_file_names
    message = f"is {rfc.number}, but the file name says {int(match['number'])}"
    return [Problem(layout.display(rfc.path), "number", message)]


def check_dates(rfc: Rfc, layout: Layout, today: dt.date) -> list[Problem]:
    """Dates are real calendar days, not in the future, and in order."""
    file = layout.display(rfc.path)
    problems: list[Problem] = []
    days: dict[str, dt.date] = {}
    last_call = rfc.front_matter.get("last_call")
    fields: list[tuple[str, object]] = [
        ("created", rfc.front_matter.get("created")),
        ("updated", rfc.front_matter.get("updated")),
    ]
    if isinstance(last_call, dict):
        fields += [
            ("last_call.opened", last_call.get("opened")),
            ("last_call.closes", last_call.get("closes")),
        ]
    for name, value in fields:
        day = parse_date(value)
        if day is None:
            if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                problems.append(Problem(file, name, f"{value} is not a calendar date"))
            continue
        days[name] = day
        if name != "last_call.closes" and day > today:
            problems.append(Problem(file, name, f"{value} is in the future"))
    problems += _date_order(file, days)
    return problems


def _date_order(file: str, days: Mapping[str, dt.date]) -> list[Problem]:
    """Each pair of dates that must be ordered is ordered."""
    pairs = [
        ("created", "updated"),
        ("created", "last_call.opened"),
        ("last_call.opened", "last_call.closes"),
    ]
    return [
        Problem(file, later, f"{days[later]} is before {earlier} ({days[earlier]})")
        for earlier, later in pairs
        if earlier in days and later in days and days[later] < days[earlier]
    ]


def minimum_last_call_days(front_matter: Mapping[str, Any]) -> int:
    """The shortest Last Call window the RFC's track and compatibility allow."""
    if front_matter.get("compatibility") == "breaking":
        return BREAKING_DAYS
    return LAST_CALL_DAYS.get(str(front_matter.get("track")), max(LAST_CALL_DAYS.values()))


def check_last_call(rfc: Rfc, layout: Layout) -> list[Problem]:
    """A Last Call window is at least as long as the track asks."""
    last_call = rfc.front_matter.get("last_call")
    if not isinstance(last_call, dict):
        return []
    opened, closes = parse_date(last_call.get("opened")), parse_date(last_call.get("closes"))
    if opened is None or closes is None:
        return []
    needed = minimum_last_call_days(rfc.front_matter)
    if (closes - opened).days >= needed:
        return []
    message = f"the window is {(closes - opened).days} days; this RFC needs at least {needed}"
    return [Problem(layout.display(rfc.path), "last_call.closes", message)]


def check_mentions(rfc: Rfc, layout: Layout) -> list[Problem]:
    """Every requirement ID in the front matter is stated in the RFC's text."""
    file = layout.display(rfc.path)
    problems = []
    for field in ("requirements", "removes"):
        for requirement in string_list(rfc.front_matter.get(field)):
            if not re.search(rf"(?<![A-Z0-9-]){re.escape(requirement)}(?![A-Z0-9-])", rfc.body):
                message = f"{requirement} is listed but the text never mentions it"
                problems.append(Problem(file, field, message))
    return problems


def check_decision(rfc: Rfc, layout: Layout) -> list[Problem]:
    """A decision record given as a repository path exists."""
    decision = rfc.front_matter.get("decision")
    if not isinstance(decision, str) or not decision.startswith("governance/decisions/"):
        return []  # a URL is not followed; any other form is the schema's to report
    if (layout.root / decision).is_file():
        return []
    return [Problem(layout.display(rfc.path), "decision", f"{decision} does not exist")]


# --------------------------------------------------------------------------------------------------------
# Checks across RFCs


def check_unique_numbers(rfcs: Sequence[Rfc], layout: Layout) -> list[Problem]:
    """No two RFCs share a number."""
    seen: dict[int, Rfc] = {}
    problems = []
    for rfc in rfcs:
        if rfc.number is None:
            continue
        if rfc.number in seen:
            other = layout.display(seen[rfc.number].path)
            message = f"{rfc.number} is also used by {other}"
            problems.append(Problem(layout.display(rfc.path), "number", message))
        else:
            seen[rfc.number] = rfc
    return problems


def check_references(rfcs: Sequence[Rfc], layout: Layout) -> list[Problem]:
    """``requires``, ``supersedes`` and ``superseded_by`` name existing RFCs, and supersession is mutual."""
    by_number = {rfc.number: rfc for rfc in rfcs if rfc.number is not None}
    problems = []
    for rfc in rfcs:
        file = layout.display(rfc.path)
        superseded_by = rfc.front_matter.get("superseded_by")
        targets = [
            ("requires", int_list(rfc.front_matter.get("requires"))),
            ("supersedes", int_list(rfc.front_matter.get("supersedes"))),
            ("superseded_by", [superseded_by] if isinstance(superseded_by, int) else []),
        ]
        for field, numbers in targets:
            for number in numbers:
                if number == rfc.number:
                    problems.append(Problem(file, field, "an RFC cannot refer to itself"))
                elif number not in by_number:
                    problems.append(Problem(file, field, f"RFC {number} does not exist"))
        problems += _supersession_problems(rfc, by_number, file)
    return problems


def _supersession_problems(rfc: Rfc, by_number: Mapping[int, Rfc], file: str) -> list[Problem]:
    """``superseded_by`` is answered by ``supersedes``, and a Final successor marks its predecessors."""
    problems = []
    superseded_by = rfc.front_matter.get("superseded_by")
    successor = by_number.get(superseded_by) if isinstance(superseded_by, int) else None
    if successor is not None and rfc.number not in int_list(successor.front_matter.get("supersedes")):
        message = f"RFC {successor.number} does not list {rfc.number} in supersedes"
        problems.append(Problem(file, "superseded_by", message))
    if rfc.status != "Final":
        return problems
    for number in int_list(rfc.front_matter.get("supersedes")):
        old = by_number.get(number)
        if old is None or (old.status, old.front_matter.get("superseded_by")) == ("Superseded", rfc.number):
            continue
        message = f"RFC {number} must be Superseded, with superseded_by {rfc.number}, once this RFC is Final"
        problems.append(Problem(file, "supersedes", message))
    return problems


# --------------------------------------------------------------------------------------------------------
# The whole repository


def check_template(layout: Layout, validator: Draft202012Validator) -> list[Problem]:
    """The template's front matter is valid apart from its placeholder number 0."""
    path = layout.rfcs / TEMPLATE_NAME
    if not path.is_file():
        return [Problem(layout.display(path), "(file)", "the RFC template is missing")]
    template, problems = load_rfc(path, layout)
    if template is None:
        return problems
    if template.front_matter.get("number") != 0:
        problems.append(Problem(layout.display(path), "number", "the template's number must be 0"))
    candidate = Rfc(template.path, {**template.front_matter, "number": 1}, template.body)
    return problems + check_schema(candidate, validator, layout)


def check_file_names(layout: Layout) -> list[Problem]:
    """Markdown files whose name starts with a digit follow ``NNNN-slug.md``."""
    message = "must be NNNN-slug.md: four digits, a hyphen, lower-case words joined by hyphens"
    return [
        Problem(layout.display(path), "(file name)", message)
        for path in rfc_files(layout.rfcs)
        if FILE_NAME_RE.fullmatch(path.name) is None
    ]


def check_rfc(rfc: Rfc, layout: Layout, validator: Draft202012Validator, today: dt.date) -> list[Problem]:
    """Every check that needs only this RFC (and, for its history, git)."""
    return (
        check_schema(rfc, validator, layout)
        + check_number(rfc, layout)
        + check_dates(rfc, layout, today)
        + check_last_call(rfc, layout)
        + check_mentions(rfc, layout)
        + check_decision(rfc, layout)
    )


def check_repository(layout: Layout, *, history: bool = True, today: dt.date | None = None) -> list[Problem]:
    """Run every RFC check and return the problems found, sorted by file."""
    today = today or dt.date.today()
    validator = load_validator(layout.schema)
    rfcs, problems = load_rfcs(layout)
    if not layout.rfcs.is_dir():
        return problems
    problems += check_template(layout, validator) + check_file_names(layout)
    problems += check_unique_numbers(rfcs, layout) + check_references(rfcs, layout)
    for rfc in rfcs:
        problems += check_rfc(rfc, layout, validator, today)
        if history:
            problems += check_history(rfc, layout, today)
    if any(needs_evidence(rfc) for rfc in rfcs):
        evidence, found = load_evidence(layout)
        problems += found
        for rfc in filter(needs_evidence, rfcs):
            problems += check_evidence(rfc, layout, evidence)
    return sorted(set(problems))

"""The deviations page of the website (``deviations.md``): every failing case of a third-party library,
expected (xfail) or not, and every failing cell of the writer × reader matrix, by library and by
requirement, each with the command that reproduces it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from reports import GENERATED, HTTP, Report, cited, load_interop, requirement_links
from tables import cell, table

DEVIATIONS_PAGE: Final = "deviations.md"

FAILING: Final = ("fail", "missed-reject", "wrong-reject", "crash", "timeout", "adapter-error", "xfail")
"""The outcomes the deviations page lists: every failure, expected (xfail) or not."""
NO_REQUIREMENT: Final = "no requirement cited"


@dataclass(frozen=True)
class Deviation:
    """One failing case of one library: where it was found, what the runner said, how to reproduce it."""

    library: str
    adapter: str
    case_id: str
    outcome: str
    requirements: tuple[str, ...]
    message: str
    command: str
    expected_by: str | None = None
    """The expectation entry's reason; "" when the adapter's expectations do not list the case, None
    where none apply (the writer × reader matrix)."""
    writer: str = ""
    """In the writer × reader matrix: the adapter that wrote the store (the reader is ``adapter``)."""


def run_deviations(report: Report) -> list[Deviation]:
    """The cases of a ``zn5 run`` report that failed, expected or not."""
    found = []
    for case in report.cases:
        if case.get("outcome") not in FAILING:
            continue
        expectation = case.get("expectation")
        reason = str(expectation.get("reason", "")) if isinstance(expectation, dict) else ""  # not listed
        case_id = str(case.get("id"))
        found.append(
            Deviation(
                report.title,
                report.adapter,
                case_id,
                str(case.get("outcome")),
                tuple(cited(case)),
                str(case.get("message", "")),
                f"{report.run_command} --select '{case_id}'",
                reason,
            )
        )
    return found


def _run_deviations(reports: Sequence[Report]) -> list[Deviation]:
    """The failures of every run; of a run over HTTP only those its library's run on files does not have."""
    found = [item for report in reports if report.store != HTTP for item in run_deviations(report)]
    on_files = {(item.adapter, item.case_id) for item in found}
    found += [
        item
        for report in reports
        if report.store == HTTP
        for item in run_deviations(report)
        if (report.impl, item.case_id) not in on_files
    ]
    return found


def interop_deviations(root: Path) -> list[Deviation]:
    """The failing cells of the writer × reader matrix, each charged to its reader, with the
    requirements of the write case whose array the writer stored."""
    document = load_interop(root)
    if document is None:
        return []
    libraries = document.get("libraries")
    names = libraries if isinstance(libraries, dict) else {}
    requirements = _write_case_requirements(root)
    found = []
    for entry in document.get("matrix") or ():
        if not isinstance(entry, dict):
            continue
        writer, reader = str(entry.get("writer")), str(entry.get("reader"))
        for failing in entry.get("failing") or ():
            case_id, _, outcome = str(failing).rpartition(": ")
            source = case_id.rsplit("/", 1)[-1].partition("--")[2]
            found.append(
                Deviation(
                    _library_title(names.get(reader), reader),
                    reader,
                    case_id,
                    outcome,
                    requirements.get((case_id.split("/", 1)[0], source), ()),
                    f"reading the store {_library_title(names.get(writer), writer)} wrote.",
                    f"zn5 interop --impl {writer} {reader}"
                    if writer != reader
                    else f"zn5 interop --impl {reader}",
                    writer=writer,
                )
            )
    return found


def _library_title(library: Any, adapter: str) -> str:
    if not isinstance(library, dict):
        return adapter
    return f"{library.get('library', adapter)} {library.get('version', '')}".strip()


def _write_case_requirements(root: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    """The requirements of each write case of the committed corpus, by format and case name."""
    found = {}
    for path in sorted((root / "conformance/corpus/cases").glob("*/write/*/case.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        found[(str(document["format"]), path.parent.name)] = tuple(document.get("requirements", ()))
    return found


def _short(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def deviation_entry(deviation: Deviation) -> list[str]:
    """One failing case: its id, outcome, what went wrong, and the command that reproduces it."""
    expected = (
        ""
        if deviation.expected_by is None
        else f" Expected by the implementer: {cell(deviation.expected_by)}"
        if deviation.expected_by
        else " Not in the adapter's expectations."
    )
    return [
        f"- `{deviation.case_id}`: **{deviation.outcome}**. {_short(cell(deviation.message))}{expected}",
        f"    Reproduce: `{deviation.command}`",
    ]


def deviations_page(root: Path, reports: Sequence[Report], links: Mapping[str, str]) -> str:
    lines = [
        "# Deviations",
        "",
        GENERATED,
        "",
        "Every case a third-party library fails in the committed reports, whether its adapter's "
        "expectation file (`conformance/adapters/<adapter>/expectations.toml`) records the failure or "
        "not, and every store of the [writer × reader matrix](compliance.md#writer-reader) a library "
        "failed to read. They are grouped by library, then by the requirement the case tests; each "
        "entry gives the case ID and the command that reproduces it from a checkout of this project.",
        "",
    ]
    deviations = _run_deviations(reports) + interop_deviations(root)
    if not deviations:
        return "\n".join([*lines, "No report records a failure.", ""])
    by_adapter: dict[str, list[Deviation]] = {}
    for deviation in deviations:
        by_adapter.setdefault(deviation.adapter, []).append(deviation)
    lines += ["## By library", ""]
    for adapter, found in sorted(by_adapter.items()):
        library = found[0].library
        lines += [f"### {cell(library)} (adapter `{adapter}`)", "", f"{len(found)} failing cases.", ""]
        for requirements, group in _by_requirements(found).items():
            lines += [f"#### {', '.join(requirements)}: {cell(library)} (`{adapter}`)", ""]
            lines += [line for deviation in group for line in deviation_entry(deviation)]
            lines.append("")
    lines += ["## By requirement", "", *by_requirement_table(deviations, links), ""]
    return "\n".join(lines)


def _by_requirements(deviations: Sequence[Deviation]) -> dict[tuple[str, ...], list[Deviation]]:
    """The deviations of one library under the requirements their cases test, each case once."""
    groups: dict[tuple[str, ...], list[Deviation]] = {}
    for deviation in sorted(deviations, key=lambda item: item.case_id):
        groups.setdefault(deviation.requirements or (NO_REQUIREMENT,), []).append(deviation)
    return dict(sorted(groups.items()))


def by_requirement_table(deviations: Sequence[Deviation], links: Mapping[str, str]) -> list[str]:
    """One row per requirement: the libraries that fail a case testing it, with those cases."""
    groups: dict[str, dict[str, set[str]]] = {}
    for deviation in deviations:
        for requirement in deviation.requirements or (NO_REQUIREMENT,):
            title = f"{deviation.library} (`{deviation.adapter}`)"
            groups.setdefault(requirement, {}).setdefault(title, set()).add(f"`{deviation.case_id}`")
    rows = []
    for requirement, libraries in sorted(groups.items()):
        shown = "; ".join(
            f"{cell(name)}: {', '.join(sorted(ids))}" for name, ids in sorted(libraries.items())
        )
        label = requirement if requirement == NO_REQUIREMENT else requirement_links([requirement], links)
        rows.append((label, shown))
    return table(("Requirement", "Libraries and cases"), rows)

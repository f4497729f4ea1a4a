"""The compliance pages of the website, generated from the committed conformance reports.

Data (DECISIONS.md section 2: measured results are data, pages are generated at build time):

* ``conformance/reports/<adapter>.json``: one ``zn5 run`` of the corpus against one implementation;
* ``conformance/reports/interop.json``: the writer × reader run (``zn5 interop``), when it exists;
* ``conformance/reports/not-run.toml``: the implementations that cannot be run here, and why.

Pages: ``compliance.md``, here (implementations by conformance profile, the writer × reader matrix,
the implementations not run, results by requirement); ``compliance/<adapter>.md`` (implementations.py),
``deviations.md`` (deviations.py) and ``badges/<adapter>/<profile>.json`` (badges.py), all from the
reports as reports.py reads them.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from badges import badges
from deviations import DEVIATIONS_PAGE, deviations_page, interop_deviations
from implementations import implementation_page
from mkdocs.exceptions import PluginError
from reports import (
    GENERATED,
    INTEROP_REPORT,
    NOT_RUN,
    REPORTS,
    Report,
    load_interop,
    load_reports,
    requirement_links,
)
from tables import cell, table

from zn5.conformance.report.run import lacking, verdict_reason
from zn5.conformance.suite.requirements import RequirementMarkupError, load_requirements

PAGE: Final = "compliance.md"


def compliance_pages(root: Path) -> dict[str, str]:
    """Every generated compliance page, by site path."""
    try:
        requirements = load_requirements(root / "spec")
    except RequirementMarkupError as error:
        raise PluginError(str(error)) from error
    links = {key: f"spec/{value.chapter.as_posix()}#{key}" for key, value in requirements.items()}
    reports = load_reports(root)
    pages = {
        PAGE: overview_page(root, reports, links),
        DEVIATIONS_PAGE: deviations_page(root, reports, links),
        **badges(reports),
    }
    interop = interop_deviations(root)
    for report in reports:
        pages[report.page] = implementation_page(report, links, interop)
    return pages


# --------------------------------------------------------------------------------------------------------
# The overview


def overview_page(root: Path, reports: Sequence[Report], links: Mapping[str, str]) -> str:
    lines = ["# Compliance", "", GENERATED, ""]
    if not reports:
        lines += [
            "No conformance reports are committed yet. A report is what `zn5 run` writes when it runs the "
            "[corpus](corpus.md) against one implementation's adapter; committed as JSON under "
            "`conformance/reports/`, each appears here at the next build of the site.",
            "",
        ]
        return "\n".join(lines + not_run_section(root))
    lines += [
        "Each row is one run of the [conformance corpus](corpus.md) against one implementation, through "
        "its adapter in `conformance/adapters/`; the reports are committed under `conformance/reports/`. "
        "The reference implementation must pass every case. The wrong behaviours found in third-party "
        "libraries are listed on [Deviations](deviations.md).",
        "",
    ]
    return "\n".join(
        lines
        + profile_section(reports)
        + outcome_section(reports)
        + interop_section(root)
        + not_run_section(root)
        + requirement_section(reports, links)
    )


def profile_cell(report: Report, profile: Mapping[str, Any] | None) -> str:
    """✓ when conformant, ✗ with passes and a link when not, – when not claimed (with what it lacks)."""
    if profile is None:
        return "–"
    if not profile.get("claimed"):
        missing = lacking(profile)
        if not missing:
            return "–"
        shown = ", ".join(f"`{token}`" for token in missing[:3])
        return f"– lacks {shown}{', …' if len(missing) > 3 else ''}"
    outcomes = profile.get("outcomes")
    counts = outcomes if isinstance(outcomes, dict) else {}
    passed, total = int(counts.get("pass", 0)), int(profile.get("cases", 0))
    if not total:
        return "– no case run"
    if profile.get("conformant"):
        return f"✓ {passed}/{total}"
    reason = verdict_reason(profile, list(report.profiles.values()))
    return f"[✗ {passed}/{total}]({report.page}#cases-that-did-not-pass){f' ({reason})' if reason else ''}"


def profile_section(reports: Sequence[Report]) -> list[str]:
    names = sorted({name for report in reports for name in report.profiles})
    rows = [
        (
            f"[{cell(report.title)}]({report.page})",
            cell(str(report.implementation.get("language", ""))),
            report.store,
            *(profile_cell(report, report.profiles.get(name)) for name in names),
        )
        for report in reports
    ]
    return [
        "## By conformance profile",
        "",
        "A profile is a [conformance class](spec/conformance-classes.md): the cases of one kind of reader "
        "or writer of one format, with the [verdicts](spec/conformance-classes.md#verdicts) of the spec. "
        "✓ *conformant*: claimed, and every MUST case of the profile (and of the profile it builds on) "
        "passed. ✗ *claimed*: the adapter's declared capabilities cover the profile, so its cases count, "
        "but some did not pass; passes out of cases, linked to those cases. – *not claimed*: the "
        "implementation lacks the format or operation (its cases are scored *unsupported*, never as "
        'passes), or, where "lacks" follows, it runs the profile\'s cases but does not declare the '
        "required capabilities named. *Store*: where the run read the stores from, the case folders "
        "(file) or a local HTTP server that does not list (http, "
        "[PROTO-021](spec/adapter-protocol.md#PROTO-021)), which runs only the cases that read a store.",
        "",
        *table(("Implementation", "Language", "Store", *names), rows),
        "",
    ]


def outcome_section(reports: Sequence[Report]) -> list[str]:
    outcomes = sorted({str(case.get("outcome")) for report in reports for case in report.cases})
    rows = []
    for report in reports:
        counts = Counter(str(case.get("outcome")) for case in report.cases)
        corpus = report.document.get("corpus")
        version = str(corpus.get("version", "")) if isinstance(corpus, dict) else ""
        adapter = report.document.get("adapter")
        adapter_version = str(adapter.get("version", "")) if isinstance(adapter, dict) else ""
        started = str(report.document.get("started", ""))[:10]
        rows.append(
            (
                f"[{cell(report.title)}]({report.page})",
                report.store,
                cell(adapter_version),
                cell(version),
                cell(started),
                str(sum(counts.values())),
                *(str(counts[outcome]) for outcome in outcomes),
            )
        )
    return [
        "## Outcomes",
        "",
        *table(("Implementation", "Store", "Adapter", "Corpus", "Run on", "Cases", *outcomes), rows),
        "",
    ]


def interop_section(root: Path) -> list[str]:
    document = load_interop(root)
    if document is None:
        return []
    cells = document.get("matrix")
    entries = [entry for entry in cells if isinstance(entry, dict)] if isinstance(cells, list) else []
    writers = sorted({str(entry["writer"]) for entry in entries})
    readers = sorted({str(entry["reader"]) for entry in entries})
    by_pair = {(str(entry["writer"]), str(entry["reader"])): entry for entry in entries}

    def pair_cell(writer: str, reader: str) -> str:
        entry = by_pair.get((writer, reader))
        if entry is None or not entry.get("cases"):
            return "–"
        passed, total = int(entry.get("pass", 0)), int(entry["cases"])
        return f"{'✓' if passed == total else '✗'} {passed}/{total}"

    rows = [(cell(writer), *(pair_cell(writer, reader) for reader in readers)) for writer in writers]
    return [
        "## Writer × reader",
        "",
        "Each writer (row) wrote the arrays of the corpus's write cases through its adapter; each reader "
        "(column) then read every store it claims to read through its own adapter. A cell counts the "
        "stores read exactly as written out of those tried; – means the pair has nothing in common. "
        f"From `conformance/reports/{INTEROP_REPORT}` (corpus {document.get('corpus', '')}).",
        "",
        *table(("writer \\ reader", *(cell(reader) for reader in readers)), rows),
        "",
    ]


def not_run_section(root: Path) -> list[str]:
    path = root / REPORTS / NOT_RUN
    if not path.is_file():
        return []
    with path.open("rb") as stream:
        entries = tomllib.load(stream).get("implementation", [])
    rows = [
        (
            cell(str(entry.get("name", ""))),
            cell(str(entry.get("language", ""))),
            cell(str(entry.get("formats", ""))),
            cell(str(entry.get("reason", ""))),
        )
        for entry in entries
        if isinstance(entry, dict)
    ]
    return [
        "## Not run here",
        "",
        "Implementations the community named that the project's machines cannot obtain or build. They have "
        "no row above because no run of theirs exists; nothing is reported on their behalf.",
        "",
        *table(("Implementation", "Language", "Formats", "Why not"), rows),
        "",
    ]


def requirement_section(reports: Sequence[Report], links: Mapping[str, str]) -> list[str]:
    """Per requirement and implementation: passes out of the cases run that cite it."""
    tallies: list[dict[str, tuple[int, int]]] = []
    for report in reports:
        tally: dict[str, tuple[int, int]] = {}
        for case in report.cases:
            if case.get("outcome") in ("unsupported", "skipped"):
                continue
            cited = case.get("requirements")
            for requirement in cited if isinstance(cited, list) else []:
                passed, total = tally.get(str(requirement), (0, 0))
                tally[str(requirement)] = (passed + (case.get("outcome") == "pass"), total + 1)
        tallies.append(tally)
    rows = []
    for requirement in links:
        counts = [tally.get(requirement, (0, 0)) for tally in tallies]
        if not any(total for _, total in counts):
            continue
        cells = [f"{passed}/{total}" if total else "" for passed, total in counts]
        rows.append((requirement_links([requirement], links), *cells))
    if not rows:
        return []
    return [
        "## By requirement",
        "",
        "Passes out of the cases run that cite the requirement (unsupported and skipped cases are not run; "
        "an expected failure is not a pass).",
        "",
        *table(("Requirement", *(cell(report.title) for report in reports)), rows),
        "",
    ]

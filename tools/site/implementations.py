"""The compliance page of one implementation (``compliance/<adapter>.md``): every case that did not pass,
with the runner's message and its readable difference of expected and actual, the writer × reader cells
it failed, and its badges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from badges import badge_section
from deviations import Deviation
from reports import GENERATED, HTTP, Report, cited, requirement_links
from tables import cell, table


def _fenced(text: str) -> list[str]:
    return ["    ```text", *(f"    {line}" for line in text.splitlines()), "    ```"]


def case_entry(case: Mapping[str, Any], links: Mapping[str, str]) -> list[str]:
    """One case that did not pass: outcome, requirements, the runner's message and details folded."""
    lines = [
        f"### `{case.get('id')}`",
        "",
        f"**{case.get('outcome')}** ({case.get('kind')}, {case.get('level')}); "
        f"requirements: {requirement_links(cited(case), links, '../')}",
        "",
    ]
    expectation = case.get("expectation")
    if isinstance(expectation, dict):
        lines += [f"Expected by the implementer: {cell(str(expectation.get('reason', '')))}", ""]
    lines += ["```text", *str(case.get("message", "")).splitlines(), "```", ""]
    for field, title in (("detail", "Details"), ("stderr", "Adapter's standard error")):
        text = case.get(field)
        if isinstance(text, str) and text.strip():
            lines += [f'??? note "{title}"', "", *_fenced(text), ""]
    return lines


def implementation_page(report: Report, links: Mapping[str, str], interop: Sequence[Deviation]) -> str:
    document = report.document
    corpus = document.get("corpus")
    corpus_text = (
        f"{corpus.get('version', '')} (`{corpus.get('digest', '')}`)" if isinstance(corpus, dict) else ""
    )
    adapter = document.get("adapter")
    adapter_text = (
        f"{adapter.get('name', report.adapter)} {adapter.get('version', '')}"
        if isinstance(adapter, dict)
        else report.adapter
    )
    rows = [
        ("Implementation", cell(report.title)),
        ("Language", cell(str(report.implementation.get("language", "")))),
        ("Adapter", cell(adapter_text)),
        ("Corpus", cell(corpus_text)),
        ("Run", cell(f"{document.get('started', '')}, {document.get('duration_s', '')} s")),
        ("Declares", ", ".join(f"`{token}`" for token in document.get("capabilities", ()))),
    ]
    gaps = document.get("format_gaps") or {}
    if gaps:
        by_format = "; ".join(
            f"{name}: {', '.join(f'`{token}`' for token in tokens)}" for name, tokens in sorted(gaps.items())
        )
        rows.append(("Lacks, in one format only", by_format))
    not_passed = [case for case in report.cases if case.get("outcome") not in ("pass", "unsupported")]
    unsupported = [case for case in report.cases if case.get("outcome") == "unsupported"]
    lines = [f"# {report.title}", "", GENERATED.replace("reports/", f"reports/{report.adapter}.json"), ""]
    lines += [*table(("", ""), rows), ""]
    lines += [
        "## Cases that did not pass",
        "",
        f"{len(not_passed)} of {len(report.cases)} cases; {len(unsupported)} more are unsupported (the "
        "adapter does not claim what they need). Back to [Compliance](../compliance.md).",
        "",
    ]
    for case in sorted(not_passed, key=lambda case: str(case.get("id"))):
        lines += case_entry(case, links)
    return "\n".join(lines + interop_sections(report, interop) + badge_section(report))


def interop_sections(report: Report, interop: Sequence[Deviation]) -> list[str]:
    """What the writer × reader matrix says of a library (its run on files): the stores it wrote that
    other libraries read wrong, and the stores of other libraries it read wrong."""
    if report.store == HTTP:
        return []
    written = [item for item in interop if item.writer == report.impl and item.adapter != report.impl]
    read = [item for item in interop if item.adapter == report.impl and item.writer != report.impl]
    sections = []
    for title, found, who in (
        ("Its writes that other libraries read wrong", written, "reader"),
        ("Stores of other libraries that it reads wrong", read, "writer"),
    ):
        sections += [f"## {title}", ""]
        if not found:
            sections += ["None in the [writer × reader matrix](../compliance.md#writer-reader).", ""]
            continue
        rows = [
            (
                f"`{item.case_id}`",
                f"[{cell(item.adapter if who == 'reader' else item.writer)}]"
                f"({item.adapter if who == 'reader' else item.writer}.md)",
                item.outcome,
                f"`{item.command}`",
            )
            for item in found
        ]
        sections += [*table(("Store (case)", who.capitalize(), "Outcome", "Reproduce"), rows), ""]
    return sections

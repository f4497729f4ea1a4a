"""Reports of a run: JSON (the record, schema-checked), Markdown (for people and CI summaries), JUnit XML
(for CI dashboards). The diff of two JSON reports is ``report.diff``.

``report.json`` follows ``schemas/project/report.schema.json`` and is validated before it is written. It
carries the corpus version and digest, the implementation and adapter versions, and every case with its
uid, so that ``report.diff`` can say whether a changed outcome comes from a changed case or a
changed implementation.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final
from xml.etree import ElementTree

from zn5.conformance.execution.protocol import PROTOCOL_VERSION, gaps_json, schema_problem
from zn5.conformance.execution.runner import RunResult
from zn5.conformance.execution.scoring import OUTCOMES, store_excludes
from zn5.conformance.suite.case import Case, Profile
from zn5.conformance.suite.resources import zn5_version

REPORT_FORMAT = 1
REPORT_FILES = {"json": "report.json", "markdown": "report.md", "junit": "junit.xml"}
FAILURE_OUTCOMES = ("fail", "missed-reject", "wrong-reject", "xpass")
ERROR_OUTCOMES = ("crash", "timeout", "adapter-error")
SKIP_OUTCOMES = ("unsupported", "skipped", "xfail")
MARKDOWN_ROWS = 200


class ReportError(ValueError):
    """A report breaks its schema, or cannot be read."""


def _counts(outcomes: Iterable[str]) -> dict[str, int]:
    found = Counter(outcomes)
    return {outcome: found[outcome] for outcome in OUTCOMES if found[outcome]}


def fallback_profiles(cases: Iterable[Case]) -> list[Profile]:
    """One pseudo-profile per format and kind, for a corpus whose capabilities.json names no profiles."""
    pairs = sorted({(case.format, case.kind) for case in cases})
    return [
        Profile(
            f"{format_name}-{kind}",
            frozenset() if format_name == "any" else frozenset({f"format:{format_name}"}),
            frozenset({kind}),
        )
        for format_name, kind in pairs
    ]


def lacking(profile: Mapping[str, Any]) -> list[str]:
    """The required capabilities a profile summary says the adapter lacks, when it has the profile's
    format and operation (without those, the profile is simply not the adapter's)."""
    missing = [str(token) for token in profile.get("missing", ())]
    return [] if any(token.startswith(("format:", "op:")) for token in missing) else missing


def profile_summaries(run: RunResult) -> list[dict[str, Any]]:
    """Per profile: whether the adapter claims it, whether it conforms, and its cases' outcomes.

    A profile is claimed when the adapter declares every capability the profile requires (``missing``
    lists those it does not), and conformant when it is claimed and every MUST or MUST NOT case of the
    profile that was run passed; an xfail or a skip among them means not conformant (CONF-CLASS-002),
    and so does a profile it builds on that is not conformant (CONF-CLASS-005).
    Unsupported cases (a capability beyond the profile) are counted, not held against it; the cases a
    run over HTTP leaves out (writes, PROTO-021) are not the profile's in that run.
    """
    by_id = {case.id: case for case in run.corpus.cases}
    profiles = list(run.corpus.profiles) or fallback_profiles(
        by_id[result.id] for result in run.results if result.id in by_id
    )
    summaries: dict[str, dict[str, Any]] = {}
    for profile in profiles:
        results = [
            result
            for result in run.results
            if result.id in by_id
            and profile.covers(by_id[result.id])
            and store_excludes(by_id[result.id], run.options.store) is None
        ]
        missing = profile.missing(run.hello.capabilities, run.hello.format_gaps)
        claimed = not missing
        musts = [r for r in results if r.level in ("MUST", "MUST NOT") and r.outcome != "unsupported"]
        conformant = claimed and bool(musts) and all(result.outcome == "pass" for result in musts)
        summaries[profile.name] = {
            "name": profile.name,
            "claimed": claimed,
            "missing": missing,
            "conformant": conformant,
            "cases": len(results),
            "outcomes": _counts(result.outcome for result in results),
        }
    for profile in profiles:
        base = summaries.get(profile.builds_on or "")
        if base is not None:
            summaries[profile.name]["builds_on"] = base["name"]
            summaries[profile.name]["conformant"] &= base["conformant"]
    return list(summaries.values())


VERDICT_LEGEND: Final = (
    "claimed: the adapter's declared capabilities cover the profile, so its cases count; "
    "conformant: claimed, and every MUST case of it (and of the profile it builds on) passed "
    "(spec/conformance-classes.md)"
)


def profile_verdict(profile: Mapping[str, Any]) -> str:
    """The verdict of a profile summary in the words of spec/conformance-classes.md (CONF-CLASS-006):
    not claimed, claimed or conformant; a claimed profile with no case run says so."""
    if not profile["claimed"]:
        return "not claimed"
    if profile["conformant"]:
        return "conformant"
    return "claimed" if profile["cases"] else "claimed, no case run"


def verdict_reason(profile: Mapping[str, Any], summaries: Sequence[Mapping[str, Any]]) -> str:
    """Why a claimed profile is not conformant when its own cases all passed: the profile it builds on."""
    base = next((item for item in summaries if item["name"] == profile.get("builds_on")), None)
    if profile_verdict(profile) != "claimed" or base is None or base["conformant"]:
        return ""
    return f"{base['name']} is not conformant"


def portable(text: str) -> str:
    """``text`` with the working folder's path left out of the paths in it, so that a report says
    ``conformance/corpus`` rather than where one checkout happened to be."""
    return text.replace(f"{Path.cwd()}{os.sep}", "")


def _portable_case(entry: dict[str, Any]) -> dict[str, Any]:
    """A case entry whose texts (message, detail, stderr) name paths relative to the working folder."""
    return {key: portable(value) if isinstance(value, str) else value for key, value in entry.items()}


def build_report(run: RunResult, adapter_name: str | None = None) -> dict[str, Any]:
    """The report.json document of a run, validated (ReportError when it is not valid); paths under the
    working folder are given relative to it (:func:`portable`)."""
    adapter: dict[str, Any] = {"version": run.hello.adapter_version, "connection": portable(run.adapter)}
    if adapter_name:
        adapter["name"] = adapter_name
    expectations: dict[str, Any] = {"stale": [entry.to_json() for entry in run.stale]}
    if run.expectations.path is not None:
        expectations |= {
            "path": str(run.expectations.path),
            "digest": run.expectations.digest,
            "implementation": run.expectations.implementation,
            "version": run.expectations.version,
        }
    report = {
        "report_format": REPORT_FORMAT,
        "runner": {"name": "zn5", "version": zn5_version()},
        "protocol": PROTOCOL_VERSION,
        "corpus": {
            "version": run.corpus.version,
            "digest": run.corpus.digest,
            "path": portable(str(run.corpus.root)),
        },
        "implementation": run.hello.implementation.to_json(),
        "adapter": adapter,
        "capabilities": sorted(run.hello.capabilities),
        **({"format_gaps": gaps_json(run.hello.format_gaps)} if run.hello.format_gaps else {}),
        "started": run.started.isoformat(timespec="seconds"),
        "finished": run.finished.isoformat(timespec="seconds"),
        "duration_s": round((run.finished - run.started).total_seconds(), 3),
        "host": {
            "os": f"{platform.system()} {platform.release()}",
            "machine": platform.machine(),
            "python": platform.python_version(),
            "cpus": os.cpu_count() or 1,
        },
        "options": {
            "select": list(run.selection),
            "jobs": run.options.jobs,
            "timeout_s": run.options.timeout,
            "restart_budget": run.options.restart_budget,
            "store": run.options.store,
        },
        "passed": run.passed,
        "summary": {
            "total": len(run.results),
            "outcomes": _counts(result.outcome for result in run.results),
            "imprecise": sum(1 for result in run.results if result.precise is False),
            "profiles": profile_summaries(run),
        },
        "cases": [_portable_case(result.to_json()) for result in run.results],
        "expectations": expectations,
        "notes": list(run.notes),
    }
    validate_report(report)
    return report


def validate_report(report: Any) -> None:
    """Raise ReportError when ``report`` breaks report.schema.json."""
    problem = schema_problem("report", report)
    if problem is not None:
        raise ReportError(f"invalid {problem}")


def load_report(path: Path) -> dict[str, Any]:
    """A report.json (or the report.json inside a report folder), validated."""
    if path.is_dir():
        path = path / REPORT_FILES["json"]
    try:
        report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ReportError(f"{path}: {error}") from None
    validate_report(report)
    return report


def write_reports(report: Mapping[str, Any], directory: Path) -> dict[str, Path]:
    """Write report.json, report.md and junit.xml into ``directory``; return their paths by kind."""
    validate_report(report)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {kind: directory / name for kind, name in REPORT_FILES.items()}
    paths["json"].write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["markdown"].write_text(render_markdown(report), encoding="utf-8")
    paths["junit"].write_text(render_junit(report), encoding="utf-8")
    return paths


# Markdown.


def _cell(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    flat = flat if len(flat) <= limit else flat[: limit - 1] + "…"
    return flat.replace("|", "\\|")


def outcome_label(case: Mapping[str, Any]) -> str:
    return f"{case['outcome']} (imprecise)" if case.get("precise") is False else str(case["outcome"])


def _case_table(cases: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = ["| case | outcome | message |", "|---|---|---|"]
    lines += [
        f"| `{case['id']}` | {outcome_label(case)} | {_cell(case['message'])} |"
        for case in cases[:MARKDOWN_ROWS]
    ]
    if len(cases) > MARKDOWN_ROWS:
        lines.append(f"| … | | {len(cases) - MARKDOWN_ROWS} more in report.json |")
    return lines


def render_markdown(report: Mapping[str, Any]) -> str:
    """A readable summary: verdict, outcome counts, profiles, and every case that needs attention."""
    implementation = report["implementation"]
    corpus = report["corpus"]
    summary = report["summary"]
    verdict = "passed" if report["passed"] else "failed"
    lines = [
        f"# zn5 conformance: {implementation['name']} {implementation['version']}",
        "",
        f"**Run {verdict}.** Corpus {corpus['version']} (`{corpus['digest']}`), "
        f"adapter {report['adapter']['version']} ({_cell(report['adapter']['connection'], 120)}), "
        f"protocol {report['protocol']}, {summary['total']} cases in {report['duration_s']:.1f} s, "
        f"started {report['started']}.",
        "",
        "| outcome | cases |",
        "|---|---|",
    ]
    lines += [f"| {outcome} | {count} |" for outcome, count in summary["outcomes"].items()]
    if summary["imprecise"]:
        lines.append(f"| (of the passes: rejected with another category) | {summary['imprecise']} |")
    lines += [
        "",
        "## Profiles",
        "",
        "| profile | verdict | cases | outcomes |",
        "|---|---|---|---|",
    ]
    for profile in summary["profiles"]:
        outcomes = ", ".join(f"{name} {count}" for name, count in profile["outcomes"].items())
        lacks = ", ".join(f"`{token}`" for token in lacking(profile))
        word = profile_verdict(profile)
        reason = f"lacks {lacks}" if lacks else verdict_reason(profile, summary["profiles"])
        shown = f"**{word}**" if profile["conformant"] else f"{word} ({reason})" if reason else word
        lines.append(f"| {profile['name']} | {shown} | {profile['cases']} | {outcomes} |")
    lines += ["", VERDICT_LEGEND + "."]
    if report["notes"]:  # the run as a whole, such as a --select that limited it (CONF-CLASS-006)
        lines += ["", *(f"Note: {_cell(note)}." for note in report["notes"])]
    cases = report["cases"]
    sections = [
        ("Failures", [c for c in cases if c["outcome"] in ("fail", "missed-reject", "wrong-reject")]),
        ("Unexpected passes", [c for c in cases if c["outcome"] == "xpass"]),
        ("Crashes and time-outs", [c for c in cases if c["outcome"] in ("crash", "timeout")]),
        (
            "Adapter errors (the adapter's glue, not the implementation)",
            [c for c in cases if c["outcome"] == "adapter-error"],
        ),
        ("Rejected with another error category", [c for c in cases if c.get("precise") is False]),
        ("Expected failures", [c for c in cases if c["outcome"] == "xfail"]),
        ("Skipped", [c for c in cases if c["outcome"] == "skipped"]),
        ("Unsupported", [c for c in cases if c["outcome"] == "unsupported"]),
    ]
    for title, selected in sections:
        if selected:
            lines += ["", f"## {title} ({len(selected)})", "", *_case_table(selected)]
    stale = report["expectations"]["stale"]
    if stale:
        lines += [
            "",
            f"## Stale expectations ({len(stale)})",
            "",
            "These entries match no case; remove them.",
            "",
        ]
        lines += [f"- `{entry['match']}` ({entry['outcome']}): {_cell(entry['reason'])}" for entry in stale]
    return "\n".join(lines) + "\n"


# JUnit XML.


def render_junit(report: Mapping[str, Any]) -> str:
    """The run as one JUnit test suite: failures, errors (crash, timeout, adapter error) and skips."""
    cases = report["cases"]
    outcomes = Counter(case["outcome"] for case in cases)
    implementation = report["implementation"]
    attributes = {
        "name": f"zn5 conformance: {implementation['name']} {implementation['version']}",
        "tests": str(len(cases)),
        "failures": str(sum(outcomes[name] for name in FAILURE_OUTCOMES)),
        "errors": str(sum(outcomes[name] for name in ERROR_OUTCOMES)),
        "skipped": str(sum(outcomes[name] for name in SKIP_OUTCOMES)),
        "time": f"{report['duration_s']:.3f}",
        "timestamp": report["started"],
    }
    suites = ElementTree.Element(
        "testsuites", {key: attributes[key] for key in ("tests", "failures", "errors", "time")}
    )
    suite = ElementTree.SubElement(suites, "testsuite", attributes)
    properties = ElementTree.SubElement(suite, "properties")
    for name, value in (
        ("corpus.version", report["corpus"]["version"]),
        ("corpus.digest", report["corpus"]["digest"]),
        ("implementation.version", implementation["version"]),
        ("adapter.version", report["adapter"]["version"]),
    ):
        ElementTree.SubElement(properties, "property", {"name": name, "value": value})
    for case in cases:
        folder, _, slug = case["id"].rpartition("/")
        element = ElementTree.SubElement(
            suite,
            "testcase",
            {
                "classname": folder.replace("/", "."),
                "name": slug,
                "time": f"{case['duration_ms'] / 1000:.3f}",
            },
        )
        body = "\n".join(
            part for part in (case["message"], case.get("detail", ""), case.get("stderr", "")) if part
        )
        if case["outcome"] in FAILURE_OUTCOMES:
            tag = "failure"
        elif case["outcome"] in ERROR_OUTCOMES:
            tag = "error"
        elif case["outcome"] in SKIP_OUTCOMES:
            tag = "skipped"
        else:
            continue
        child = ElementTree.SubElement(
            element, tag, {"type": case["outcome"], "message": case["message"][:500]}
        )
        if tag != "skipped":
            child.text = body
    ElementTree.indent(suites)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def print_summary(
    report: Mapping[str, Any], paths: Mapping[str, Path] | None = None, stream: Any = None
) -> None:
    """A short summary on the terminal: counts, profiles, the first cases that need attention."""
    stream = stream or sys.stdout
    summary = report["summary"]
    counts = ", ".join(f"{name} {count}" for name, count in summary["outcomes"].items())
    implementation = report["implementation"]
    print(
        f"{implementation['name']} {implementation['version']} on corpus {report['corpus']['version']}: "
        f"{summary['total']} cases: {counts}"
        + (f" ({summary['imprecise']} imprecise rejections)" if summary["imprecise"] else ""),
        file=stream,
    )
    for profile in summary["profiles"]:
        state = profile_verdict(profile)
        outcomes = ", ".join(f"{name} {count}" for name, count in profile["outcomes"].items())
        lacks = ", ".join(lacking(profile))
        reason = f"lacks {lacks}" if lacks else verdict_reason(profile, summary["profiles"])
        print(
            f"  {profile['name']:<24} {state:<24} {outcomes}{f'  ({reason})' if reason else ''}",
            file=stream,
        )
    print(f"  ({VERDICT_LEGEND})", file=stream)
    for note in report["notes"]:  # the run as a whole, such as a --select that limited it
        print(f"  note: {note}", file=stream)
    attention = [case for case in report["cases"] if case["outcome"] in (*FAILURE_OUTCOMES, *ERROR_OUTCOMES)]
    for case in attention[:20]:
        print(f"  {case['outcome'].upper():<14} {case['id']}: {_cell(case['message'], 160)}", file=stream)
    if len(attention) > 20:
        print(f"  … and {len(attention) - 20} more (see report.md)", file=stream)
    for entry in report["expectations"]["stale"]:
        print(
            f"  STALE          expectation {entry['match']!r}: it matches no case, or only cases not run",
            file=stream,
        )
    if paths:
        print("reports: " + ", ".join(str(path) for path in paths.values()), file=stream)
    print("PASSED" if report["passed"] else "FAILED", file=stream)
